package io.roomsync.support;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.roomsync.calendar.SubscriptionService;
import io.roomsync.calendar.SyncConfigurationService;
import io.roomsync.calendar.SyncEvent;
import io.roomsync.location.Reservable;
import io.roomsync.reservation.Reservation;
import io.roomsync.sandbox.ExchangeSandbox;
import io.roomsync.tenant.CurrentUser;
import io.roomsync.tenant.User;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Several Roomsync nodes of one installation (one MariaDB database, one master key, Quartz clustered) in front of
 * one Exchange sandbox that outlives them, so nodes can crash and restart around it. The {@link SyncWorld} of the
 * domain is written through the first node ({@link #app}), with sync configurations activated for real (Graph
 * subscriptions through the handshake). Graph's webhook calls reach the nodes through {@link Front}, a load balancer
 * the test controls.
 */
public final class SyncNodes extends SyncWorld {
    /** Outlook changes return at once: the nodes take Graph's notifications while the test goes on, as in production. */
    public final Outlook outlook = new Outlook(sandbox, false);
    public final Front front = new Front();
    /** Every node started, crashed or not (closed at the end). */
    private final List<TestApp> nodes = new CopyOnWriteArrayList<>();

    public SyncNodes(String domain, Clock clock) {
        super(sandbox(), TestApp.start(TestDatabases.Kind.MARIADB, clock, Map.of()), domain, "Nodes " + domain, null);
        nodes.add(app);
        front.add(app);
        CurrentUser sync = app.fixtures.signedIn(syncAdmin);
        app.app.webhookRegistry.update(sync, "test", front.baseUrl());
        activate(sync, aurora);
        activate(sync, borealis);
    }

    private static ExchangeSandbox sandbox() {
        ExchangeSandbox sandbox = ExchangeSandbox.builder().build().start();
        // Graph's first retry of an undelivered notification comes after a while; a second keeps crash tests short.
        sandbox.setNotificationRetries(List.of(Duration.ofSeconds(1)), Duration.ofMinutes(10));
        sandbox.setDuplicateNotifications(0, 1);
        return sandbox;
    }

    private void activate(CurrentUser sync, Reservable room) {
        long id = app.app.syncConfigurations.create(sync, "test",
                new SyncConfigurationService.Input(room.id, provider.id, room.email, false)).id;
        SubscriptionService.Outcome outcome = app.app.syncConfigurations.activate(sync, "test", id);
        assertTrue(outcome.ok(), "activating " + room.name + ": " + outcome);
    }

    /** Starts another node on the installation's database; Graph's webhook calls reach it through the front. */
    public TestApp startNode(Clock clock) {
        TestApp node = app.node(clock, Map.of());
        nodes.add(node);
        front.add(node);
        return node;
    }

    /** Kills the node (see {@link TestApp#crash()}); the front stops sending it webhook calls. */
    public void crash(TestApp node) {
        front.remove(node);
        node.crash();
    }

    /** A booking made in the portal of that node, over HTTP as a browser makes it; returns the reservation id. */
    public long bookInPortal(TestApp node, User who, Reservable room, LocalDate day, int hour, String subject) {
        WebClient browser = node.client().signIn(tenant.slug, who.email);
        browser.get("/find");
        WebClient.Response booked = browser.post("/reservations", Map.of("reservable", room.id.toString(),
                "date", day.toString(), "start", String.format("%02d:00", hour), "end", String.format("%02d:00", hour + 1),
                "subject", subject));
        if (booked.status() != 303) throw new AssertionError("booking " + subject + ": " + booked.status() + " " + booked.body());
        return Long.parseLong(booked.header("Location").replaceAll("\\D+", ""));
    }

    /** Reads through any live node's database access (the first one may have crashed). */
    public <T> T read(java.util.function.Function<org.hibernate.Session, T> query) {
        return live().app.tx.call(query::apply);
    }

    private TestApp live() {
        return front.nodes().isEmpty() ? app : front.nodes().get(0);
    }

    public List<SyncEvent> events(long reservationId) {
        return read(s -> s.createSelectionQuery("from SyncEvent where reservationId = :r order by id", SyncEvent.class)
                .setParameter("r", reservationId).getResultList());
    }

    public Reservation reservationOf(long id) {
        return read(s -> s.find(Reservation.class, id));
    }

    @Override
    public void close() {
        for (TestApp node : nodes) {
            try {
                node.close();
            } catch (RuntimeException ignored) {
                // a crashed node's pool is already closed
            }
        }
        front.close();
        sandbox.close();
    }

    /**
     * The load balancer in front of the nodes' webhook endpoints: each POST from Graph goes to the next node in turn,
     * or with {@link #fanOut} to every node at once (Graph retrying a delivery that timed out at one node while that
     * node still works on it). Answers with the first node's answer; 502 if no node answered.
     */
    public static final class Front implements AutoCloseable {
        private final HttpServer server;
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        private final List<TestApp> targets = new CopyOnWriteArrayList<>();
        private final AtomicInteger next = new AtomicInteger();
        /** Bodies of the change notifications Graph posted (not handshakes), to replay. */
        public final List<byte[]> notifications = new CopyOnWriteArrayList<>();
        public volatile boolean fanOut;

        Front() {
            try {
                server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            server.setExecutor(Executors.newFixedThreadPool(8));
            server.createContext("/", this::handle);
            server.start();
        }

        public String baseUrl() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        void add(TestApp node) {
            targets.add(node);
        }

        void remove(TestApp node) {
            targets.remove(node);
        }

        public List<TestApp> nodes() {
            return List.copyOf(targets);
        }

        private void handle(HttpExchange exchange) throws IOException {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            String query = exchange.getRequestURI().getRawQuery();
            String pathAndQuery = exchange.getRequestURI().getRawPath() + (query == null ? "" : "?" + query);
            boolean handshake = query != null && query.contains("validationToken=");
            if (!handshake && exchange.getRequestURI().getPath().endsWith("/notifications")) notifications.add(body);
            List<TestApp> live = nodes();
            List<TestApp> to = new ArrayList<>();
            if (!live.isEmpty()) {
                if (fanOut && !handshake) to.addAll(live);
                else to.add(live.get(Math.floorMod(next.getAndIncrement(), live.size())));
            }
            String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
            List<HttpResponse<byte[]>> answers = send(to, pathAndQuery, contentType, body);
            HttpResponse<byte[]> answer = answers.isEmpty() ? null : answers.get(0);
            try (OutputStream out = exchange.getResponseBody()) {
                if (answer == null) {
                    exchange.sendResponseHeaders(502, -1);
                    return;
                }
                answer.headers().firstValue("Content-Type").ifPresent(v -> exchange.getResponseHeaders().set("Content-Type", v));
                exchange.sendResponseHeaders(answer.statusCode(), answer.body().length == 0 ? -1 : answer.body().length);
                out.write(answer.body());
            }
        }

        /** POSTs the body to each node at once; the answers of the nodes that answered, in the nodes' order. */
        public List<HttpResponse<byte[]>> send(List<TestApp> to, String pathAndQuery, String contentType, byte[] body) {
            List<CompletableFuture<HttpResponse<byte[]>>> calls = new ArrayList<>();
            for (TestApp node : to) {
                HttpRequest request = HttpRequest.newBuilder(URI.create(node.baseUrl + pathAndQuery)).timeout(Duration.ofSeconds(5))
                        .header("Content-Type", contentType == null ? "application/json" : contentType)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
                calls.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).exceptionally(e -> null));
            }
            List<HttpResponse<byte[]>> answers = new ArrayList<>();
            for (CompletableFuture<HttpResponse<byte[]>> call : calls) {
                HttpResponse<byte[]> r = call.join();
                if (r != null) answers.add(r);
            }
            return answers;
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
