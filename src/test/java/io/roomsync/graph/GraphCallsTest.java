package io.roomsync.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.graph.models.EventCollectionResponse;
import io.roomsync.sandbox.Directory;
import io.roomsync.sandbox.ExchangeSandbox;
import io.roomsync.sandbox.SandboxClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The per-mailbox limiter and counters of GraphCalls, through the real SDK against the sandbox over HTTPS. */
class GraphCallsTest {
    static ExchangeSandbox sandbox;
    static Directory.Tenant tenant;
    static GraphClientFactory.GraphApp app;
    static ExecutorService workers = Executors.newCachedThreadPool();

    @BeforeAll
    static void start() {
        sandbox = ExchangeSandbox.builder().build().start();
        tenant = sandbox.addTenant("contoso.test", "Contoso");
        Directory.App registration = sandbox.addApp(tenant, null, "Roomsync", "s3cret");
        for (String room : List.of("aurora", "borealis", "cirrus", "dorado", "eridanus")) {
            sandbox.addRoom(tenant, room + "@contoso.test", room, null);
        }
        app = GraphClientFactory.withoutSdkRetries().appClient(new GraphConnection(
                GraphEndpoints.custom(sandbox.authorityHost(), sandbox.graphBaseUrl()), tenant.id, registration.clientId,
                "s3cret", sandbox.certificatePem(), null));
    }

    @AfterAll
    static void stop() {
        workers.shutdownNow();
        sandbox.close();
    }

    static EventCollectionResponse events(GraphCalls calls, String mailbox) {
        return calls.call(app, mailbox, "events.list", g -> g.users().byUserId(mailbox).events().get());
    }

    @Test
    void a_fifth_concurrent_call_to_a_mailbox_fails_at_once_as_throttled_without_reaching_graph() throws Exception {
        GraphCalls calls = new GraphCalls();
        sandbox.holdMailbox("borealis@contoso.test");
        List<CompletableFuture<EventCollectionResponse>> held = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) held.add(CompletableFuture.supplyAsync(() -> events(calls, "Borealis@contoso.test"), workers));
            assertTrue(sandbox.awaitInFlight("borealis@contoso.test", 4, Duration.ofSeconds(30)));

            // The fifth returns while the four are still held: it did not wait for a slot.
            GraphFailure fifth = assertThrows(GraphFailure.class, () -> events(calls, "borealis@contoso.test"));
            assertEquals(GraphFailure.Kind.THROTTLED, fifth.kind());
            assertEquals(0, fifth.status());
            assertEquals("RoomsyncMailboxConcurrency", fifth.code());
            assertEquals(Duration.ofMillis(200), fifth.retryAfter());
            assertTrue(fifth.getMessage().contains("Roomsync's own limiter"), fifth.getMessage());
            assertEquals(4, calls.limiter().inFlight(MailboxLimiter.key(app.clientId(), "borealis@contoso.test")));
            assertNotNull(events(calls, "cirrus@contoso.test").getValue(), "other mailboxes are not held back");
        } finally {
            sandbox.releaseMailbox("borealis@contoso.test");
        }
        for (CompletableFuture<EventCollectionResponse> h : held) assertNotNull(h.get().getValue());
        assertEquals(5, calls.count("events.list", "OK", true));
        assertEquals(1, calls.count("events.list", "THROTTLED", false));
        assertEquals(0, calls.count("events.list", "THROTTLED", true), "Graph itself never had to refuse one");
        assertNotNull(events(calls, "borealis@contoso.test").getValue(), "the slots are free again");
    }

    @Test
    void after_a_429_with_retry_after_calls_to_that_mailbox_fail_fast_until_then_and_other_mailboxes_go_on() {
        SandboxClock clock = testClock();
        GraphCalls calls = new GraphCalls(4, 10_000, Duration.ofMinutes(10), clock);
        sandbox.injectFaults(429, 1, Duration.ofSeconds(30), "dorado@contoso.test");
        GraphFailure graphSaid = assertThrows(GraphFailure.class, () -> events(calls, "dorado@contoso.test"));
        assertEquals(429, graphSaid.status());
        assertEquals(Duration.ofSeconds(30), graphSaid.retryAfter());
        assertNotNull(graphSaid.requestId());
        long served = sandbox.injectedFaultsServed();

        clock.advance(Duration.ofSeconds(10));
        GraphFailure held = assertThrows(GraphFailure.class, () -> events(calls, "DORADO@contoso.test"));
        assertEquals(GraphFailure.Kind.THROTTLED, held.kind());
        assertEquals(0, held.status());
        assertEquals("RoomsyncRetryAfter", held.code());
        assertEquals(Duration.ofSeconds(20), held.retryAfter());
        assertEquals(served, sandbox.injectedFaultsServed(), "nothing was sent");
        assertNotNull(events(calls, "eridanus@contoso.test").getValue());

        clock.advance(Duration.ofSeconds(20));
        assertNotNull(events(calls, "dorado@contoso.test").getValue());
        assertEquals(1, calls.count("events.list", "THROTTLED", true));
        assertEquals(1, calls.count("events.list", "THROTTLED", false));
        assertEquals(2, calls.count("events.list", "OK", null));
    }

    @Test
    void a_spent_request_budget_refuses_calls_until_the_window_ends() {
        SandboxClock clock = testClock();
        GraphCalls calls = new GraphCalls(4, 3, Duration.ofMinutes(10), clock);
        for (int i = 0; i < 3; i++) {
            assertNotNull(events(calls, "aurora@contoso.test").getValue());
            clock.advance(Duration.ofMinutes(1));
        }
        GraphFailure spent = assertThrows(GraphFailure.class, () -> events(calls, "aurora@contoso.test"));
        assertEquals(GraphFailure.Kind.THROTTLED, spent.kind());
        assertEquals("RoomsyncMailboxBudget", spent.code());
        assertEquals(Duration.ofMinutes(7), spent.retryAfter(), "until the window that began with the first call ends");
        assertNotNull(events(calls, "cirrus@contoso.test").getValue(), "each mailbox has its own budget");

        clock.advance(Duration.ofMinutes(7));
        assertNotNull(events(calls, "aurora@contoso.test").getValue());
    }

    @Test
    void counters_keep_outcomes_and_durations_per_operation() {
        GraphCalls calls = new GraphCalls();
        calls.call(app, "aurora@contoso.test", "events.list", g -> g.users().byUserId("aurora@contoso.test").events().get());
        GraphFailure missing = assertThrows(GraphFailure.class, () -> calls.call(app, "aurora@contoso.test", "events.get",
                g -> g.users().byUserId("aurora@contoso.test").events().byEventId("AAMkAGmissing=").get()));
        assertEquals(GraphFailure.Kind.NOT_FOUND, missing.kind());
        sandbox.injectFaults(503, 1, null, "cirrus@contoso.test");
        assertThrows(GraphFailure.class, () -> events(calls, "cirrus@contoso.test"));

        List<GraphCalls.CallCount> counts = calls.counts();
        assertEquals(List.of("events.get NOT_FOUND", "events.list OK", "events.list TRANSIENT"),
                counts.stream().map(c -> c.operation() + " " + c.outcome()).toList());
        for (GraphCalls.CallCount c : counts) {
            assertEquals(1, c.count());
            assertTrue(c.sent());
            assertTrue(c.max().compareTo(Duration.ZERO) > 0 && c.max().equals(c.total()), c.toString());
        }
    }

    /** A clock the test moves: fixed, plus what the test advanced. */
    static SandboxClock testClock() {
        return new SandboxClock(Clock.fixed(Instant.parse("2026-11-23T08:00:00Z"), ZoneOffset.UTC));
    }
}
