package io.roomsync.notify;

import io.roomsync.common.NotFoundException;
import io.roomsync.db.Tx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A person's notifications (the in-app list and the unread badge) and their delivery by e-mail: the
 * "notification-mail" job sends what was not e-mailed yet when SMTP is configured.
 */
public final class NotificationService {
    private static final Logger log = LoggerFactory.getLogger(NotificationService.class);
    public static final String MAIL_JOB = "notification-mail";
    /** Older notices are not e-mailed any more (e.g. SMTP was configured later). */
    private static final Duration MAIL_WITHIN = Duration.ofDays(1);

    private final Tx tx;
    private final Clock clock;
    private final Mailer mailer;
    private final String baseUrl;

    /** @param mailer null when SMTP is not configured */
    public NotificationService(Tx tx, Clock clock, Mailer mailer, String baseUrl) {
        this.tx = tx;
        this.clock = clock;
        this.mailer = mailer;
        this.baseUrl = baseUrl;
    }

    public List<Notification> list(long tenantId, long userId, int max) {
        return tx.call(s -> s.createSelectionQuery("from Notification where tenantId = :t and userId = :u order by createdAt desc, id desc",
                        Notification.class).setParameter("t", tenantId).setParameter("u", userId).setMaxResults(max).getResultList());
    }

    public long unread(long tenantId, long userId) {
        return tx.call(s -> s.createSelectionQuery("select count(*) from Notification where tenantId = :t and userId = :u and readAt is null",
                Long.class).setParameter("t", tenantId).setParameter("u", userId).getSingleResult());
    }

    public void markRead(long tenantId, long userId, long id) {
        tx.run(s -> {
            Notification n = s.find(Notification.class, id);
            if (n == null || !n.tenantId.equals(tenantId) || !n.userId.equals(userId)) throw new NotFoundException("Notification");
            if (n.readAt == null) n.readAt = clock.instant();
        });
    }

    public int markAllRead(long tenantId, long userId) {
        return tx.call(s -> s.createMutationQuery("update Notification set readAt = :now where tenantId = :t and userId = :u and readAt is null")
                .setParameter("now", clock.instant()).setParameter("t", tenantId).setParameter("u", userId).executeUpdate());
    }

    public boolean mailEnabled() {
        return mailer != null;
    }

    /** The mail job: e-mails recent notifications not e-mailed yet (one node at a time: Quartz never runs it twice). */
    public void sendPendingMail() {
        if (mailer == null) return;
        Instant since = clock.instant().minus(MAIL_WITHIN);
        List<Object[]> pending = tx.call(s -> s.createSelectionQuery("""
                        select n, u.email from Notification n join User u on u.id = n.userId
                        where n.emailedAt is null and n.createdAt >= :since order by n.id""", Object[].class)
                .setParameter("since", since).setMaxResults(100).getResultList());
        for (Object[] row : pending) {
            Notification n = (Notification) row[0];
            String to = (String) row[1];
            try {
                String body = (n.body == null ? "" : n.body) + (n.link == null ? "" : "\n\n" + baseUrl + n.link)
                        + "\n\n-- \nRoomsync notifications: " + baseUrl + "/notifications";
                mailer.send(to, "[Roomsync] " + n.title, body);
            } catch (Mailer.MailException e) {
                // The server is down or refused: the notice stays in the app and the next run tries again.
                log.warn("Notification {} not e-mailed: {}", n.id, e.getMessage());
                return;
            }
            tx.run(s -> s.createMutationQuery("update Notification set emailedAt = :now where id = :id")
                    .setParameter("now", clock.instant()).setParameter("id", n.id).executeUpdate());
        }
    }

}
