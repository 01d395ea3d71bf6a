package io.roomsync.notify;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Properties;

/** Sends plain-text e-mail through the configured SMTP server (jakarta.mail; STARTTLS when the server offers it). */
public final class Mailer {
    public static final class MailException extends Exception {
        MailException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Session session;
    private final String from;
    private final String user;
    private final String password;

    public Mailer(String host, int port, String user, String password, String from) {
        Properties p = new Properties();
        p.put("mail.smtp.host", host);
        p.put("mail.smtp.port", String.valueOf(port));
        p.put("mail.smtp.starttls.enable", "true");
        p.put("mail.smtp.connectiontimeout", "10000");
        p.put("mail.smtp.timeout", "10000");
        p.put("mail.smtp.writetimeout", "10000");
        if (user != null && !user.isBlank()) p.put("mail.smtp.auth", "true");
        this.session = Session.getInstance(p);
        this.from = from;
        this.user = user;
        this.password = password;
    }

    public void send(String to, String subject, String text) throws MailException {
        try {
            MimeMessage m = new MimeMessage(session);
            m.setFrom(new InternetAddress(from));
            m.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
            m.setSubject(subject, "UTF-8");
            m.setText(text, "UTF-8");
            if (user != null && !user.isBlank()) {
                Transport.send(m, user, password);
            } else {
                Transport.send(m);
            }
        } catch (MessagingException e) {
            // The message text may quote the server; it never contains the password.
            throw new MailException("SMTP: " + e.getMessage(), e);
        }
    }
}
