package io.roomsync.calendar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.roomsync.demo.DemoExchange;
import io.roomsync.demo.DemoSeeder;
import io.roomsync.graph.GraphSubscriptions;
import io.roomsync.location.Reservable;
import io.roomsync.location.ReservableKind;
import io.roomsync.notify.Notification;
import io.roomsync.sandbox.DemoDirectory;
import io.roomsync.sandbox.ExchangeSandbox;
import io.roomsync.support.TestApp;
import io.roomsync.support.TestDatabases;
import io.roomsync.support.TestSmtpServer;
import io.roomsync.support.WebClient;
import io.roomsync.tenant.Role;
import io.roomsync.tenant.Tenant;
import io.roomsync.tenant.User;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sync configurations and their Graph subscriptions against the Exchange sandbox over HTTPS through the real SDK,
 * on MariaDB: activation (with the validation handshake), renewal, recreation, failure and its notifications,
 * deactivation, the webhook endpoints and lifecycle events.
 */
class SubscriptionsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestSmtpServer smtp;
    private static TestApp app;
    private static ExchangeSandbox sandbox;
    private static Tenant contoso;
    private static long providerId;
    private static String token;
    private static final AtomicInteger nextRoom = new AtomicInteger();
    private static List<Reservable> rooms;

    @BeforeAll
    static void start() {
        smtp = new TestSmtpServer();
        app = TestApp.start(TestDatabases.Kind.MARIADB, Clock.systemUTC(), Map.of("ROOMSYNC_DEMO", "true",
                "ROOMSYNC_SMTP_HOST", "127.0.0.1", "ROOMSYNC_SMTP_PORT", String.valueOf(smtp.port()), "ROOMSYNC_SMTP_FROM", "roomsync@test.example"));
        sandbox = app.app.exchangeSandbox;
        contoso = app.app.tx.call(s -> s.createSelectionQuery("from Tenant where slug = :s", Tenant.class)
                .setParameter("s", DemoSeeder.SLUG).getSingleResult());
        providerId = app.app.tx.call(s -> s.createSelectionQuery("select id from CalendarProvider where tenantId = :t and name = :n", Long.class)
                .setParameter("t", contoso.id).setParameter("n", DemoExchange.PROVIDER_NAME).getSingleResult());
        rooms = app.app.tx.call(s -> s.createSelectionQuery("from Reservable where tenantId = :t and kind = :k and email is not null order by id",
                Reservable.class).setParameter("t", contoso.id).setParameter("k", ReservableKind.ROOM).getResultList());
        User syncAdmin = app.fixtures.user(contoso, "sync.tests@contoso.example", Role.SYNC_ADMIN);
        token = app.fixtures.apiToken(syncAdmin);
        // Graph calls back the real server (plain http is fine for loopback).
        app.app.webhookRegistry.update(app.fixtures.signedIn(syncAdmin), "test", app.baseUrl);
    }

    @AfterAll
    static void stop() {
        app.close();
        smtp.close();
    }

    // ------------------------------------------------------------------------------------------- activation

    @Test
    void activating_creates_the_subscription_through_the_handshake_and_records_graphs_expiry() throws Exception {
        Reservable room = room();
        long config = createConfiguration(room, null);
        JsonNode created = json(api("GET", "/api/v1/sync-configurations/" + config, null));
        assertEquals(false, created.get("active").asBoolean(), "created inactive");

        JsonNode outcome = json(api("POST", "/api/v1/sync-configurations/" + config + "/activate", null));
        assertTrue(outcome.get("ok").asBoolean(), outcome.toString());

        Subscription sub = subscription(config);
        assertEquals(SubscriptionStatus.ACTIVE, sub.status);
        ExchangeSandbox.SubscriptionInfo inGraph = graphSubscription(sub.graphSubscriptionId);
        assertNotNull(inGraph, "the sandbox holds the subscription");
        assertEquals(micros(inGraph.expiration()), sub.expiresAt, "the expiry is Graph's");
        assertEquals(app.baseUrl + "/webhooks/graph/notifications", inGraph.notificationUrl());
        assertEquals(app.baseUrl + "/webhooks/graph/lifecycle", inGraph.lifecycleNotificationUrl());
        assertEquals(64, sub.clientStateHash.length(), "only the SHA-256 of the client state is stored");
        assertTrue(inboxItems(sub.id, InboxItem.Kind.RESYNC) >= 1, "the mailbox is read in full after activation");

        JsonNode viaApi = json(api("GET", "/api/v1/subscriptions/" + sub.id, null));
        assertEquals(sub.graphSubscriptionId, viaApi.get("graphSubscriptionId").asText());
        WebClient browser = app.client().signIn(contoso.slug, "sync.tests@contoso.example");
        String page = browser.get("/admin/sync/subscriptions/" + sub.id).body();
        assertTrue(page.contains(sub.graphSubscriptionId) && page.contains("ACTIVE"), page);
    }

    @Test
    void deactivating_deletes_the_subscription_in_graph() {
        Reservable room = room();
        long config = activeConfiguration(room);
        String graphId = subscription(config).graphSubscriptionId;

        JsonNode outcome = json(api("POST", "/api/v1/sync-configurations/" + config + "/deactivate", null));
        assertTrue(outcome.get("ok").asBoolean(), outcome.toString());
        assertNull(graphSubscription(graphId), "deleted in Graph");
        assertNull(subscription(config));
        assertEquals(false, json(api("GET", "/api/v1/sync-configurations/" + config, null)).get("active").asBoolean());
    }

    @Test
    void bulk_activation_activates_each_configuration() {
        long a = createConfiguration(room(), null);
        long b = createConfiguration(room(), null);
        JsonNode results = json(api("POST", "/api/v1/sync-configurations/bulk/activate", "{\"ids\":[" + a + "," + b + "]}"));
        assertEquals(2, results.size());
        assertTrue(results.get(0).get("ok").asBoolean() && results.get(1).get("ok").asBoolean(), results.toString());
        assertEquals(SubscriptionStatus.ACTIVE, subscription(a).status);
        assertEquals(SubscriptionStatus.ACTIVE, subscription(b).status);
        json(api("POST", "/api/v1/sync-configurations/bulk/deactivate", "{\"ids\":[" + a + "," + b + "]}"));
        assertNull(subscription(a));
        assertNull(subscription(b));
    }

    // ---------------------------------------------------------------------------------------------- renewal

    @Test
    void the_renewal_job_renews_a_subscription_ahead_of_its_expiry() {
        long config = activeConfiguration(room());
        Subscription before = subscription(config);
        dueForRenewal(before.id);

        app.app.jobs.runNow(SubscriptionService.RENEWAL_JOB);

        Subscription after = subscription(config);
        assertEquals(SubscriptionStatus.ACTIVE, after.status);
        assertEquals(before.graphSubscriptionId, after.graphSubscriptionId, "renewed, not recreated");
        assertEquals(micros(graphSubscription(after.graphSubscriptionId).expiration()), after.expiresAt);
        assertTrue(after.expiresAt.isAfter(Instant.now().plus(Duration.ofDays(6))), "a week ahead again: " + after.expiresAt);
        assertTrue(after.lastRenewedAt.isAfter(before.lastRenewedAt));
    }

    @Test
    void a_subscription_graph_can_no_longer_renew_is_recreated() {
        Reservable room = room();
        long config = activeConfiguration(room);
        Subscription before = subscription(config);
        graphLoses(before);
        dueForRenewal(before.id);

        // The inbox job would pull the mailbox at once and store a fresh delta link; holding its calls shows the reset.
        sandbox.holdMailbox(room.email);
        Subscription after;
        try {
            app.app.jobs.runNow(SubscriptionService.RENEWAL_JOB);
            after = subscription(config);
        } finally {
            sandbox.releaseMailbox(room.email);
        }
        assertEquals(SubscriptionStatus.ACTIVE, after.status);
        assertNotEquals(before.graphSubscriptionId, after.graphSubscriptionId);
        assertNotEquals(before.clientStateHash, after.clientStateHash, "a new client state");
        assertNotNull(graphSubscription(after.graphSubscriptionId));
        assertNull(after.deltaLink);
    }

    @Test
    void when_recreating_fails_too_the_subscription_is_failed_and_every_sync_admin_is_told_in_app_and_by_mail() throws Exception {
        long config = activeConfiguration(room());
        Subscription before = subscription(config);
        graphLoses(before);
        dueForRenewal(before.id);
        String good = app.app.webhookRegistry.callbackBase(contoso.id);
        try {
            // Nothing answers there: Graph's validation handshake fails, so Graph refuses to create the subscription.
            app.app.tx.run(s -> s.find(WebhookRegistration.class, contoso.id).callbackBaseUrl = "https://127.0.0.1:9");
            app.app.jobs.runNow(SubscriptionService.RENEWAL_JOB);
        } finally {
            app.app.tx.run(s -> s.find(WebhookRegistration.class, contoso.id).callbackBaseUrl = good);
        }

        Subscription after = subscription(config);
        assertEquals(SubscriptionStatus.FAILED, after.status);
        assertNotNull(after.failedSince);
        assertNotNull(after.lastError);
        List<Notification> told = app.app.tx.call(s -> s.createSelectionQuery(
                "from Notification where tenantId = :t and kind = 'subscription-failed' and link = :l", Notification.class)
                .setParameter("t", contoso.id).setParameter("l", "/admin/sync/subscriptions/" + after.id).getResultList());
        long syncAdmins = app.app.tx.call(s -> s.createSelectionQuery("from User where tenantId = :t and active = true", User.class)
                .setParameter("t", contoso.id).getResultList().stream().filter(u -> u.has(Role.SYNC_ADMIN)).count());
        assertEquals(syncAdmins, told.size(), "every sync admin is told once");

        WebClient browser = app.client().signIn(contoso.slug, "sync.tests@contoso.example");
        String page = browser.get("/notifications").body();
        assertTrue(page.contains("Calendar sync of "), page);

        app.app.jobs.runNow(io.roomsync.notify.NotificationService.MAIL_JOB);
        TestSmtpServer.Mail mail = smtp.next(20);
        assertNotNull(mail, "an e-mail was sent");
        assertTrue(mail.data().contains("Calendar sync of"), mail.data());

        // The digest repeats it once a day while it stays failed.
        app.app.tx.run(s -> s.find(Subscription.class, after.id).lastDigestAt = Instant.now().minus(Duration.ofDays(2)));
        app.app.jobs.runNow(SubscriptionService.DIGEST_JOB);
        long digests = app.app.tx.call(s -> s.createSelectionQuery(
                "select count(*) from Notification where tenantId = :t and kind = 'subscription-digest'", Long.class)
                .setParameter("t", contoso.id).getSingleResult());
        assertEquals(syncAdmins, digests);
        app.app.jobs.runNow(SubscriptionService.DIGEST_JOB);
        assertEquals(syncAdmins, (long) app.app.tx.call(s -> s.createSelectionQuery(
                "select count(*) from Notification where tenantId = :t and kind = 'subscription-digest'", Long.class)
                .setParameter("t", contoso.id).getSingleResult()), "not twice a day");
    }

    // ---------------------------------------------------------------------------------------------- webhook

    @Test
    void the_validation_handshake_answers_the_decoded_token_as_plain_text() throws Exception {
        String token = "<script>&amp; é+/ x";
        for (String path : List.of("/webhooks/graph/notifications", "/webhooks/graph/lifecycle")) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(app.baseUrl + path
                            + "?validationToken=" + URLEncoder.encode(token, StandardCharsets.UTF_8)))
                    .header("Content-Type", "text/plain; charset=utf-8").POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            assertEquals(200, r.statusCode());
            assertEquals(token, r.body());
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
            assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(null));
        }
    }

    @Test
    void changes_in_the_room_mailbox_land_in_the_inbox_and_forged_unknown_and_malformed_items_are_dropped_and_counted() throws Exception {
        Reservable room = room();
        long config = activeConfiguration(room);
        Subscription sub = subscription(config);
        // The inbox job would pull and delete the items at once; holding the room's Graph calls keeps them visible.
        sandbox.holdMailbox(room.email);
        try {
            receivesOnlyValidItems(room, sub);
        } finally {
            sandbox.releaseMailbox(room.email);
        }
    }

    private void receivesOnlyValidItems(Reservable room, Subscription sub) throws Exception {
        long before = inboxItems(sub.id, InboxItem.Kind.CHANGE);

        // Outlook: someone books the room; Graph notifies us with the right client state.
        bookedInOutlook(room, 3);
        await(() -> inboxItems(sub.id, InboxItem.Kind.CHANGE) > before, "a CHANGE item from Graph's notification");
        assertNotNull(app.app.tx.call(s -> s.find(Subscription.class, sub.id)).lastNotificationAt);

        long stored = inboxItems(sub.id, InboxItem.Kind.CHANGE);
        WebClient.Response forged = post("/webhooks/graph/notifications", """
                {"value":[{"subscriptionId":"%s","clientState":"guessed","changeType":"created","resource":"x",
                 "resourceData":{"id":"AAA"}}]}""".formatted(sub.graphSubscriptionId));
        assertEquals(202, forged.status());
        WebClient.Response unknown = post("/webhooks/graph/notifications", """
                {"value":[{"subscriptionId":"no-such-subscription","clientState":"x","changeType":"created"}]}""");
        assertEquals(202, unknown.status());
        assertEquals(400, post("/webhooks/graph/notifications", "{not json").status());
        assertEquals(400, post("/webhooks/graph/notifications", "{\"value\":5}").status());
        assertEquals(stored, inboxItems(sub.id, InboxItem.Kind.CHANGE), "nothing stored for dropped items");

        JsonNode webhook = json(api("GET", "/api/v1/webhook", null));
        assertTrue(count(webhook, "FORGED", false) >= 1, webhook.toString());
        assertTrue(count(webhook, "UNKNOWN", true) >= 1, webhook.toString());
        assertTrue(count(webhook, "MALFORMED", true) >= 2, webhook.toString());
        assertEquals("OK", webhook.get("status").asText());
    }

    @Test
    void when_two_recreations_race_the_live_graph_subscription_keeps_its_own_client_state_and_its_notifications_are_stored()
            throws Exception {
        Reservable room = room();
        long config = activeConfiguration(room);
        Subscription before = subscription(config);
        // The inbox job would pull and delete the items at once; holding the room's Graph calls keeps them visible.
        sandbox.holdMailbox(room.email);
        try {
            // The first recreation's Graph call stays in flight while a second recreation is made and recorded.
            sandbox.holdNextSubscriptionCreate(room.email);
            CompletableFuture<SubscriptionService.Outcome> first;
            try {
                first = CompletableFuture.supplyAsync(() -> app.app.subscriptions.recreate(before.id));
                assertTrue(sandbox.awaitSubscriptionCreateHeld(room.email, Duration.ofSeconds(20)), "the first creation reached Graph");
                SubscriptionService.Outcome second = app.app.subscriptions.recreate(before.id);
                assertTrue(second.ok(), second.message());
            } finally {
                sandbox.releaseSubscriptionCreate(room.email);
            }
            SubscriptionService.Outcome late = first.get(30, TimeUnit.SECONDS);
            assertTrue(late.ok(), late.message());

            Subscription after = subscription(config);
            assertEquals(SubscriptionStatus.ACTIVE, after.status);
            List<String> inGraph = sandbox.subscriptionsOf(sandbox.tenant(DemoDirectory.TENANT_ID)).stream()
                    .filter(i -> i.mailboxAddress().equalsIgnoreCase(room.email)).map(ExchangeSandbox.SubscriptionInfo::id).toList();
            assertEquals(List.of(after.graphSubscriptionId), inGraph, "one subscription left in Graph, the one recorded");

            long stored = inboxItems(after.id, InboxItem.Kind.CHANGE);
            long forged = count(json(api("GET", "/api/v1/webhook", null)), "FORGED", false);
            bookedInOutlook(room, 20); // after the demo's seeded bookings: no conflict to tell the sync admins about
            await(() -> inboxItems(after.id, InboxItem.Kind.CHANGE) > stored, "a CHANGE item from the live subscription's notification");
            assertEquals(forged, count(json(api("GET", "/api/v1/webhook", null)), "FORGED", false), "nothing counted as forged");
        } finally {
            sandbox.releaseMailbox(room.email);
        }
    }

    // -------------------------------------------------------------------------------------------- lifecycle

    @Test
    void reauthorization_required_reauthorizes_the_subscription() {
        long config = activeConfiguration(room());
        Subscription before = subscription(config);
        assertTrue(sandbox.sendLifecycleNotification(before.graphSubscriptionId, "reauthorizationRequired"));
        await(() -> {
            Subscription now = subscription(config);
            return now.lastRenewedAt.isAfter(before.lastRenewedAt) && inboxItems(before.id, InboxItem.Kind.LIFECYCLE) == 0;
        }, "reauthorized and the item handled");
        assertEquals(before.graphSubscriptionId, subscription(config).graphSubscriptionId);
    }

    @Test
    void subscription_removed_recreates_it_and_resyncs_the_mailbox_in_full() {
        long config = activeConfiguration(room());
        Subscription before = subscription(config);
        app.app.tx.run(s -> s.find(Subscription.class, before.id).deltaLink = "https://graph.example/delta?token=old");
        assertTrue(sandbox.sendLifecycleNotification(before.graphSubscriptionId, "subscriptionRemoved"));
        await(() -> !before.graphSubscriptionId.equals(subscription(config).graphSubscriptionId), "recreated");
        Subscription after = subscription(config);
        assertEquals(SubscriptionStatus.ACTIVE, after.status);
        // The RESYNC item wakes the inbox job, which reads the whole window and stores a fresh delta link.
        await(() -> {
            String link = subscription(config).deltaLink;
            return link != null && !link.equals("https://graph.example/delta?token=old") && inboxItems(after.id, InboxItem.Kind.RESYNC) == 0;
        }, "the whole window pulled again");
    }

    @Test
    void missed_notifications_resync_the_mailbox() {
        Reservable room = room();
        long config = activeConfiguration(room);
        Subscription sub = subscription(config);
        app.app.tx.run(s -> s.createMutationQuery("delete from InboxItem where subscriptionId = :s").setParameter("s", sub.id).executeUpdate());
        Instant pulledBefore = subscription(config).lastDeltaAt;
        assertTrue(sandbox.sendLifecycleNotification(sub.graphSubscriptionId, "missed"));
        // The inbox job takes the RESYNC item at once and pulls the mailbox.
        await(() -> inboxItems(sub.id, InboxItem.Kind.LIFECYCLE) == 0 && inboxItems(sub.id, InboxItem.Kind.RESYNC) == 0
                && subscription(config).lastDeltaAt != null && !subscription(config).lastDeltaAt.equals(pulledBefore), "a fresh pull");
        assertEquals(sub.graphSubscriptionId, subscription(config).graphSubscriptionId);
    }

    // -------------------------------------------------------------------------------------------- helpers

    /** The database keeps microseconds. */
    private static Instant micros(Instant t) {
        return t.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }

    private static Reservable room() {
        return rooms.get(nextRoom.getAndIncrement());
    }

    private static long createConfiguration(Reservable room, String email) {
        WebClient.Response r = api("POST", "/api/v1/sync-configurations", "{\"reservableId\":" + room.id + ",\"providerId\":" + providerId
                + (email == null ? "" : ",\"mailboxEmail\":\"" + email + "\"") + "}");
        assertEquals(201, r.status(), r.body());
        return json(r).get("id").asLong();
    }

    private static long activeConfiguration(Reservable room) {
        long config = createConfiguration(room, null);
        JsonNode outcome = json(api("POST", "/api/v1/sync-configurations/" + config + "/activate", null));
        assertTrue(outcome.get("ok").asBoolean(), outcome.toString());
        return config;
    }

    private static Subscription subscription(long config) {
        return app.app.tx.call(s -> s.createSelectionQuery("from Subscription where syncConfigurationId = :c", Subscription.class)
                .setParameter("c", config).uniqueResult());
    }

    private static ExchangeSandbox.SubscriptionInfo graphSubscription(String id) {
        return sandbox.subscriptionsOf(sandbox.tenant(DemoDirectory.TENANT_ID)).stream().filter(i -> i.id().equals(id))
                .findFirst().orElse(null);
    }

    private static void dueForRenewal(long subscriptionId) {
        app.app.tx.run(s -> s.find(Subscription.class, subscriptionId).expiresAt = Instant.now().plus(Duration.ofHours(2)));
    }

    /** Graph forgets the subscription (as after an outage): deleted behind Roomsync's back. */
    private static void graphLoses(Subscription sub) {
        new GraphSubscriptions(app.app.graphCalls).delete(app.app.providerClients.app(contoso.id, providerId), sub.mailboxLower,
                sub.graphSubscriptionId);
    }

    /** Someone books the room in Outlook, an hour that many days ahead: Graph notifies the room's subscription. */
    private static void bookedInOutlook(Reservable room, int daysAhead) {
        String organizer = "adele@" + DemoDirectory.DOMAIN;
        Instant start = Instant.now().plus(Duration.ofDays(daysAhead)).truncatedTo(java.time.temporal.ChronoUnit.HOURS);
        ExchangeSandbox.OutlookResult booked = sandbox.outlook(organizer, "POST", "events", """
                {"subject":"Planning","start":{"dateTime":"%s","timeZone":"UTC"},"end":{"dateTime":"%s","timeZone":"UTC"},
                 "attendees":[{"emailAddress":{"address":"%s"},"type":"resource"}]}"""
                .formatted(start.toString().replace("Z", ""), start.plusSeconds(3600).toString().replace("Z", ""), room.email));
        assertTrue(booked.ok(), booked.json());
    }

    private static long inboxItems(long subscriptionId, InboxItem.Kind kind) {
        return app.app.tx.call(s -> s.createSelectionQuery("select count(*) from InboxItem where subscriptionId = :s and kind = :k", Long.class)
                .setParameter("s", subscriptionId).setParameter("k", kind).getSingleResult());
    }

    private static long count(JsonNode webhook, String reason, boolean unattributed) {
        long n = 0;
        for (JsonNode d : webhook.get("dropped")) {
            if (d.get("reason").asText().equals(reason) && d.get("unattributed").asBoolean() == unattributed) n += d.get("dropped").asLong();
        }
        return n;
    }

    private static WebClient.Response api(String method, String path, String body) {
        return app.client().api(method, path, token, body);
    }

    private static WebClient.Response post(String path, String body) {
        return app.client().apiRaw("POST", path, null, "application/json", body.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode json(WebClient.Response r) {
        try {
            return JSON.readTree(r.body());
        } catch (java.io.IOException e) {
            throw new AssertionError(r.status() + " " + r.body(), e);
        }
    }

    private static void await(Supplier<Boolean> condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.get()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for: " + what);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
