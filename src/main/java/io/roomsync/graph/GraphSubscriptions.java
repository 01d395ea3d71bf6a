package io.roomsync.graph;

import com.microsoft.graph.models.Subscription;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Graph change subscriptions on a mailbox's events: create (Graph runs the validation handshake against our
 * webhook before it answers), renew, reauthorize and delete. Every call goes through {@link GraphCalls}.
 */
public final class GraphSubscriptions {
    /** What Graph answered for a created or renewed subscription; expiresAt is Graph's, which may be shorter than asked. */
    public record Created(String id, String resource, String changeType, Instant expiresAt) {}

    private final GraphCalls calls;

    public GraphSubscriptions(GraphCalls calls) {
        this.calls = calls;
    }

    /** Subscribes to created, updated and deleted events of the mailbox. */
    public Created create(GraphClientFactory.GraphApp app, String mailbox, String notificationUrl, String lifecycleUrl,
                          String clientState, Instant expiresAt) {
        Subscription body = new Subscription();
        body.setChangeType("created,updated,deleted");
        body.setResource("users/" + mailbox + "/events");
        body.setNotificationUrl(notificationUrl);
        body.setLifecycleNotificationUrl(lifecycleUrl);
        body.setClientState(clientState);
        body.setExpirationDateTime(OffsetDateTime.ofInstant(expiresAt, ZoneOffset.UTC));
        Subscription created = calls.call(app, mailbox, "subscriptions.create", c -> c.subscriptions().post(body));
        return created(created);
    }

    public Created renew(GraphClientFactory.GraphApp app, String mailbox, String subscriptionId, Instant expiresAt) {
        Subscription body = new Subscription();
        body.setExpirationDateTime(OffsetDateTime.ofInstant(expiresAt, ZoneOffset.UTC));
        Subscription renewed = calls.call(app, mailbox, "subscriptions.renew",
                c -> c.subscriptions().bySubscriptionId(subscriptionId).patch(body));
        return created(renewed);
    }

    public void reauthorize(GraphClientFactory.GraphApp app, String mailbox, String subscriptionId) {
        calls.call(app, mailbox, "subscriptions.reauthorize", c -> {
            c.subscriptions().bySubscriptionId(subscriptionId).reauthorize().post();
            return null;
        });
    }

    /** Deletes the subscription; one Graph no longer has counts as deleted. */
    public void delete(GraphClientFactory.GraphApp app, String mailbox, String subscriptionId) {
        try {
            calls.call(app, mailbox, "subscriptions.delete", c -> {
                c.subscriptions().bySubscriptionId(subscriptionId).delete();
                return null;
            });
        } catch (GraphFailure e) {
            if (e.kind() != GraphFailure.Kind.NOT_FOUND) throw e;
        }
    }

    private static Created created(Subscription s) {
        if (s == null) throw new GraphFailure(GraphFailure.Kind.TRANSIENT, 0, null, "Graph answered without a subscription", null, null, null, null);
        return new Created(s.getId(), s.getResource(), s.getChangeType(),
                s.getExpirationDateTime() == null ? null : s.getExpirationDateTime().toInstant());
    }
}
