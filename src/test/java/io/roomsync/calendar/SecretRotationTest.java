package io.roomsync.calendar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.roomsync.App;
import io.roomsync.common.Tokens;
import io.roomsync.config.MasterKey;
import io.roomsync.config.SecretBox;
import io.roomsync.config.Settings;
import io.roomsync.support.TestApp;
import io.roomsync.support.TestDatabases;
import io.roomsync.tenant.CurrentUser;
import io.roomsync.tenant.Role;
import io.roomsync.tenant.Tenant;
import io.roomsync.tenant.User;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** --rotate-master-key: every secret moves to the new key, or nothing changes. */
class SecretRotationTest {
    static TestApp app;
    static CurrentUser admin;
    static byte[] p12;

    @BeforeAll
    static void start() throws Exception {
        app = TestApp.start(TestDatabases.Kind.MARIADB);
        Tenant t = app.fixtures.tenant("Rotate");
        User u = app.fixtures.user(t, "admin@rotate.test", Role.TENANT_ADMIN);
        admin = actor(u);
        try (InputStream in = SecretRotationTest.class.getResourceAsStream("/calendar/app.p12")) {
            p12 = in.readAllBytes();
        }
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void rotation_re_encrypts_every_secret_and_the_old_key_no_longer_opens_them() throws Exception {
        String secret = "rotate-" + Tokens.random(16);
        String proxyPassword = "proxy-" + Tokens.random(16);
        Connection bySecret = app.app.connections.create(admin, "test", secretInput("Secret " + Tokens.random(4), secret));
        Connection byCertificate = app.app.connections.create(admin, "test", new ConnectionService.ConnectionInput("Cert " + Tokens.random(4),
                "APP_ONLY", CalendarProvidersTest.GUID, "CERTIFICATE", null, "PKCS12", p12, CalendarProvidersTest.P12_PASSWORD, null, null, null));
        CalendarProvider provider = app.app.providers.create(admin, "test", new ProviderService.ProviderInput("Proxied " + Tokens.random(4), null,
                false, null, null, null, null, "rotate.onmicrosoft.com", null, null, null, null, false, "proxy.rotate.test", 8080, "svc",
                proxyPassword, null, null, null));
        Map<String, String> before = secretColumns();
        SecretBox current = app.app.secrets;
        SecretBox next = new SecretBox(MasterKey.decode(MasterKey.generate()));

        int count = SecretRotation.rotate(app.app.tx, current, next);
        try {
            assertEquals(before.size(), count, "every stored secret is counted once");
            Map<String, String> after = secretColumns();
            assertEquals(before.keySet(), after.keySet());
            for (String key : before.keySet()) {
                assertNotEquals(before.get(key), after.get(key), key + " was re-encrypted");
                assertTrue(after.get(key).startsWith("v1:"));
                assertEquals(current.decrypt(before.get(key)), next.decrypt(after.get(key)), key + " holds the same secret");
                assertThrows(IllegalStateException.class, () -> current.decrypt(after.get(key)), "the old key no longer opens " + key);
            }
            assertEquals(secret, next.decrypt(after.get("calendar_connection.client_secret_enc#" + bySecret.id)));
            assertEquals(CalendarProvidersTest.P12_PASSWORD, next.decrypt(after.get("calendar_connection.certificate_password_enc#" + byCertificate.id)));
            assertEquals(proxyPassword, next.decrypt(after.get("calendar_provider.proxy_password_enc#" + provider.id)));
        } finally {
            SecretRotation.rotate(app.app.tx, next, current); // back to the key the running app holds
        }
        assertEquals(secret, app.app.connections.credentialsFor(admin.tenant(), bySecret.id).clientSecret());
    }

    @Test
    void rotation_with_a_secret_it_cannot_open_changes_nothing_and_names_the_record() throws Exception {
        app.app.connections.create(admin, "test", secretInput("Fine " + Tokens.random(4), "fine-" + Tokens.random(12)));
        String stray = "stray-" + Tokens.random(12);
        Connection corrupt = app.app.connections.create(admin, "test", secretInput("Corrupt " + Tokens.random(4), stray));
        // sealed under some other key, as after a half-finished manual key change
        String foreign = new SecretBox(MasterKey.decode(MasterKey.generate())).encrypt(stray);
        jdbcUpdate("update calendar_connection set client_secret_enc = ? where id = ?", foreign, corrupt.id);
        Map<String, String> before = secretColumns();
        try {
            SecretRotation.RotationFailed failed = assertThrows(SecretRotation.RotationFailed.class,
                    () -> SecretRotation.rotate(app.app.tx, app.app.secrets, new SecretBox(MasterKey.decode(MasterKey.generate()))));
            assertTrue(failed.getMessage().contains("Connection " + corrupt.id), failed.getMessage());
            assertTrue(failed.getMessage().contains("client secret cannot be decrypted"));
            assertFalse(failed.getMessage().contains(stray));
            assertFalse(failed.getMessage().contains(foreign));
            assertEquals(before, secretColumns(), "nothing was changed");
        } finally {
            jdbcUpdate("delete from calendar_connection where id = ?", null, corrupt.id);
        }
    }

    @Test
    void the_command_re_encrypts_and_replaces_the_key_file_of_the_embedded_default() throws Exception {
        Path data = Files.createTempDirectory("roomsync-rotate-");
        TestDatabases.TestDb h2 = TestDatabases.h2();
        Map<String, String> env = Map.of("ROOMSYNC_PORT", "0", "ROOMSYNC_DATA_DIR", data.toString(), "ROOMSYNC_DB_URL", h2.url(),
                "ROOMSYNC_DB_USER", h2.user());
        Settings settings = Settings.load(env, List.of());
        String secret = "embedded-" + Tokens.random(16);
        long tenantId;
        long connectionId;
        try (App first = new App(settings, Clock.systemUTC())) {
            CurrentUser owner = first.tx.call(s -> {
                Tenant t = new Tenant();
                t.name = "Embedded";
                t.slug = "embedded";
                t.createdAt = Instant.now();
                s.persist(t);
                User u = new User();
                u.tenantId = t.id;
                u.setEmail("admin@embedded.test");
                u.displayName = "Admin";
                u.roles = EnumSet.of(Role.EMPLOYEE, Role.TENANT_ADMIN);
                u.active = true;
                u.createdAt = Instant.now();
                s.persist(u);
                return actor(u);
            });
            tenantId = owner.tenant();
            connectionId = first.connections.create(owner, "test", secretInput("Embedded app", secret)).id;
            first.providers.create(owner, "test", new ProviderService.ProviderInput("Embedded", null, null, null, null, null, null,
                    "embedded.onmicrosoft.com", null, null, null, null, false, "proxy.embedded.test", 3128, "svc", "pw-" + Tokens.random(8),
                    null, null, null));
        }
        Path keyFile = data.resolve("master.key");
        String oldKey = Files.readString(keyFile).trim();
        String newKey = MasterKey.generate();

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = SecretRotation.command(settings, newKey, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, exit, err.toString(StandardCharsets.UTF_8));
        assertEquals("Re-encrypted 2 secrets; replaced " + keyFile + " with the new key.", out.toString(StandardCharsets.UTF_8).trim());
        assertEquals(newKey, Files.readString(keyFile).trim());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
        assertNotEquals(oldKey, newKey);

        try (App second = new App(Settings.load(env, List.of()), Clock.systemUTC())) {
            assertEquals(secret, second.connections.credentialsFor(tenantId, connectionId).clientSecret(), "the app opens secrets with the new key file");
        }

        ByteArrayOutputStream bad = new ByteArrayOutputStream();
        assertEquals(2, SecretRotation.command(settings, "not-a-key", new PrintStream(out), new PrintStream(bad, true, StandardCharsets.UTF_8)));
        assertTrue(bad.toString(StandardCharsets.UTF_8).contains("base64 of 32 random bytes"));
        assertEquals(2, SecretRotation.command(settings, newKey, new PrintStream(out), new PrintStream(bad)), "the current key is refused");
        assertEquals(newKey, Files.readString(keyFile).trim());
    }

    @Test
    void help_lists_the_rotation_option() {
        assertTrue(Settings.help().contains("--rotate-master-key=NEWKEY"));
    }

    // ----------------------------------------------------------------------------------------- helpers

    static ConnectionService.ConnectionInput secretInput(String name, String secret) {
        return new ConnectionService.ConnectionInput(name, "APP_ONLY", CalendarProvidersTest.GUID, "SECRET", secret, null, null, null, null,
                null, null);
    }

    static CurrentUser actor(User u) {
        return new CurrentUser(u.id, u.tenantId, u.email, u.displayName, null, EnumSet.copyOf(u.roles), "csrf", false);
    }

    /** Every stored secret, keyed "table.column#id". */
    static Map<String, String> secretColumns() throws SQLException {
        Map<String, String> out = new TreeMap<>();
        try (java.sql.Connection c = app.app.database.dataSource().getConnection()) {
            for (SecretRotation.SecretColumn col : SecretRotation.COLUMNS) {
                try (PreparedStatement ps = c.prepareStatement("select id, " + col.column() + " from " + col.table() + " where " + col.column() + " is not null");
                     ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.put(col.table() + "." + col.column() + "#" + rs.getLong(1), rs.getString(2));
                }
            }
        }
        return out;
    }

    static void jdbcUpdate(String sql, String value, long id) throws SQLException {
        try (java.sql.Connection c = app.app.database.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            if (value != null) ps.setString(i++, value);
            ps.setLong(i, id);
            ps.executeUpdate();
        }
    }
}
