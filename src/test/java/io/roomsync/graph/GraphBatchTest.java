package io.roomsync.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.graph.models.Event;
import com.microsoft.graph.models.EventCollectionResponse;
import io.roomsync.sandbox.Directory;
import io.roomsync.sandbox.ExchangeSandbox;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** $batch bulk reads: splitting into batches of 20 and per-item retry, through the real SDK against the sandbox. */
class GraphBatchTest {
    static final List<String> ROOMS = List.of("aurora@contoso.test", "borealis@contoso.test", "cirrus@contoso.test");
    static ExchangeSandbox sandbox;
    static GraphClientFactory.GraphApp app;
    static String day;

    @BeforeAll
    static void start() {
        sandbox = ExchangeSandbox.builder().build().start();
        Directory.Tenant tenant = sandbox.addTenant("contoso.test", "Contoso");
        Directory.App registration = sandbox.addApp(tenant, null, "Roomsync", "s3cret");
        sandbox.addUser(tenant, "ann@contoso.test", "Ann Archer");
        for (String room : ROOMS) sandbox.addRoom(tenant, room, room, null);
        app = GraphClientFactory.withoutSdkRetries().appClient(new GraphConnection(
                GraphEndpoints.custom(sandbox.authorityHost(), sandbox.graphBaseUrl()), tenant.id, registration.clientId,
                "s3cret", sandbox.certificatePem(), null));
        LocalDate d = LocalDate.now(ZoneOffset.UTC).plusDays(3);
        day = d.toString();
        String json = "{\"subject\":\"Planning\",\"start\":{\"dateTime\":\"" + d + "T09:00:00\",\"timeZone\":\"UTC\"},"
                + "\"end\":{\"dateTime\":\"" + d + "T10:00:00\",\"timeZone\":\"UTC\"}}";
        assertTrue(sandbox.outlook("ann@contoso.test", "POST", "events", json).ok());
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    static List<GraphBatch.Request> calendarViews(int count, List<String> mailboxes) {
        List<GraphBatch.Request> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String m = mailboxes.get(i % mailboxes.size());
            out.add(GraphBatch.get(m, "/users/" + m + "/calendarView?startDateTime=" + day + "T00:00:00Z&endDateTime=" + day + "T23:59:59Z"));
        }
        return out;
    }

    static List<GraphBatch.Result> run(GraphBatch batch, List<GraphBatch.Request> requests) throws Exception {
        return batch.getAll(app, "calendarView.read", requests).get(60, TimeUnit.SECONDS);
    }

    @Test
    void forty_five_reads_go_in_three_batches_and_every_result_comes_back_in_order() throws Exception {
        GraphCalls calls = new GraphCalls();
        List<GraphBatch.Request> requests = calendarViews(45, ROOMS);
        requests.set(7, GraphBatch.get("ann@contoso.test", "/users/ann@contoso.test/calendarView?startDateTime=" + day
                + "T00:00:00Z&endDateTime=" + day + "T23:59:59Z"));
        try (GraphBatch batch = new GraphBatch(calls)) {
            List<GraphBatch.Result> results = run(batch, requests);
            assertEquals(45, results.size());
            for (int i = 0; i < 45; i++) {
                GraphBatch.Result r = results.get(i);
                assertEquals(requests.get(i), r.request());
                assertEquals(200, r.status(), r.toString());
                assertTrue(r.ok());
                assertEquals(1, r.attempts());
                assertNotNull(r.requestId());
            }
            List<Event> anns = results.get(7).as(EventCollectionResponse::createFromDiscriminatorValue).getValue();
            assertEquals(List.of("Planning"), anns.stream().map(Event::getSubject).toList());
        }
        assertEquals(3, calls.count("$batch", "OK", true));
        assertEquals(45, calls.count("calendarView.read", "OK", true));
    }

    @Test
    void items_graph_throttled_are_sent_again_after_their_retry_after_and_the_others_are_not() throws Exception {
        GraphCalls calls = new GraphCalls();
        sandbox.injectFaults(429, 2, Duration.ofMillis(300), "borealis@contoso.test");
        try (GraphBatch batch = new GraphBatch(calls)) {
            List<GraphBatch.Result> results = run(batch, calendarViews(12, ROOMS));
            int retried = 0;
            for (GraphBatch.Result r : results) {
                assertEquals(200, r.status(), r.toString());
                if (r.attempts() == 2) {
                    retried++;
                    assertEquals("borealis@contoso.test", r.request().mailbox());
                } else {
                    assertEquals(1, r.attempts());
                }
            }
            assertEquals(2, retried);
        }
        assertEquals(2, calls.count("calendarView.read", "THROTTLED", true));
        assertEquals(12, calls.count("calendarView.read", "OK", true));
        assertEquals(2, calls.count("$batch", "OK", true), "one batch, then one with the two retried items");
    }

    @Test
    void an_item_asked_to_wait_longer_than_the_batch_waits_comes_back_throttled_with_its_retry_after() throws Exception {
        GraphCalls calls = new GraphCalls();
        sandbox.injectFaults(429, 1, Duration.ofSeconds(90), "cirrus@contoso.test");
        try (GraphBatch batch = new GraphBatch(calls)) {
            List<GraphBatch.Result> results = run(batch, calendarViews(3, ROOMS));
            GraphBatch.Result cirrus = results.get(2);
            assertEquals(429, cirrus.status());
            assertEquals(GraphFailure.Kind.THROTTLED, cirrus.failure().kind());
            assertEquals(Duration.ofSeconds(90), cirrus.retryAfter());
            assertNotNull(cirrus.requestId());
            assertNull(results.get(0).failure());

            // Until then the mailbox is held back by Roomsync's limiter, in batches as in single calls.
            List<GraphBatch.Result> again = run(batch, calendarViews(3, ROOMS));
            assertEquals(0, again.get(2).status());
            assertEquals("RoomsyncRetryAfter", again.get(2).failure().code());
            assertEquals(200, again.get(1).status());
        }
    }
}
