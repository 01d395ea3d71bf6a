package io.roomsync.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * Fresh databases for tests: a new MariaDB database on the local server (dropped when the JVM exits), or a new
 * H2 file database in a temporary folder. MariaDB must be reachable: a missing server fails the test, never skips it.
 */
public final class TestDatabases {
    public static final String MARIADB_SERVER = System.getProperty("roomsync.test.mariadb", "jdbc:mariadb://127.0.0.1:3306/");

    private TestDatabases() {}

    public enum Kind { MARIADB, H2 }

    public record TestDb(Kind kind, String url, String user, String password) {}

    public static TestDb create(Kind kind) {
        return kind == Kind.MARIADB ? mariadb() : h2();
    }

    public static TestDb mariadb() {
        String name = "roomsync_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(MARIADB_SERVER, "root", "");
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        } catch (SQLException e) {
            throw new IllegalStateException("MariaDB is required for the tests and is not reachable at " + MARIADB_SERVER
                    + " (run src/test/prepare-machine.sh): " + e.getMessage(), e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> drop(name)));
        return new TestDb(Kind.MARIADB, MARIADB_SERVER + name, "root", "");
    }

    public static TestDb h2() {
        try {
            Path dir = Files.createTempDirectory("roomsync-h2-");
            return new TestDb(Kind.H2, io.roomsync.config.Settings.defaultH2Url(dir), "sa", "");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void drop(String name) {
        try (Connection c = DriverManager.getConnection(MARIADB_SERVER, "root", "");
             Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name);
        } catch (SQLException ignored) {
            // best effort at exit
        }
    }
}
