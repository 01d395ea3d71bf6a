package io.roomsync.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.roomsync.App;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Settings: documented with their defaults, validated at start-up with one clear line and a non-zero exit. */
class SettingsTest {

    /** What a run of {@code java io.roomsync.App} printed and how it ended. */
    record Run(int exitCode, String stdout, String stderr) {
        List<String> errorLines() {
            return stderr.lines().filter(l -> !l.isBlank()).toList();
        }
    }

    /** Runs the app in its own JVM with exactly the given ROOMSYNC_* environment (and a fresh data folder). */
    static Run run(Map<String, String> env, String... args) throws Exception {
        Path data = Files.createTempDirectory("roomsync-settings-test-");
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.roomsync.App"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> k.startsWith("ROOMSYNC_"));
        pb.environment().put("ROOMSYNC_DATA_DIR", data.toString());
        pb.environment().put("ROOMSYNC_PORT", "0");
        pb.environment().putAll(env);
        Path out = Files.createTempFile("roomsync-out-", ".txt");
        Path err = Files.createTempFile("roomsync-err-", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the app neither started nor stopped: " + Files.readString(err));
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void help_lists_every_setting_with_its_default() {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            App.main(new String[] {"--help"});
        } finally {
            System.setOut(original);
        }
        String help = captured.toString(StandardCharsets.UTF_8);
        assertEquals(18, Settings.DEFINITIONS.size(), "a new setting needs a line in this test's expectations too");
        for (Settings.Definition d : Settings.DEFINITIONS) {
            assertTrue(help.lines().anyMatch(l -> l.contains(d.env()) && l.contains(d.key()) && l.endsWith("default: " + d.defaultValue())),
                    d.env() + " is listed with its default:\n" + help);
            assertTrue(help.contains(d.meaning()), d.env() + " is explained");
        }
        for (String option : List.of("--demo", "--config=FILE", "--help")) assertTrue(help.contains(option), option);
    }

    @Test
    void defaults_apply_when_nothing_is_set() {
        Settings s = Settings.load(Map.of(), List.of());
        assertEquals(7070, s.port());
        assertEquals("http://localhost:7070", s.baseUrl());
        assertTrue(s.dbUrl().startsWith("jdbc:h2:file:"));
        assertEquals("sa", s.dbUser());
        assertEquals(10, s.dbPoolSize());
        assertEquals(587, s.smtpPort());
        assertEquals("roomsync@localhost", s.smtpFrom());
        assertFalse(s.demo());
        assertTrue(s.demoSync(), "a demo shows two-way sync unless told not to");
        assertFalse(s.secureCookies());
        assertFalse(s.smtpEnabled());
    }

    @Test
    void a_properties_file_provides_settings_and_the_environment_wins() throws IOException {
        Path file = Files.createTempFile("roomsync-", ".properties");
        Files.writeString(file, "port=8081\nbase.url=https://rooms.example.com/\ndb.pool.size=5\ndemo=true\n");
        Settings s = Settings.load(Map.of("ROOMSYNC_DB_POOL_SIZE", "7"), List.of("--config=" + file));
        assertEquals(8081, s.port());
        assertEquals("https://rooms.example.com", s.baseUrl());
        assertTrue(s.secureCookies());
        assertEquals(7, s.dbPoolSize());
        assertTrue(s.demo());

        InvalidSettingException missing = assertThrows(InvalidSettingException.class,
                () -> Settings.load(Map.of("ROOMSYNC_CONFIG", file + ".missing"), List.of()));
        assertTrue(missing.getMessage().startsWith("Invalid setting ROOMSYNC_CONFIG: "), missing.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "ROOMSYNC_PORT         | 70000            | Invalid setting ROOMSYNC_PORT: must be a whole number from 0 to 65535, got '70000'",
            "ROOMSYNC_PORT         | eighty           | Invalid setting ROOMSYNC_PORT: must be a whole number from 0 to 65535, got 'eighty'",
            "ROOMSYNC_BASE_URL     | ftp://rooms      | Invalid setting ROOMSYNC_BASE_URL: must be an absolute http(s) URL, got 'ftp://rooms'",
            "ROOMSYNC_DB_URL       | postgres://db/x  | Invalid setting ROOMSYNC_DB_URL: must start with jdbc:h2:, jdbc:mysql: or jdbc:mariadb:, got 'postgres://db/x'",
            "ROOMSYNC_DB_POOL_SIZE | 0                | Invalid setting ROOMSYNC_DB_POOL_SIZE: must be a whole number from 1 to 200, got '0'",
            "ROOMSYNC_MASTER_KEY   | c2hvcnQ=         | Invalid setting ROOMSYNC_MASTER_KEY: must be base64 of 32 random bytes, got 5 bytes",
            "ROOMSYNC_MASTER_KEY   | not base64 at all | Invalid setting ROOMSYNC_MASTER_KEY: must be base64 of 32 random bytes",
            "ROOMSYNC_SMTP_PORT    | 0                | Invalid setting ROOMSYNC_SMTP_PORT: must be a whole number from 1 to 65535, got '0'",
            "ROOMSYNC_SMTP_FROM    | nobody           | Invalid setting ROOMSYNC_SMTP_FROM: must be an e-mail address",
            "ROOMSYNC_DEMO         | maybe            | Invalid setting ROOMSYNC_DEMO: must be true or false, got 'maybe'",
            "ROOMSYNC_SANDBOX_PORT | 70000            | Invalid setting ROOMSYNC_SANDBOX_PORT: must be a whole number from 0 to 65535, got '70000'",
            "ROOMSYNC_DEMO_SYNC    | sometimes        | Invalid setting ROOMSYNC_DEMO_SYNC: must be true or false, got 'sometimes'",
            "ROOMSYNC_ALLOWED_HOSTS | login.example.com, https://evil.test | Invalid setting ROOMSYNC_ALLOWED_HOSTS: must list host names or host:port, got 'https://evil.test'",
            "ROOMSYNC_DEV_TEMPLATES | /no/such/templates | Invalid setting ROOMSYNC_DEV_TEMPLATES: must be a folder of JTE templates, got '/no/such/templates'"})
    void an_invalid_setting_is_named_in_one_clear_message(String name, String value, String message) {
        InvalidSettingException e = assertThrows(InvalidSettingException.class, () -> Settings.load(Map.of(name, value), List.of()));
        assertEquals(message, e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "ROOMSYNC_PORT       | 99999           | Invalid setting ROOMSYNC_PORT: ",
            "ROOMSYNC_DB_URL     | postgres://db/x | Invalid setting ROOMSYNC_DB_URL: ",
            "ROOMSYNC_MASTER_KEY | c2hvcnQ=        | Invalid setting ROOMSYNC_MASTER_KEY: ",
            "ROOMSYNC_DEMO       | yes please      | Invalid setting ROOMSYNC_DEMO: "})
    void start_up_with_an_invalid_setting_prints_one_line_naming_it_and_exits_non_zero(String name, String value, String start) throws Exception {
        Run run = run(Map.of(name, value));
        assertNotEquals(0, run.exitCode());
        assertEquals(1, run.errorLines().size(), run.stderr());
        assertTrue(run.errorLines().get(0).startsWith(start), run.stderr());
        assertFalse(run.stdout().contains("Exception") || run.stderr().contains("\tat "), run.stdout() + run.stderr());
    }

    @Test
    void an_unknown_option_is_refused() throws Exception {
        Run run = run(Map.of(), "--dmeo");
        assertNotEquals(0, run.exitCode());
        assertEquals(List.of("Unknown option --dmeo (see --help)"), run.errorLines());
    }

    @Test
    void a_database_that_cannot_be_opened_stops_start_up_with_one_line_and_no_stack_trace() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("ROOMSYNC_DB_URL", "jdbc:mariadb://127.0.0.1:1/roomsync?user=root&password=hunter2");
        env.put("ROOMSYNC_DB_USER", "root");
        Run run = run(env);
        assertNotEquals(0, run.exitCode());
        assertEquals(1, run.errorLines().size(), run.stderr());
        String line = run.errorLines().get(0);
        assertTrue(line.startsWith("Cannot open the database at jdbc:mariadb://127.0.0.1:1/roomsync?user=root&password=***: "), line);
        assertTrue(line.contains("Connection refused"), line);
        assertFalse(run.stdout().contains("hunter2") || run.stderr().contains("hunter2"), "no password on the console");
        assertFalse(run.stdout().contains("\tat ") || run.stderr().contains("\tat "), run.stdout() + run.stderr());
    }
}
