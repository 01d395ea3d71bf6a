package io.roomsync.sandbox;

import static io.roomsync.sandbox.GraphModels.day;
import static io.roomsync.sandbox.GraphModels.meeting;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.models.Event;
import com.microsoft.graph.models.Subscription;
import com.microsoft.graph.models.odataerrors.ODataError;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Subscriptions, the validation handshake and notification delivery (graph-facts §1) with a local HTTPS webhook. */
class SandboxSubscriptionsTest {
    static SandboxFixture f;
    static WebhookReceiver hook;

    @BeforeAll
    static void start() throws Exception {
        f = new SandboxFixture();
        f.sandbox.setNotificationRetries(List.of(Duration.ofMillis(50)), Duration.ofMinutes(5));
        hook = new WebhookReceiver(f.sandbox.certificate().serverContext());
    }

    @AfterAll
    static void stop() {
        hook.close();
        f.close();
    }

    @BeforeEach
    void reset() throws Exception {
        f.awaitIdle();
        hook.clear();
        hook.handshake = WebhookReceiver.Handshake.ECHO;
        f.sandbox.setDuplicateNotifications(0, 1);
    }

    private static Subscription request(String mailbox, OffsetDateTime expiration, String clientState) {
        Subscription s = new Subscription();
        s.setChangeType("created,updated,deleted");
        s.setNotificationUrl(hook.url("/api/webhook?provider=7"));
        s.setLifecycleNotificationUrl(hook.url("/api/webhook/lifecycle"));
        s.setResource("users/" + mailbox + "/events");
        s.setExpirationDateTime(expiration);
        s.setClientState(clientState);
        return s;
    }

    private static OffsetDateTime inHours(long hours) {
        return OffsetDateTime.now(ZoneOffset.UTC).plusHours(hours);
    }

    @Test
    void a_subscription_is_created_after_the_webhook_echoes_the_decoded_validation_token() {
        Subscription created = f.graph.subscriptions().post(request("aurora@contoso.test", inHours(48), "state-1"));
        assertNotNull(created.getId());
        assertEquals("state-1", created.getClientState());
        assertEquals(f.app.clientId, created.getApplicationId());
        assertEquals(2, hook.validationTokens.size(), "notification and lifecycle URLs are both validated");
        String token = hook.validationTokens.get(0);
        assertTrue(token.contains("+") && token.contains("/") && token.contains(" ") && token.contains("&") && token.contains("\""),
                "the token needs escaping: " + token);
        assertTrue(hook.validationContentTypes.get(0).startsWith("text/plain"));
        assertTrue(f.sandbox.subscriptionIds().contains(created.getId()));
    }

    @Test
    void a_webhook_that_echoes_the_encoded_token_or_not_as_text_fails_validation_and_no_subscription_exists() {
        int before = f.sandbox.subscriptionIds().size();
        hook.handshake = WebhookReceiver.Handshake.ECHO_ENCODED;
        ODataError encoded = assertThrows(ODataError.class, () -> f.graph.subscriptions().post(request("aurora@contoso.test", inHours(48), "x")));
        assertEquals(400, encoded.getResponseStatusCode());
        assertTrue(encoded.getError().getMessage().contains("validation request failed"));
        hook.handshake = WebhookReceiver.Handshake.WRONG_CONTENT_TYPE;
        ODataError html = assertThrows(ODataError.class, () -> f.graph.subscriptions().post(request("aurora@contoso.test", inHours(48), "x")));
        assertEquals(400, html.getResponseStatusCode());
        assertEquals(before, f.sandbox.subscriptionIds().size());
    }

    @Test
    void a_notification_url_that_is_not_https_is_refused_without_calling_it() {
        Subscription s = request("aurora@contoso.test", inHours(48), "x");
        s.setNotificationUrl("http://webhook.example.com/api/webhook");
        ODataError e = assertThrows(ODataError.class, () -> f.graph.subscriptions().post(s));
        assertEquals(400, e.getResponseStatusCode());
        assertTrue(hook.validationTokens.isEmpty());
    }

    @Test
    void expirations_are_raised_to_45_minutes_capped_at_the_maximum_and_renewable() {
        Subscription shortOne = f.graph.subscriptions().post(request("borealis@contoso.test", OffsetDateTime.now(ZoneOffset.UTC).plusMinutes(5), "x"));
        assertTrue(shortOne.getExpirationDateTime().isAfter(OffsetDateTime.now(ZoneOffset.UTC).plusMinutes(44)));

        ODataError tooLong = assertThrows(ODataError.class, () -> f.graph.subscriptions().post(request("borealis@contoso.test", inHours(24 * 8), "x")));
        assertEquals(400, tooLong.getResponseStatusCode());

        Subscription renew = new Subscription();
        renew.setExpirationDateTime(inHours(72));
        Subscription renewed = f.graph.subscriptions().bySubscriptionId(shortOne.getId()).patch(renew);
        assertTrue(renewed.getExpirationDateTime().isAfter(inHours(71)));

        f.sandbox.setSubscriptionClamp(Duration.ofHours(24));
        try {
            Subscription clamped = f.graph.subscriptions().post(request("borealis@contoso.test", inHours(72), "x"));
            assertTrue(clamped.getExpirationDateTime().isBefore(inHours(25)), "the app must use the expiration Graph returns");
        } finally {
            f.sandbox.setSubscriptionClamp(null);
        }

        f.graph.subscriptions().bySubscriptionId(shortOne.getId()).reauthorize().post();
        f.graph.subscriptions().bySubscriptionId(shortOne.getId()).delete();
        ODataError gone = assertThrows(ODataError.class, () -> f.graph.subscriptions().bySubscriptionId(shortOne.getId()).get());
        assertEquals(404, gone.getResponseStatusCode());
    }

    @Test
    void a_client_state_longer_than_128_characters_is_refused() {
        ODataError e = assertThrows(ODataError.class, () -> f.graph.subscriptions().post(request("aurora@contoso.test", inHours(48), "c".repeat(129))));
        assertEquals(400, e.getResponseStatusCode());
    }

    @Test
    void changes_in_the_mailbox_are_notified_in_graphs_payload_shape() throws Exception {
        f.sandbox.addUser(f.tenant, "frank@contoso.test", "Frank Fox");
        Subscription sub = f.graph.subscriptions().post(request("frank@contoso.test", inHours(48), "secret-state"));
        Event e = f.graph.users().byUserId("frank@contoso.test").events().post(meeting("Notify me", day(2, 9, 0), day(2, 10, 0)));
        f.awaitIdle();
        Event rename = new Event();
        rename.setSubject("Renamed");
        f.graph.users().byUserId("frank@contoso.test").events().byEventId(e.getId()).patch(rename);
        f.awaitIdle();
        f.graph.users().byUserId("frank@contoso.test").events().byEventId(e.getId()).delete();
        f.awaitIdle();

        List<JsonNode> items = hook.items();
        assertEquals(List.of("created", "updated", "deleted"), items.stream().map(i -> i.get("changeType").asText()).toList());
        JsonNode first = items.get(0);
        assertEquals(sub.getId(), first.get("subscriptionId").asText());
        assertEquals("secret-state", first.get("clientState").asText());
        assertEquals(f.tenant.id, first.get("tenantId").asText());
        assertEquals("Users/" + f.sandbox.mailbox("frank@contoso.test").id + "/Events/" + e.getId(), first.get("resource").asText());
        JsonNode data = first.get("resourceData");
        assertEquals("#Microsoft.Graph.Event", data.get("@odata.type").asText());
        assertEquals(first.get("resource").asText(), data.get("@odata.id").asText());
        assertEquals(e.getId(), data.get("id").asText());
        assertTrue(data.get("@odata.etag").asText().startsWith("W/\""));
        assertTrue(first.get("subscriptionExpirationDateTime").asText().endsWith("+00:00"));
    }

    @Test
    void a_room_booking_notifies_the_room_subscription_of_its_new_copy() throws Exception {
        Subscription sub = f.graph.subscriptions().post(request("cirrus@contoso.test", inHours(48), "room-state"));
        f.graph.users().byUserId("ann@contoso.test").events().post(meeting("Booked", day(11, 9, 0), day(11, 10, 0), "cirrus@contoso.test"));
        f.awaitIdle();
        List<JsonNode> roomItems = hook.items().stream().filter(i -> i.get("subscriptionId").asText().equals(sub.getId())).toList();
        assertEquals(1, roomItems.size());
        assertEquals("created", roomItems.get(0).get("changeType").asText());
    }

    @Test
    void notifications_gathered_while_delivery_is_held_arrive_batched_in_one_post() throws Exception {
        f.sandbox.addUser(f.tenant, "gina@contoso.test", "Gina Gray");
        f.graph.subscriptions().post(request("gina@contoso.test", inHours(48), "g"));
        f.sandbox.pauseNotifications();
        for (int i = 0; i < 3; i++) {
            f.graph.users().byUserId("gina@contoso.test").events().post(meeting("Batch " + i, day(12, 9 + i, 0), day(12, 9 + i, 30)));
        }
        f.sandbox.resumeNotifications();
        f.awaitIdle();
        assertEquals(1, hook.postsView().size());
        assertEquals(3, hook.postsView().get(0).get("value").size());
    }

    @Test
    void items_may_be_delivered_twice() throws Exception {
        f.sandbox.addUser(f.tenant, "hank@contoso.test", "Hank Hill");
        f.graph.subscriptions().post(request("hank@contoso.test", inHours(48), "h"));
        f.sandbox.setDuplicateNotifications(1.0, 7);
        f.graph.users().byUserId("hank@contoso.test").events().post(meeting("Twice", day(13, 9, 0), day(13, 10, 0)));
        f.awaitIdle();
        List<JsonNode> items = hook.items();
        assertEquals(2, items.size());
        assertEquals(items.get(0), items.get(1));
        assertTrue(hook.postsView().size() >= 2, "the duplicate comes in a later POST");
    }

    @Test
    void a_failed_delivery_is_retried_until_the_webhook_accepts_it() throws Exception {
        f.sandbox.addUser(f.tenant, "iris@contoso.test", "Iris Ives");
        f.graph.subscriptions().post(request("iris@contoso.test", inHours(48), "i"));
        hook.failNextPosts(2);
        f.graph.users().byUserId("iris@contoso.test").events().post(meeting("Retry", day(14, 9, 0), day(14, 10, 0)));
        f.awaitIdle();
        assertEquals(2, hook.failedPosts());
        assertEquals(1, hook.items().size());
    }

    @Test
    void a_subscription_in_its_last_hour_gets_reauthorization_required_every_15_minutes() throws Exception {
        Subscription sub = f.graph.subscriptions().post(request("borealis@contoso.test", OffsetDateTime.now(ZoneOffset.UTC).plusMinutes(50), "soon"));
        f.sandbox.maintainSubscriptions();
        f.sandbox.maintainSubscriptions();
        f.awaitIdle();
        assertEquals(1, hook.items().stream().filter(i -> i.get("subscriptionId").asText().equals(sub.getId())).count());
        f.sandbox.clock().advance(Duration.ofMinutes(16));
        f.sandbox.maintainSubscriptions();
        f.awaitIdle();
        List<JsonNode> warnings = hook.items().stream().filter(i -> i.get("subscriptionId").asText().equals(sub.getId())).toList();
        assertEquals(2, warnings.size());
        assertTrue(warnings.stream().allMatch(i -> i.get("lifecycleEvent").asText().equals("reauthorizationRequired")));
        f.graph.subscriptions().bySubscriptionId(sub.getId()).delete();
    }

    @Test
    void lifecycle_notifications_go_to_the_lifecycle_url_and_subscription_removed_ends_the_subscription() throws Exception {
        Subscription sub = f.graph.subscriptions().post(request("aurora@contoso.test", inHours(48), "life"));
        assertTrue(f.sandbox.sendLifecycleNotification(sub.getId(), "reauthorizationRequired"));
        f.awaitIdle();
        JsonNode item = hook.items().get(0);
        assertEquals("reauthorizationRequired", item.get("lifecycleEvent").asText());
        assertEquals(sub.getId(), item.get("subscriptionId").asText());
        assertEquals("life", item.get("clientState").asText());
        assertFalse(item.has("resource"));

        assertTrue(f.sandbox.sendLifecycleNotification(sub.getId(), "subscriptionRemoved"));
        f.awaitIdle();
        assertEquals("subscriptionRemoved", hook.items().get(1).get("lifecycleEvent").asText());
        assertFalse(f.sandbox.subscriptionIds().contains(sub.getId()));
        assertNotEquals(0, hook.items().size());
    }
}
