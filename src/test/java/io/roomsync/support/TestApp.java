package io.roomsync.support;

import io.roomsync.App;
import io.roomsync.config.MasterKey;
import io.roomsync.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A real Roomsync server on a random port over a fresh database, as a customer would run it. */
public final class TestApp implements AutoCloseable {
    public final App app;
    public final String baseUrl;
    public final Fixtures fixtures;
    public final TestDatabases.TestDb db;
    /** The settings this node started with (another node of the installation starts from them). */
    public final Map<String, String> env;

    private TestApp(App app, TestDatabases.TestDb db, Map<String, String> env) {
        this.app = app;
        this.db = db;
        this.env = Map.copyOf(env);
        int port = app.start();
        this.baseUrl = "http://localhost:" + port;
        this.fixtures = new Fixtures(app);
    }

    public static TestApp start(TestDatabases.Kind kind) {
        return start(kind, Clock.systemUTC(), Map.of());
    }

    public static TestApp start(TestDatabases.Kind kind, Clock clock, Map<String, String> extraEnv) {
        TestDatabases.TestDb db = TestDatabases.create(kind);
        try {
            Path data = Files.createTempDirectory("roomsync-data-");
            Map<String, String> env = new HashMap<>();
            env.put("ROOMSYNC_PORT", "0");
            env.put("ROOMSYNC_DATA_DIR", data.toString());
            env.put("ROOMSYNC_DB_URL", db.url());
            env.put("ROOMSYNC_DB_USER", db.user());
            env.put("ROOMSYNC_DB_PASSWORD", db.password());
            env.put("ROOMSYNC_DB_POOL_SIZE", "20");
            env.put("ROOMSYNC_MASTER_KEY", MasterKey.generate());
            // Demo mode starts the Exchange sandbox; tests never want its fixed port.
            env.put("ROOMSYNC_SANDBOX_PORT", "0");
            // Demo-mode tests start from rooms without sync unless they ask for the demo's two-way sync.
            env.put("ROOMSYNC_DEMO_SYNC", "false");
            // Tests run their Exchange sandboxes and proxies on this machine.
            env.put("ROOMSYNC_ALLOWED_HOSTS", "localhost,127.0.0.1");
            env.putAll(extraEnv);
            List<String> args = "true".equals(extraEnv.get("ROOMSYNC_DEMO")) ? List.of("--demo") : List.of();
            return new TestApp(new App(Settings.load(env, args), clock), db, env);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Another node of this installation: the same database and master key, its own data folder and (unless
     * {@code extraEnv} names one, e.g. a crashed node's ROOMSYNC_PORT to restart it) its own port. Never in demo
     * mode: the demo's sandbox and provider belong to the first node.
     */
    public TestApp node(Clock clock, Map<String, String> extraEnv) {
        try {
            Map<String, String> nodeEnv = new HashMap<>(env);
            nodeEnv.put("ROOMSYNC_PORT", "0");
            nodeEnv.put("ROOMSYNC_DATA_DIR", Files.createTempDirectory("roomsync-data-").toString());
            nodeEnv.put("ROOMSYNC_DEMO", "false");
            nodeEnv.putAll(extraEnv);
            return new TestApp(new App(Settings.load(nodeEnv, List.of()), clock), db, nodeEnv);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Kills this node: running jobs are abandoned, their claims stay in the database (see {@link App#halt()}). */
    public void crash() {
        app.halt();
    }

    /** A browser-like HTTP client (cookies, CSRF) against this server. */
    public WebClient client() {
        return new WebClient(baseUrl);
    }

    @Override
    public void close() {
        app.close();
    }
}
