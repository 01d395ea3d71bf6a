package io.roomsync.bench;

import io.roomsync.calendar.SubscriptionStatus;
import io.roomsync.common.Tokens;
import io.roomsync.location.Building;
import io.roomsync.location.Reservable;
import io.roomsync.support.TestApp;
import io.roomsync.support.TestDatabases;
import io.roomsync.tenant.Tenant;
import java.net.URI;
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
            URI target = URI.create(url);
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
                    KeepAlive http = new KeepAlive(target);
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
                            int status = http.post(body.toString());
                            long took = System.nanoTime() - start;
                            if (start > warmupEnd) {
                                if (status == 202) {
                                    latencies.add(took);
                                    sent.addAndGet(perRequest);
                                } else {
                                    failed.incrementAndGet();
                                }
                            }
                        } catch (Exception e) {
                            failed.incrementAndGet();
                            http.close();
                        }
                    }
                    http.close();
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

    /**
     * One persistent HTTP/1.1 connection, written and read by hand: Java's HttpClient costs as much CPU per request
     * as the endpoint under test, and on two shared cores the load generator would otherwise measure itself.
     */
    private static final class KeepAlive {
        private final URI target;
        private java.net.Socket socket;
        private java.io.BufferedInputStream in;
        private java.io.OutputStream out;

        KeepAlive(URI target) {
            this.target = target;
        }

        int post(String json) throws java.io.IOException {
            if (socket == null) {
                socket = new java.net.Socket(target.getHost(), target.getPort());
                socket.setTcpNoDelay(true);
                in = new java.io.BufferedInputStream(socket.getInputStream());
                out = new java.io.BufferedOutputStream(socket.getOutputStream());
            }
            byte[] body = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            out.write(("POST " + target.getRawPath() + " HTTP/1.1\r\nHost: " + target.getHost() + ":" + target.getPort()
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            String statusLine = line();
            int status = Integer.parseInt(statusLine.split(" ")[1]);
            long length = 0;
            boolean chunked = false;
            for (String h = line(); !h.isEmpty(); h = line()) {
                String lower = h.toLowerCase(java.util.Locale.ROOT);
                if (lower.startsWith("content-length:")) length = Long.parseLong(h.substring(15).trim());
                if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) chunked = true;
            }
            if (chunked) {
                for (long size = Long.parseLong(line().trim(), 16); size > 0; size = Long.parseLong(line().trim(), 16)) {
                    in.skipNBytes(size);
                    line();
                }
                line();
            } else {
                in.skipNBytes(length);
            }
            return status;
        }

        private String line() throws java.io.IOException {
            StringBuilder b = new StringBuilder();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) throw new java.io.EOFException("connection closed");
                if (c != '\r') b.append((char) c);
            }
            return b.toString();
        }

        void close() {
            try {
                if (socket != null) socket.close();
            } catch (java.io.IOException ignored) {
                // a broken connection is replaced by the next post
            }
            socket = null;
        }
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
