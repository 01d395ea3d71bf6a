package io.roomsync.bench;

import com.microsoft.graph.models.DateTimeTimeZone;
import com.microsoft.graph.models.Event;
import io.roomsync.graph.GraphBatch;
import io.roomsync.graph.GraphCalls;
import io.roomsync.graph.GraphClientFactory;
import io.roomsync.graph.GraphConnection;
import io.roomsync.graph.GraphEndpoints;
import io.roomsync.graph.GraphFailure;
import io.roomsync.sandbox.Directory;
import io.roomsync.sandbox.ExchangeSandbox;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Graph client's figures for docs/PERFORMANCE.md: start-up time and resident memory of a fresh JVM once the Graph
 * SDK and msal4j are loaded and a token acquired, and the calls per second the client sustains against the Exchange
 * sandbox with Roomsync's limiter on, for one mailbox and for 50, singly and through $batch. The sandbox runs in this
 * JVM, so client and "Graph" share the machine's cores. Prints figures, asserts nothing.
 */
final class GraphBenchmark {
    private static final String SECRET = "bench-secret";
    private static final Duration RUN = Duration.ofSeconds(10);
    private static final int WORKERS = 16;

    private GraphBenchmark() {}

    static void run() throws Exception {
        try (ExchangeSandbox sandbox = ExchangeSandbox.builder().build().start()) {
            Directory.Tenant tenant = sandbox.addTenant("bench.test", "Bench");
            Directory.App app = sandbox.addApp(tenant, null, "Roomsync", SECRET);
            List<String> rooms = new ArrayList<>();
            LocalDate day = LocalDate.now(ZoneOffset.UTC).plusDays(2);
            for (int i = 1; i <= 52; i++) {
                String room = String.format("room%02d@bench.test", i);
                sandbox.addRoom(tenant, room, "Room " + i, null);
                rooms.add(room);
            }
            Path ca = Files.createTempFile("roomsync-bench-ca-", ".pem");
            Files.writeString(ca, sandbox.certificatePem());
            startup(sandbox, tenant, app, ca);

            GraphConnection connection = new GraphConnection(GraphEndpoints.custom(sandbox.authorityHost(), sandbox.graphBaseUrl()),
                    tenant.id, app.clientId, SECRET, sandbox.certificatePem(), null);
            GraphClientFactory.GraphApp graph = GraphClientFactory.withoutSdkRetries().appClient(connection);
            graph.checkToken();
            for (String room : rooms) {
                for (int h = 10; h < 15; h++) {
                    Event e = new Event();
                    e.setSubject("Meeting " + h);
                    e.setStart(utc(day + "T" + h + ":00:00"));
                    e.setEnd(utc(day + "T" + h + ":45:00"));
                    graph.client().users().byUserId(room).events().post(e);
                }
            }
            String start = day + "T00:00:00Z";
            String end = day + "T23:59:59Z";
            // Warm-up: JIT, connection pool, token.
            drive(new GraphCalls(), graph, rooms.subList(50, 52), start, end, Duration.ofSeconds(3));

            for (Duration latency : List.of(Duration.ZERO, Duration.ofMillis(50))) {
                sandbox.setLatency(latency);
                System.out.println();
                System.out.printf("== Graph calls through GraphCalls (limiter on: 4 in flight, 10,000 per 10 min per mailbox), "
                        + "GET calendarView of one day (5 events), %d workers that reschedule on THROTTLED, %d s each, sandbox latency %d ms%n",
                        WORKERS, RUN.toSeconds(), latency.toMillis());
                // A fresh GraphCalls per run: each run starts with a full budget, as a new 10-minute window would.
                report("1 mailbox", drive(new GraphCalls(), graph, rooms.subList(latency.isZero() ? 0 : 1, latency.isZero() ? 1 : 2), start, end, RUN));
                report("50 mailboxes", drive(new GraphCalls(), graph, rooms.subList(0, 50), start, end, RUN));
                batches(graph, rooms.subList(0, 50), start, end);
            }
            sandbox.setLatency(Duration.ZERO);
        }
    }

    private static DateTimeTimeZone utc(String local) {
        DateTimeTimeZone t = new DateTimeTimeZone();
        t.setDateTime(local);
        t.setTimeZone("UTC");
        return t;
    }

    // --- start-up -------------------------------------------------------------------------------------------

    /** A fresh JVM that loads the SDK and msal4j, acquires a token and makes one call; it reports its own figures. */
    private static void startup(ExchangeSandbox sandbox, Directory.Tenant tenant, Directory.App app, Path ca) throws Exception {
        System.out.println();
        System.out.println("== Graph client start-up in a fresh JVM (client built, token acquired, one calendarView call), 3 runs");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (int run = 1; run <= 3; run++) {
            Process p = new ProcessBuilder(java, "-Xmx1g", "-cp", System.getProperty("java.class.path"), GraphBenchmark.class.getName(),
                    sandbox.authorityHost(), sandbox.graphBaseUrl(), tenant.id, app.clientId, SECRET, ca.toString())
                    .redirectErrorStream(true).start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith("startup:")) System.out.printf("run %d: %s%n", run, line.substring(8).trim());
                }
            }
            p.waitFor(60, TimeUnit.SECONDS);
        }
    }

    /** The child of {@link #startup}: args authorityHost graphBaseUrl tenantId clientId secret caPemFile. */
    public static void main(String[] args) throws Exception {
        long t0 = System.nanoTime();
        GraphConnection connection = new GraphConnection(GraphEndpoints.custom(args[0], args[1]), args[2], args[3], args[4],
                Files.readString(Path.of(args[5])), null);
        GraphClientFactory.GraphApp graph = GraphClientFactory.withoutSdkRetries().appClient(connection);
        long built = System.nanoTime();
        graph.checkToken();
        long token = System.nanoTime();
        String day = LocalDate.now(ZoneOffset.UTC).plusDays(2).toString();
        new GraphCalls().call(graph, "room01@bench.test", "calendarView", g -> g.users().byUserId("room01@bench.test").calendarView()
                .get(rc -> {
                    rc.queryParameters.startDateTime = day + "T00:00:00Z";
                    rc.queryParameters.endDateTime = day + "T23:59:59Z";
                }));
        long call = System.nanoTime();
        long sinceJvmStart = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
        System.gc();
        System.out.printf("startup: client built %d ms, token %d ms, first call %d ms; %d ms from JVM start to the first answer; "
                        + "resident memory %d MB (heap used after GC %d MB, %d classes loaded)%n",
                ms(built - t0), ms(token - built), ms(call - token), sinceJvmStart, rssKb() / 1024,
                (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) / (1024 * 1024),
                ManagementFactory.getClassLoadingMXBean().getLoadedClassCount());
        System.exit(0);
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }

    private static long rssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
        return -1;
    }

    // --- throughput -----------------------------------------------------------------------------------------

    record Figures(long ok, long limited, long graphThrottled, long failed, Duration elapsed, List<Long> latenciesMicros) {
        double perSecond() {
            return ok * 1000.0 / elapsed.toMillis();
        }
    }

    /**
     * {@link #WORKERS} tasks on a scheduled pool, each taking the next mailbox in turn; a THROTTLED failure puts the
     * task back on the schedule after its Retry-After (no thread waits), anything else runs the next call at once.
     */
    static Figures drive(GraphCalls calls, GraphClientFactory.GraphApp graph, List<String> mailboxes, String start, String end,
                         Duration length) throws InterruptedException {
        ScheduledExecutorService pool = new ScheduledThreadPoolExecutor(WORKERS);
        AtomicLong ok = new AtomicLong();
        AtomicLong limited = new AtomicLong();
        AtomicLong throttled = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicInteger next = new AtomicInteger();
        List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(WORKERS);
        long t0 = System.nanoTime();
        long deadline = t0 + length.toNanos();
        for (int w = 0; w < WORKERS; w++) {
            pool.execute(new Runnable() {
                @Override
                public void run() {
                    if (System.nanoTime() >= deadline) {
                        done.countDown();
                        return;
                    }
                    String mailbox = mailboxes.get(Math.floorMod(next.getAndIncrement(), mailboxes.size()));
                    long c0 = System.nanoTime();
                    try {
                        calls.call(graph, mailbox, "calendarView", g -> g.users().byUserId(mailbox).calendarView().get(rc -> {
                            rc.queryParameters.startDateTime = start;
                            rc.queryParameters.endDateTime = end;
                        }));
                        ok.incrementAndGet();
                        latencies.add((System.nanoTime() - c0) / 1000);
                        pool.execute(this);
                    } catch (GraphFailure f) {
                        if (f.kind() == GraphFailure.Kind.THROTTLED) {
                            (f.status() == 0 ? limited : throttled).incrementAndGet();
                            Duration wait = f.retryAfter() == null ? Duration.ofSeconds(1) : f.retryAfter();
                            pool.schedule(this, Math.max(1, wait.toMillis()), TimeUnit.MILLISECONDS);
                        } else {
                            failed.incrementAndGet();
                            pool.execute(this);
                        }
                    }
                }
            });
        }
        done.await(length.toSeconds() + 60, TimeUnit.SECONDS);
        Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
        pool.shutdownNow();
        return new Figures(ok.get(), limited.get(), throttled.get(), failed.get(), elapsed, new ArrayList<>(latencies));
    }

    private static void report(String what, Figures f) {
        List<Long> sorted = new ArrayList<>(f.latenciesMicros());
        java.util.Collections.sort(sorted);
        double p50 = sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2) / 1000.0;
        double p99 = sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, (int) (sorted.size() * 0.99))) / 1000.0;
        System.out.printf("%-13s %7.1f calls/s (%d ok in %.1f s), latency p50 %.1f ms p99 %.1f ms; refused by Roomsync's limiter %d, "
                        + "429 from Graph %d, other failures %d%n",
                what, f.perSecond(), f.ok(), f.elapsed().toMillis() / 1000.0, p50, p99, f.limited(), f.graphThrottled(), f.failed());
    }

    /** The same reads for 50 mailboxes through $batch (3 batches of at most 20 per round), rounds back to back. */
    private static void batches(GraphClientFactory.GraphApp graph, List<String> mailboxes, String start, String end) throws Exception {
        GraphCalls calls = new GraphCalls();
        List<GraphBatch.Request> requests = new ArrayList<>();
        for (String m : mailboxes) {
            requests.add(GraphBatch.get(m, "/users/" + m + "/calendarView?startDateTime=" + start + "&endDateTime=" + end));
        }
        long ok = 0;
        long other = 0;
        int rounds = 0;
        long t0 = System.nanoTime();
        try (GraphBatch batch = new GraphBatch(calls)) {
            while (System.nanoTime() - t0 < RUN.toNanos()) {
                for (GraphBatch.Result r : batch.getAll(graph, "calendarView", requests).get(60, TimeUnit.SECONDS)) {
                    if (r.ok()) ok++; else other++;
                }
                rounds++;
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("%-13s %7.1f reads/s via $batch (%d ok, %d not ok, %d rounds of 50 reads = %d batches in %.1f s)%n",
                "50 mailboxes", ok / seconds, ok, other, rounds, calls.count("$batch", null, true), seconds);
    }
}
