package io.roomsync.sandbox;

import static io.roomsync.sandbox.GraphModels.day;
import static io.roomsync.sandbox.GraphModels.meeting;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.graph.core.content.BatchRequestContent;
import com.microsoft.graph.core.content.BatchResponseContent;
import com.microsoft.graph.models.Event;
import com.microsoft.graph.models.EventCollectionResponse;
import com.microsoft.graph.models.Room;
import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.kiota.http.middleware.options.RetryHandlerOption;
import io.roomsync.graph.GraphClientFactory;
import io.roomsync.graph.GraphErrors;
import io.roomsync.graph.GraphFailure;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Per-mailbox throttling, injected faults, $batch and places (graph-facts §4, §5), through the real SDK. */
class SandboxThrottlingTest {
    static SandboxFixture f;

    @BeforeAll
    static void start() {
        f = new SandboxFixture();
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    private static RetryHandlerOption noRetries() {
        return new RetryHandlerOption((delay, attempt, request, response) -> false, 0, 0);
    }

    @Test
    void a_fifth_concurrent_request_to_one_mailbox_gets_429_with_retry_after_while_other_mailboxes_are_unaffected() throws Exception {
        f.sandbox.holdMailbox("borealis@contoso.test");
        List<CompletableFuture<EventCollectionResponse>> held = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                held.add(CompletableFuture.supplyAsync(() -> f.graph.users().byUserId("borealis@contoso.test").events().get()));
            }
            assertTrue(f.sandbox.awaitInFlight("borealis@contoso.test", 4, Duration.ofSeconds(30)));
            ODataError e = assertThrows(ODataError.class, () -> f.graph.users().byUserId("borealis@contoso.test").events()
                    .get(rc -> rc.options.add(noRetries())));
            assertEquals(429, e.getResponseStatusCode());
            assertEquals("ApplicationThrottled", e.getError().getCode());
            GraphFailure failure = GraphErrors.translate(e);
            assertEquals(GraphFailure.Kind.THROTTLED, failure.kind());
            assertEquals(Duration.ofSeconds(1), failure.retryAfter());
            assertNotNull(f.graph.users().byUserId("aurora@contoso.test").events().get(rc -> rc.options.add(noRetries())));
        } finally {
            f.sandbox.releaseMailbox("borealis@contoso.test");
        }
        for (CompletableFuture<EventCollectionResponse> h : held) assertNotNull(h.get().getValue());
    }

    @Test
    void an_injected_503_is_retried_by_the_sdk_and_an_injected_504_without_retries_is_transient() {
        long served = f.sandbox.injectedFaultsServed();
        f.sandbox.injectFaults(503, 1, Duration.ZERO, "ann@contoso.test");
        assertNotNull(f.graph.users().byUserId("ann@contoso.test").events().get().getValue(), "the SDK retried after Retry-After");
        assertEquals(served + 1, f.sandbox.injectedFaultsServed());
        f.sandbox.injectFaults(504, 1, null, "ann@contoso.test");
        ODataError e = assertThrows(ODataError.class, () -> f.graph.users().byUserId("ann@contoso.test").events()
                .get(rc -> rc.options.add(noRetries())));
        assertEquals(504, e.getResponseStatusCode());
        assertEquals(GraphFailure.Kind.TRANSIENT, GraphErrors.translate(e).kind());
    }

    @Test
    void a_client_without_sdk_retries_gets_a_throttled_failure_at_once_with_retry_after() {
        GraphClientFactory.GraphApp noRetry = GraphClientFactory.withoutSdkRetries().appClient(f.connection(f.app.clientId, SandboxFixture.SECRET));
        f.sandbox.injectFaults(429, 1, Duration.ofSeconds(30), "bob@contoso.test");
        RuntimeException e = assertThrows(RuntimeException.class, () -> noRetry.client().users().byUserId("bob@contoso.test").events().get());
        GraphFailure failure = GraphErrors.translate(e);
        assertEquals(GraphFailure.Kind.THROTTLED, failure.kind());
        assertEquals(Duration.ofSeconds(30), failure.retryAfter());
        assertTrue(failure.retryable());
        assertNotNull(failure.requestId());
    }

    @Test
    void an_injected_429_carries_retry_after_and_graphs_error_shape() throws Exception {
        f.sandbox.injectFaults(429, 1, Duration.ofMillis(2500), null);
        HttpResponse<String> r = f.raw("GET", "/v1.0/users/bob@contoso.test/events", f.appToken(), null);
        assertEquals(429, r.statusCode());
        assertEquals("2.500", r.headers().firstValue("Retry-After").orElseThrow());
        JsonNode error = Json.MAPPER.readTree(r.body()).get("error");
        assertEquals("TooManyRequests", error.get("code").asText());
        assertEquals(r.headers().firstValue("request-id").orElseThrow(), error.get("innerError").get("request-id").asText());
    }

    @Test
    void a_batch_runs_its_requests_and_fails_dependents_of_a_failed_request_with_424() throws Exception {
        Event created = f.graph.users().byUserId("bob@contoso.test").events().post(meeting("Batched", day(15, 9, 0), day(15, 10, 0)));
        BatchRequestContent batch = new BatchRequestContent(f.graph);
        String found = batch.addBatchRequestStep(f.graph.users().byUserId("bob@contoso.test").events().byEventId(created.getId()).toGetRequestInformation());
        String missing = batch.addBatchRequestStep(f.graph.users().byUserId("bob@contoso.test").events().byEventId("AAMkAGmissing=").toGetRequestInformation());
        String dependent = batch.addBatchRequestStep(f.graph.users().byUserId("bob@contoso.test").events().toGetRequestInformation());
        batch.getBatchRequestSteps().get(dependent).addDependsOnId(missing);
        BatchResponseContent response = f.graph.getBatchRequestBuilder().post(batch, null);
        Map<String, Integer> statuses = response.getResponsesStatusCode();
        assertEquals(200, statuses.get(found));
        assertEquals(404, statuses.get(missing));
        assertEquals(424, statuses.get(dependent));
        assertEquals("Batched", response.getResponseById(found, Event::createFromDiscriminatorValue).getSubject());
    }

    @Test
    void a_batch_of_more_than_20_requests_is_refused() throws Exception {
        ObjectNode body = Json.object();
        ArrayNode requests = body.putArray("requests");
        for (int i = 0; i < 21; i++) {
            ObjectNode r = requests.addObject();
            r.put("id", Integer.toString(i));
            r.put("method", "GET");
            r.put("url", "/users/ann@contoso.test/events");
        }
        HttpResponse<String> tooMany = f.raw("POST", "/v1.0/$batch", f.appToken(), Json.MAPPER.writeValueAsString(body));
        assertEquals(400, tooMany.statusCode());
        requests.remove(20);
        HttpResponse<String> twenty = f.raw("POST", "/v1.0/$batch", f.appToken(), Json.MAPPER.writeValueAsString(body));
        assertEquals(200, twenty.statusCode());
        assertEquals(20, Json.MAPPER.readTree(twenty.body()).get("responses").size());
    }

    @Test
    void places_lists_rooms_room_lists_and_the_rooms_of_a_list() {
        f.sandbox.addRoomList(f.tenant, "hq-rooms@contoso.test", "HQ", List.of("aurora@contoso.test", "cirrus@contoso.test"));
        List<Room> rooms = f.graph.places().graphRoom().get().getValue();
        assertEquals(List.of("aurora@contoso.test", "borealis@contoso.test", "cirrus@contoso.test"),
                rooms.stream().map(Room::getEmailAddress).sorted().toList());
        Room aurora = rooms.stream().filter(r -> r.getEmailAddress().equals("aurora@contoso.test")).findFirst().orElseThrow();
        assertEquals(8, aurora.getCapacity());
        assertEquals("hq-rooms@contoso.test", f.graph.places().graphRoomList().get().getValue().get(0).getEmailAddress());
        List<Room> inList = f.graph.places().byPlaceId("hq-rooms@contoso.test").graphRoomList().rooms().get().getValue();
        assertEquals(List.of("aurora@contoso.test", "cirrus@contoso.test"), inList.stream().map(Room::getEmailAddress).toList());
    }
}
