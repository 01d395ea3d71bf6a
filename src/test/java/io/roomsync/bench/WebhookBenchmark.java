package io.roomsync.bench;

import io.roomsync.calendar.SubscriptionStatus;
import io.roomsync.common.Tokens;
import io.roomsync.location.Building;
import io.roomsync.location.Reservable;
import io.roomsync.support.TestApp;
import io.roomsync.support.TestDatabases;
import io.roomsync.tenant.Tenant;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Webhook ingest on MariaDB: concurrent clients post change notifications (valid client state) for 20 room
 * subscriptions to /webhooks/graph/notifications; prints notifications per second and request latency. Asserts
 * nothing. Run: mvn -q test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=io.roomsync.bench.WebhookBenchmark
 */
public final class WebhookBenchmark {
    public static void main(String[] args) throws Exception {
        int clients = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        int perRequest = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        long seconds = args.length > 2 ? Long.parseLong(args[2]) : 10;
        try (TestApp app = TestApp.start(TestDatabases.Kind.MARIADB)) {
            Tenant t = app.fixtures.tenant("Bench");
            Building b = app.fixtures.building(t, "HQ");
            List<String> graphIds = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                Reservable room = app.fixtures.room(b, app.fixtures.floor(b, "F" + i), "Room " + i, 6);
                graphIds.add(subscription(app, room, i));
            }
            // The service alone, without HTTP: where the time goes.
            long direct = System.nanoTime();
            for (int i = 0; i < 200; i++) {
                String id = graphIds.get(i % graphIds.size());
                app.app.webhookIngest.ingest(List.of(new io.roomsync.calendar.WebhookIngest.Item(id, "secret-" + id, "updated", "AA" + i, null)),
                        false, 0);
            }
            System.out.printf("Ingest without HTTP: %.1f ms per call%n", (System.nanoTime() - direct) / 200 / 1e6);
            String url = app.baseUrl + "/webhooks/graph/notifications";
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
            AtomicLong sent = new AtomicLong();
            AtomicLong failed = new AtomicLong();
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            long warmupEnd = System.nanoTime() + 3_000_000_000L;
            long end = warmupEnd + seconds * 1_000_000_000L;
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                running.add(pool.submit(() -> {
                    long n = 0;
                    while (System.nanoTime() < end) {
                        StringBuilder body = new StringBuilder("{\"value\":[");
                        for (int i = 0; i < perRequest; i++) {
                            if (i > 0) body.append(',');
                            String id = graphIds.get((int) ((client + n + i) % graphIds.size()));
                            body.append("{\"subscriptionId\":\"").append(id).append("\",\"clientState\":\"secret-").append(id)
                                    .append("\",\"changeType\":\"updated\",\"resource\":\"Users/x/Events/AA").append(n)
                                    .append("\",\"resourceData\":{\"id\":\"AA").append(client).append('-').append(n).append("\"}}");
                        }
                        body.append("]}");
                        n++;
                        long start = System.nanoTime();
                        try {
                            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.discarding());
                            long took = System.nanoTime() - start;
                            if (start > warmupEnd) {
                                if (r.statusCode() == 202) {
                                    latencies.add(took);
                                    sent.addAndGet(perRequest);
                                } else {
                                    failed.incrementAndGet();
                                }
                            }
                        } catch (Exception e) {
                            failed.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) f.get();
            pool.shutdown();
            List<Long> sorted = new ArrayList<>(latencies);
            Collections.sort(sorted);
            long stored = app.app.tx.call(s -> s.createSelectionQuery("select count(*) from InboxItem", Long.class).getSingleResult());
            System.out.printf("Webhook ingest (MariaDB, %d clients, %d notification(s) per request, %d s): %.0f notifications/s, "
                            + "p50 %.1f ms, p99 %.1f ms, max %.1f ms, %d failed, %d inbox items stored%n", clients, perRequest, seconds,
                    sent.get() / (double) seconds, ms(sorted, 0.50), ms(sorted, 0.99), ms(sorted, 1.0), failed.get(), stored);
        }
        System.exit(0);
    }

    private static double ms(List<Long> sorted, double q) {
        if (sorted.isEmpty()) return 0;
        return sorted.get((int) Math.min(sorted.size() - 1, Math.floor(q * sorted.size()))) / 1e6;
    }

    private static String subscription(TestApp app, Reservable room, int i) {
        return app.fixtures.subscription(room, "room" + i + "@bench.test", SubscriptionStatus.ACTIVE, sub -> {
            sub.graphSubscriptionId = "bench-" + i;
            sub.clientStateHash = Tokens.sha256("secret-bench-" + i);
        }).graphSubscriptionId;
    }
}
