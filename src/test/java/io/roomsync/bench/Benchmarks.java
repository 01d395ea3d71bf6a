package io.roomsync.bench;

import io.roomsync.support.TestApp;
import io.roomsync.support.TestDatabases;
import io.roomsync.support.WebClient;
import io.roomsync.tenant.Role;
import io.roomsync.tenant.Tenant;
import io.roomsync.tenant.User;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * The benchmarks behind docs/PERFORMANCE.md: start-up time and memory of the packaged jar, find-a-room server time
 * on a building of 500 rooms with 10,000 reservations that day, and booking throughput with 16 concurrent clients
 * on MariaDB, and the Graph client ({@link GraphBenchmark}). Run through src/test/bench/run.sh; prints figures, asserts nothing.
 */
public final class Benchmarks {
    private static final Pattern SERVER_TIMING = Pattern.compile("app;dur=([0-9.]+)");
    private static final ZoneId ZONE = ZoneId.of("Europe/Berlin");

    public static void main(String[] args) throws Exception {
        String which = args.length == 0 ? "all" : args[0];
        System.out.printf("Roomsync benchmarks on %d cores, Java %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"));
        if (which.equals("all") || which.equals("startup")) startup();
        if (which.equals("all") || which.equals("find")) findARoom();
        if (which.equals("all") || which.equals("booking")) bookingThroughput();
        if (which.equals("all") || which.equals("graph")) GraphBenchmark.run();
        if (which.equals("webhook")) WebhookBenchmark.main(java.util.Arrays.copyOfRange(args, 1, args.length));
        if (which.startsWith("sync")) SyncBenchmarks.run(which, args.length > 1 ? Integer.parseInt(args[1]) : 0);
        System.exit(0);
    }

    // --- start-up -------------------------------------------------------------------------------------------

    static void startup() throws Exception {
        Path jar = Path.of("target/roomsync.jar");
        if (!Files.exists(jar)) throw new IllegalStateException("build the jar first: mvn -q -DskipTests package");
        Path data = Files.createTempDirectory("roomsync-bench-startup-");
        System.out.println();
        System.out.println("== Start-up of java -jar target/roomsync.jar (embedded H2, fresh data folder, then restarts)");
        for (int run = 1; run <= 3; run++) {
            int port = 7400 + run;
            ProcessBuilder pb = new ProcessBuilder("java", "-jar", jar.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            pb.environment().put("ROOMSYNC_PORT", String.valueOf(port));
            pb.environment().put("ROOMSYNC_DATA_DIR", data.toString());
            long t0 = System.nanoTime();
            Process p = pb.start();
            HttpClient http = HttpClient.newHttpClient();
            long firstResponseMs = -1;
            while (System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(60)) {
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) {
                        firstResponseMs = (System.nanoTime() - t0) / 1_000_000;
                        break;
                    }
                } catch (IOException notYet) {
                    Thread.sleep(20);
                }
            }
            Thread.sleep(3000);
            long rssKb = rssKb(p.pid());
            p.destroy();
            p.waitFor(20, TimeUnit.SECONDS);
            System.out.printf("run %d (%s): first response after %d ms, resident memory 3 s later %d MB%n", run,
                    run == 1 ? "creates the database" : "existing database", firstResponseMs, rssKb / 1024);
        }
    }

    private static long rssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
        return -1;
    }

    // --- find a room ----------------------------------------------------------------------------------------

    static void findARoom() throws Exception {
        System.out.println();
        System.out.println("== Find a room: 1 building, 500 rooms, 10,000 reservations that day, MariaDB");
        try (TestApp app = TestApp.start(TestDatabases.Kind.MARIADB)) {
            Tenant tenant = app.fixtures.tenant("Bench");
            User user = app.fixtures.user(tenant, "bench@bench.test");
            String token = app.fixtures.apiToken(user);
            LocalDate day = LocalDate.now(ZONE).plusDays(2);
            long building = seedBuilding(app.app.database.dataSource(), tenant.id, user.id, 500, 20, day);
            WebClient client = app.client();
            String path = "/api/v1/availability?buildingId=" + building + "&date=" + day + "&start=10:15&durationMinutes=60";
            WebClient.Response probe = client.api("GET", path, token, null);
            if (probe.status() != 200) throw new IllegalStateException("availability answered " + probe.status() + ": " + probe.body());
            for (int i = 0; i < 100; i++) client.api("GET", path, token, null); // warm-up
            List<Double> server = new ArrayList<>();
            List<Double> total = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                String start = String.format("%02d:%02d", 8 + (i % 9), (i % 4) * 15);
                String p = "/api/v1/availability?buildingId=" + building + "&date=" + day + "&start=" + start + "&durationMinutes=60";
                long t0 = System.nanoTime();
                WebClient.Response r = client.api("GET", p, token, null);
                total.add((System.nanoTime() - t0) / 1e6);
                server.add(serverTime(r));
            }
            System.out.printf("server time: p50 %.1f ms, p99 %.1f ms; round trip on loopback: p50 %.1f ms, p99 %.1f ms (500 searches)%n",
                    pct(server, 50), pct(server, 99), pct(total, 50), pct(total, 99));
        }
    }

    /** Inserts a building with n rooms and perRoom back-to-back 30-minute reservations per room on the day. */
    static long seedBuilding(DataSource ds, long tenantId, long userId, int rooms, int perRoom, LocalDate day) throws Exception {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            Timestamp now = Timestamp.valueOf(LocalDateTime.now());
            long building;
            try (PreparedStatement ps = c.prepareStatement(
                    "insert into building (tenant_id, name, time_zone, address, created_at) values (?,?,?,?,?)", Statement.RETURN_GENERATED_KEYS)) {
                ps.setLong(1, tenantId);
                ps.setString(2, "Bench Tower " + System.nanoTime());
                ps.setString(3, ZONE.getId());
                ps.setString(4, "Benchstrasse 1");
                ps.setTimestamp(5, now);
                ps.executeUpdate();
                building = generatedKey(ps);
            }
            long module;
            try (PreparedStatement ps = c.prepareStatement(
                    "insert into reservable_module (tenant_id, name, kind, show_as, group_reservations, check_in_required, max_duration_minutes, booking_window_days)"
                            + " values (?,?,?,?,?,?,?,?)", Statement.RETURN_GENERATED_KEYS)) {
                ps.setLong(1, tenantId);
                ps.setString(2, "Bench rooms " + System.nanoTime());
                ps.setString(3, "ROOM");
                ps.setString(4, "BUSY");
                ps.setBoolean(5, false);
                ps.setBoolean(6, false);
                ps.setInt(7, 480);
                ps.setInt(8, 90);
                ps.executeUpdate();
                module = generatedKey(ps);
            }
            List<Long> roomIds = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "insert into reservable (tenant_id, building_id, floor_id, module_id, kind, name, capacity, equipment, email, active, created_at)"
                            + " values (?,?,?,?,?,?,?,?,?,?,?)", Statement.RETURN_GENERATED_KEYS)) {
                for (int i = 0; i < rooms; i++) {
                    ps.setLong(1, tenantId);
                    ps.setLong(2, building);
                    ps.setObject(3, null);
                    ps.setLong(4, module);
                    ps.setString(5, "ROOM");
                    ps.setString(6, "Room " + i);
                    ps.setInt(7, 2 + i % 20);
                    ps.setString(8, i % 3 == 0 ? "display,video" : "whiteboard");
                    ps.setString(9, null);
                    ps.setBoolean(10, true);
                    ps.setTimestamp(11, now);
                    ps.executeUpdate();
                    roomIds.add(generatedKey(ps));
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "insert into reservation (tenant_id, reservable_id, requested_by_id, requested_for_id, subject, start_at, end_at, time_zone, all_day,"
                            + " state, reservation_type, created_source, created_sub_source, updated_source, updated_sub_source, sync_state,"
                            + " created_at, updated_at, version) values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,0)")) {
                int n = 0;
                for (int r = 0; r < roomIds.size(); r++) {
                    // Rooms are busy at staggered times, so a search finds some free and many busy.
                    ZonedDateTime start = day.atTime(7, 0).atZone(ZONE).plusMinutes(15L * (r % 4));
                    for (int k = 0; k < perRoom; k++) {
                        ZonedDateTime s = start.plusMinutes(35L * k);
                        ps.setLong(1, tenantId);
                        ps.setLong(2, roomIds.get(r));
                        ps.setLong(3, userId);
                        ps.setLong(4, userId);
                        ps.setString(5, "Bench meeting");
                        ps.setTimestamp(6, Timestamp.valueOf(LocalDateTime.ofInstant(s.toInstant(), ZoneId.of("UTC"))));
                        ps.setTimestamp(7, Timestamp.valueOf(LocalDateTime.ofInstant(s.plusMinutes(30).toInstant(), ZoneId.of("UTC"))));
                        ps.setString(8, ZONE.getId());
                        ps.setBoolean(9, false);
                        ps.setString(10, "CONFIRMED");
                        ps.setString(11, "NORMAL");
                        ps.setString(12, "PORTAL");
                        ps.setString(13, "portal");
                        ps.setString(14, "PORTAL");
                        ps.setString(15, "portal");
                        ps.setString(16, "NOT_SYNCED");
                        ps.setTimestamp(17, now);
                        ps.setTimestamp(18, now);
                        ps.addBatch();
                        if (++n % 1000 == 0) ps.executeBatch();
                    }
                }
                ps.executeBatch();
            }
            c.commit();
            return building;
        }
    }

    private static long generatedKey(PreparedStatement ps) throws Exception {
        try (var keys = ps.getGeneratedKeys()) {
            keys.next();
            return keys.getLong(1);
        }
    }

    // --- booking throughput ---------------------------------------------------------------------------------

    static void bookingThroughput() throws Exception {
        System.out.println();
        System.out.println("== Booking throughput: 16 concurrent API clients, non-conflicting bookings, MariaDB");
        int clients = 16;
        int perClient = 100;
        try (TestApp app = TestApp.start(TestDatabases.Kind.MARIADB)) {
            Tenant tenant = app.fixtures.tenant("Bench");
            User user = app.fixtures.user(tenant, "bench@bench.test", Role.TENANT_ADMIN);
            String token = app.fixtures.apiToken(user);
            LocalDate day = LocalDate.now(ZONE).plusDays(3);
            seedBuilding(app.app.database.dataSource(), tenant.id, user.id, 64, 0, day);
            List<Long> rooms = app.app.tx.call(s -> s.createSelectionQuery(
                    "select id from Reservable where tenantId = :t order by id", Long.class).setParameter("t", tenant.id).getResultList());
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            CountDownLatch start = new CountDownLatch(1);
            AtomicInteger ok = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
            for (int c = 0; c < clients; c++) {
                final int client = c;
                pool.submit(() -> {
                    WebClient web = app.client();
                    start.await();
                    for (int i = 0; i < perClient; i++) {
                        long room = rooms.get((client * 4 + i % 4) % rooms.size());
                        LocalDateTime from = day.atTime(7, 0).plusMinutes(5L * (i / 4));
                        String json = String.format(Locale.ROOT,
                                "{\"reservableId\":%d,\"subject\":\"Bench %d-%d\",\"start\":\"%s\",\"end\":\"%s\"}",
                                room, client, i, from, from.plusMinutes(5));
                        long t0 = System.nanoTime();
                        WebClient.Response r = web.api("POST", "/api/v1/reservations", token, json);
                        latencies.add((System.nanoTime() - t0) / 1e6);
                        if (r.status() == 201) ok.incrementAndGet();
                        else if (failed.incrementAndGet() == 1) System.out.println("first failure: " + r.status() + " " + r.body());
                    }
                    return null;
                });
            }
            long t0 = System.nanoTime();
            start.countDown();
            pool.shutdown();
            pool.awaitTermination(10, TimeUnit.MINUTES);
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("%d bookings in %.1f s = %.0f bookings/s (%d failed); latency p50 %.1f ms, p99 %.1f ms%n",
                    ok.get(), seconds, ok.get() / seconds, failed.get(), pct(latencies, 50), pct(latencies, 99));
        }
    }

    // --- helpers --------------------------------------------------------------------------------------------

    private static double serverTime(WebClient.Response r) {
        String h = r.header("Server-Timing");
        if (h == null) return Double.NaN;
        Matcher m = SERVER_TIMING.matcher(h);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    private static double pct(List<Double> values, int p) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int idx = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(idx, sorted.size() - 1)));
    }

    private Benchmarks() {}
}
