package io.roomsync.support;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.roomsync.calendar.CalendarProvider;
import io.roomsync.calendar.Connection;
import io.roomsync.calendar.ConnectionService;
import io.roomsync.calendar.ProviderService;
import io.roomsync.calendar.SubscriptionService;
import io.roomsync.calendar.SyncConfigurationService;
import io.roomsync.calendar.SyncEvent;
import io.roomsync.location.Building;
import io.roomsync.location.Reservable;
import io.roomsync.reservation.Reservation;
import io.roomsync.sandbox.Directory;
import io.roomsync.sandbox.ExchangeSandbox;
import io.roomsync.tenant.CurrentUser;
import io.roomsync.tenant.Role;
import io.roomsync.tenant.Tenant;
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
import java.time.Instant;
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
 * one Exchange sandbox that outlives them, so nodes can crash and restart around it. In the sandbox: a tenant, the
 * app registration, ann and bob, two rooms. In Roomsync: the same people and rooms, a Custom-cloud provider pointing
 * at the sandbox, and sync configurations activated for real (Graph subscriptions through the handshake). Graph's
 * webhook calls reach the nodes through {@link Front}, a load balancer the test controls.
 */
public final class SyncNodes implements AutoCloseable {
    public static final String SECRET = "nodes-secret";
    private static final ObjectMapper JSON = new ObjectMapper();

    public final ExchangeSandbox sandbox;
    public final Directory.Tenant sandboxTenant;
    public final Front front;
    /** Every node started, crashed or not (closed at the end). */
    private final List<TestApp> nodes = new CopyOnWriteArrayList<>();
    public final TestApp first;
    public final Tenant tenant;
    public final User ann;
    public final User bob;
    public final User admin;
    public final User syncAdmin;
    public final Building building;
    public final Reservable aurora;
    public final Reservable borealis;
    public final CalendarProvider provider;

    public SyncNodes(String domain, Clock clock) {
        sandbox = ExchangeSandbox.builder().build().start();
        // Graph's first retry of an undelivered notification comes after a while; a second keeps crash tests short.
        sandbox.setNotificationRetries(List.of(Duration.ofSeconds(1)), Duration.ofMinutes(10));
        sandbox.setDuplicateNotifications(0, 1);
        sandboxTenant = sandbox.addTenant(domain, "Nodes " + domain);
        Directory.App registration = sandbox.addApp(sandboxTenant, null, "Roomsync", SECRET);
        sandbox.addUser(sandboxTenant, "ann@" + domain, "Ann Archer");
        sandbox.addUser(sandboxTenant, "bob@" + domain, "Bob Baker");
        sandbox.addRoom(sandboxTenant, "aurora@" + domain, "Aurora", r -> r.capacity = 8);
        sandbox.addRoom(sandboxTenant, "borealis@" + domain, "Borealis", r -> r.capacity = 8);
        front = new Front();

        first = TestApp.start(TestDatabases.Kind.MARIADB, clock, Map.of());
        nodes.add(first);
        front.add(first);
        Fixtures f = first.fixtures;
        tenant = f.tenant("Nodes " + domain);
        ann = f.user(tenant, "ann@" + domain);
        bob = f.user(tenant, "bob@" + domain);
        admin = f.user(tenant, "admin@" + domain, Role.TENANT_ADMIN);
        syncAdmin = f.user(tenant, "sync@" + domain, Role.SYNC_ADMIN);
        building = f.building(tenant, "HQ", "Europe/Berlin");
        aurora = room("Aurora", "aurora@" + domain);
        borealis = room("Borealis", "borealis@" + domain);

        CurrentUser actor = f.signedIn(admin);
        Connection connection = first.app.connections.create(actor, "test", new ConnectionService.ConnectionInput("Sandbox app",
                "APP_ONLY", registration.clientId, "SECRET", SECRET, null, null, null, null, null, Boolean.TRUE));
        provider = first.app.providers.create(actor, "test", new ProviderService.ProviderInput("Sandbox Exchange", null, Boolean.TRUE,
                null, "CUSTOM", sandbox.authorityHost(), sandbox.origin(), sandboxTenant.id, connection.id, null, null,
                sandbox.certificatePem(), false, null, null, null, null, Boolean.FALSE, null, null));
        CurrentUser sync = f.signedIn(syncAdmin);
        first.app.webhookRegistry.update(sync, "test", front.baseUrl());
        activate(sync, aurora);
        activate(sync, borealis);
    }

    private Reservable room(String name, String email) {
        Reservable r = first.fixtures.room(building, null, name, 8);
        first.app.tx.run(s -> {
            Reservable stored = s.find(Reservable.class, r.id);
            stored.email = email;
            stored.active = true;
        });
        r.email = email;
        r.active = true;
        return r;
    }

    private void activate(CurrentUser sync, Reservable room) {
        long id = first.app.syncConfigurations.create(sync, "test",
                new SyncConfigurationService.Input(room.id, provider.id, room.email, false)).id;
        SubscriptionService.Outcome outcome = first.app.syncConfigurations.activate(sync, "test", id);
        assertTrue(outcome.ok(), "activating " + room.name + ": " + outcome);
    }

    /** Starts another node on the installation's database; Graph's webhook calls reach it through the front. */
    public TestApp startNode(Clock clock) {
        TestApp node = first.node(clock, Map.of());
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
        return front.nodes().isEmpty() ? first : front.nodes().get(0);
    }

    public List<SyncEvent> events(long reservationId) {
        return read(s -> s.createSelectionQuery("from SyncEvent where reservationId = :r order by id", SyncEvent.class)
                .setParameter("r", reservationId).getResultList());
    }

    public Reservation reservationOf(long id) {
        return read(s -> s.find(Reservation.class, id));
    }

    /** A meeting in the organizer's calendar: its event id and iCalUId (which the room's copy carries too). */
    public record Meeting(String id, String iCalUId) {}

    /** A meeting the organizer books in Outlook with the room as a resource. */
    public Meeting meetingInOutlook(String organizer, String subject, Instant start, Instant end, Reservable room) {
        var body = JSON.createObjectNode();
        body.put("subject", subject);
        body.set("start", time(start));
        body.set("end", time(end));
        var attendee = body.putArray("attendees").addObject();
        attendee.put("type", "resource");
        attendee.putObject("emailAddress").put("address", room.email);
        JsonNode made = outlook(organizer, "POST", "events", body.toString());
        return new Meeting(made.path("id").asText(), made.path("iCalUId").asText());
    }

    public void moveInOutlook(String organizer, String eventId, Instant start, Instant end) {
        var body = JSON.createObjectNode();
        body.set("start", time(start));
        body.set("end", time(end));
        outlook(organizer, "PATCH", "events/" + eventId, body.toString());
    }

    public void cancelInOutlook(String organizer, String eventId) {
        outlook(organizer, "POST", "events/" + eventId + "/cancel", "{\"comment\":\"Not needed\"}");
    }

    private JsonNode outlook(String user, String method, String path, String body) {
        ExchangeSandbox.OutlookResult r = sandbox.outlook(user, method, path, body);
        if (!r.ok()) throw new AssertionError("Outlook " + method + " " + path + " answered " + r.status() + ": " + r.json());
        try {
            return r.json().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.json());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode time(Instant t) {
        var n = JSON.createObjectNode();
        n.put("dateTime", java.time.LocalDateTime.ofInstant(t, java.time.ZoneOffset.UTC).toString());
        n.put("timeZone", "UTC");
        return n;
    }

    /** How many events of the mailbox carry the transactionId (Graph's guard against duplicate creates). */
    public long eventsWithTransaction(String mailbox, String transactionId) {
        ExchangeSandbox.OutlookResult result = sandbox.outlook(mailbox, "GET", "events?$top=1000", null);
        if (!result.ok()) throw new AssertionError(result.json());
        try {
            long n = 0;
            for (JsonNode e : JSON.readTree(result.json()).get("value")) {
                if (transactionId.equals(e.path("transactionId").asText(null))) n++;
            }
            return n;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
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
