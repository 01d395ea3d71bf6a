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

    private TestApp(App app, TestDatabases.TestDb db) {
        this.app = app;
        this.db = db;
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
            env.putAll(extraEnv);
            List<String> args = "true".equals(extraEnv.get("ROOMSYNC_DEMO")) ? List.of("--demo") : List.of();
            return new TestApp(new App(Settings.load(env, args), clock), db);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
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
