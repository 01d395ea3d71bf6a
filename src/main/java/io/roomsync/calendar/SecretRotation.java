package io.roomsync.calendar;

import io.roomsync.config.InvalidSettingException;
import io.roomsync.config.MasterKey;
import io.roomsync.config.SecretBox;
import io.roomsync.config.Settings;
import io.roomsync.db.Database;
import io.roomsync.db.Tx;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.hibernate.Session;

/**
 * Moves every stored secret to a new master key ({@code --rotate-master-key}): all are opened with the current key
 * first, and only when every one opens are they sealed under the new key, in one transaction. A secret that cannot
 * be opened stops the rotation before anything is written, naming its record (never its value).
 */
public final class SecretRotation {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SecretRotation.class);
    /** A column holding SecretBox ciphertext. Every table that stores secrets lists its columns here. */
    public record SecretColumn(String table, String column, String record, String meaning) {}

    public static final List<SecretColumn> COLUMNS = List.of(
            new SecretColumn("calendar_connection", "client_secret_enc", "Connection", "client secret"),
            new SecretColumn("calendar_connection", "certificate_enc", "Connection", "certificate"),
            new SecretColumn("calendar_connection", "certificate_password_enc", "Connection", "certificate password"),
            new SecretColumn("calendar_provider", "proxy_password_enc", "Calendar provider", "proxy password"));

    /** A stored secret that the current key does not open; the message names the record. */
    public static final class RotationFailed extends RuntimeException {
        public RotationFailed(String message) {
            super(message);
        }
    }

    private SecretRotation() {}

    /** Re-encrypts every stored secret in one transaction; returns how many. */
    public static int rotate(Tx tx, SecretBox current, SecretBox next) {
        return tx.call(s -> rotate(s, current, next));
    }

    /** Re-encrypts every stored secret within the caller's transaction; returns how many. */
    public static int rotate(Session session, SecretBox current, SecretBox next) {
        record Resealed(SecretColumn column, long id, String sealed) {}
        List<Resealed> resealed = new ArrayList<>();
        session.doWork(connection -> {
            for (SecretColumn col : COLUMNS) {
                // FOR UPDATE: a node saving a secret meanwhile waits, instead of writing under the old key afterwards.
                String select = "SELECT id, tenant_id, " + col.column() + " FROM " + col.table() + " WHERE " + col.column()
                        + " IS NOT NULL ORDER BY id FOR UPDATE";
                try (PreparedStatement ps = connection.prepareStatement(select); ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long id = rs.getLong(1);
                        String plain;
                        try {
                            plain = current.decrypt(rs.getString(3));
                        } catch (RuntimeException e) {
                            throw new RotationFailed(col.record() + " " + id + " (tenant " + rs.getLong(2) + "): its stored " + col.meaning()
                                    + " cannot be decrypted with the current master key.");
                        }
                        resealed.add(new Resealed(col, id, next.encrypt(plain)));
                    }
                }
            }
            for (Resealed r : resealed) {
                try (PreparedStatement ps = connection.prepareStatement(
                        "UPDATE " + r.column().table() + " SET " + r.column().column() + " = ? WHERE id = ?")) {
                    ps.setString(1, r.sealed());
                    ps.setLong(2, r.id());
                    ps.executeUpdate();
                }
            }
        });
        return resealed.size();
    }

    /**
     * The command line: opens the database with the current key, rotates, and, when the key came from the key file,
     * replaces the file (0600) after the commit. Returns the process exit code.
     */
    public static int command(Settings settings, String newKeyBase64, PrintStream out, PrintStream err) {
        byte[] newKey;
        try {
            newKey = MasterKey.decode(newKeyBase64);
        } catch (InvalidSettingException e) {
            err.println("--rotate-master-key: the new key must be base64 of 32 random bytes (for example: openssl rand -base64 32).");
            return 2;
        }
        byte[] currentKey = MasterKey.resolve(settings);
        if (Arrays.equals(currentKey, newKey)) {
            err.println("--rotate-master-key: the new key is the current key; nothing to do.");
            return 2;
        }
        int count;
        // Plain JDBC does the work; the session factory only needs to exist (and Flyway to bring the schema up to date).
        try (Database db = Database.open(settings.dbUrl(), settings.dbUser(), settings.dbPassword(), 2,
                List.of(Connection.class, CalendarProvider.class))) {
            count = rotate(new Tx(db.sessionFactory()), new SecretBox(currentKey), new SecretBox(newKey));
        } catch (RotationFailed e) {
            err.println("Master key not rotated: " + e.getMessage() + " Nothing was changed.");
            return 1;
        }
        log.info("Re-encrypted {} stored secrets under a new master key", count);
        String encoded = Base64.getEncoder().encodeToString(newKey);
        if (settings.masterKey() != null) {
            out.println("Re-encrypted " + count + " secrets; now set ROOMSYNC_MASTER_KEY (or master.key in the config file) to the new key before starting Roomsync.");
            return 0;
        }
        Path file = settings.dataDir().resolve("master.key");
        try {
            writeKeyFile(file, encoded);
        } catch (IOException e) {
            err.println("Re-encrypted " + count + " secrets, but " + file + " could not be replaced (" + e.getMessage()
                    + "): write the new key into it yourself (mode 0600) before starting Roomsync.");
            return 1;
        }
        out.println("Re-encrypted " + count + " secrets; replaced " + file + " with the new key.");
        return 0;
    }

    /** Writes a sibling file readable by its owner only, then moves it over the old one in one step. */
    static void writeKeyFile(Path file, String key) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "master.key.", ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(tmp, key + "\n", StandardCharsets.US_ASCII);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
