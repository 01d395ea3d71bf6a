package io.roomsync.calendar;

import io.roomsync.common.NotFoundException;
import io.roomsync.common.Tokens;
import io.roomsync.db.Tx;
import io.roomsync.graph.GraphClientFactory;
import io.roomsync.graph.GraphFailure;
import io.roomsync.graph.GraphSubscriptions;
import io.roomsync.jobs.Jobs;
import io.roomsync.notify.Notifications;
import jakarta.persistence.LockModeType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hibernate.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Graph subscription of each active sync configuration: created on activation (Graph validates our webhook
 * before it answers), renewed ahead of expiry, reauthorized, recreated when Graph lost it, deleted on deactivation.
 * Graph is never called inside a transaction: the intent is committed first (PENDING, BEING_DELETED), then Graph
 * is called, then the outcome is recorded. A subscription that can neither be renewed nor recreated is FAILED:
 * every sync admin of the tenant is told at once and then daily while it stays so.
 */
public final class SubscriptionService {
    private static final Logger log = LoggerFactory.getLogger(SubscriptionService.class);
    public static final String RENEWAL_JOB = "subscription-renewal";
    public static final String LIFECYCLE_JOB = "subscription-lifecycle";
    public static final String DIGEST_JOB = "failure-digest";
    public static final String INBOX_JOB = "inbox";

    /** Graph's limit for event subscriptions is 10,080 minutes; we ask for a little less so clocks never disagree. */
    static final Duration LIFETIME = Duration.ofMinutes(10080).minus(Duration.ofMinutes(30));
    /** Renew this long before Graph's expiry: the renewal job runs often, a day leaves room for outages. */
    static final Duration RENEW_AHEAD = Duration.ofDays(1);
    /** A FAILED subscription is tried again this often (and a stuck PENDING one after this long). */
    static final Duration RETRY_FAILED = Duration.ofMinutes(30);
    static final Duration DIGEST_EVERY = Duration.ofDays(1);

    /** What an activation or deactivation did, for the page's message and the API. */
    public record Outcome(long syncConfigurationId, boolean ok, String message) {}

    private final Tx tx;
    private final Clock clock;
    private final ProviderClients providerClients;
    private final GraphSubscriptions graph;
    private final WebhookRegistry webhooks;
    private final Notifications notifications;
    private final Jobs jobs;
    private final String node = "node-" + UUID.randomUUID();

    public SubscriptionService(Tx tx, Clock clock, ProviderClients providerClients, GraphSubscriptions graph,
                               WebhookRegistry webhooks, Notifications notifications, Jobs jobs) {
        this.tx = tx;
        this.clock = clock;
        this.providerClients = providerClients;
        this.graph = graph;
        this.webhooks = webhooks;
        this.notifications = notifications;
        this.jobs = jobs;
    }

    // ------------------------------------------------------------------------------------ activate/deactivate

    /**
     * Marks the configuration active and creates its Graph subscription. The configuration stays active when Graph
     * refuses (the subscription is FAILED with Graph's reason, and the renewal job keeps trying).
     */
    public Outcome activate(long tenantId, long configurationId) {
        String clientState = Tokens.random(48);
        Subscription pending = tx.call(s -> {
            SyncConfiguration c = configuration(s, tenantId, configurationId);
            c.active = true;
            c.updatedAt = clock.instant();
            Subscription sub = subscriptionOf(s, c.id);
            if (sub == null) {
                sub = new Subscription();
                sub.tenantId = tenantId;
                sub.syncConfigurationId = c.id;
                sub.createdAt = clock.instant();
                sub.syncStart = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).minusDays(1);
            } else if (sub.status == SubscriptionStatus.ACTIVE && sub.graphSubscriptionId != null) {
                return null;
            }
            sub.providerId = c.providerId;
            sub.mailboxLower = c.mailboxLower;
            sub.status = SubscriptionStatus.PENDING;
            sub.clientStateHash = Tokens.sha256(clientState);
            sub.updatedAt = clock.instant();
            if (sub.id == null) s.persist(sub);
            return sub;
        });
        if (pending == null) return new Outcome(configurationId, true, "Already active.");
        return create(pending, clientState, false);
    }

    /** Deactivates the configuration and deletes its Graph subscription (one Graph already lost counts as deleted). */
    public Outcome deactivate(long tenantId, long configurationId) {
        Subscription sub = tx.call(s -> {
            SyncConfiguration c = configuration(s, tenantId, configurationId);
            c.active = false;
            c.updatedAt = clock.instant();
            Subscription existing = subscriptionOf(s, c.id);
            if (existing != null) {
                existing.status = SubscriptionStatus.BEING_DELETED;
                existing.updatedAt = clock.instant();
            }
            return existing;
        });
        if (sub == null) return new Outcome(configurationId, true, "Deactivated.");
        return delete(sub);
    }

    private Outcome delete(Subscription sub) {
        if (sub.graphSubscriptionId != null) {
            try {
                graph.delete(app(sub), sub.mailboxLower, sub.graphSubscriptionId);
            } catch (GraphFailure e) {
                recordError(sub.id, e, false);
                return new Outcome(sub.syncConfigurationId, false, "Deactivated; deleting the Graph subscription failed ("
                        + e.getMessage() + "); it will be tried again.");
            }
        }
        tx.run(s -> {
            s.createMutationQuery("delete from InboxItem where subscriptionId = :id").setParameter("id", sub.id).executeUpdate();
            s.createMutationQuery("delete from Subscription where id = :id and status = :deleting")
                    .setParameter("id", sub.id).setParameter("deleting", SubscriptionStatus.BEING_DELETED).executeUpdate();
        });
        return new Outcome(sub.syncConfigurationId, true, "Deactivated.");
    }

    /**
     * Creates the Graph subscription of a PENDING record (its client state hash already committed) and records
     * Graph's answer. Afterwards the mailbox is resynced in full, which also covers notifications that arrived
     * before Graph's subscription id was recorded.
     */
    private Outcome create(Subscription sub, String clientState, boolean replacing) {
        String base = webhooks.callbackBase(sub.tenantId);
        Instant askedExpiry = clock.instant().plus(LIFETIME);
        GraphSubscriptions.Created created;
        try {
            created = graph.create(app(sub), sub.mailboxLower, base + WebhookRegistry.NOTIFICATIONS_PATH,
                    base + WebhookRegistry.LIFECYCLE_PATH, clientState, askedExpiry);
        } catch (GraphFailure e) {
            recordError(sub.id, e, true);
            return new Outcome(sub.syncConfigurationId, false, "The Graph subscription could not be created: " + e.getMessage());
        } catch (RuntimeException e) {
            recordError(sub.id, new GraphFailure(GraphFailure.Kind.UNREACHABLE, 0, null, e.getMessage(), null, null, null, e), true);
            return new Outcome(sub.syncConfigurationId, false, "The Graph subscription could not be created: " + e.getMessage());
        }
        String hash = Tokens.sha256(clientState);
        Recorded recorded = tx.call(s -> {
            // Locked, so the hash read is the latest committed one and two answers are recorded one after the other.
            Subscription row = s.find(Subscription.class, sub.id, LockModeType.PESSIMISTIC_WRITE);
            // A creation started after this one (a concurrent recreate or activation) committed its own client state:
            // recording this answer would pair Graph's id with a client state its notifications do not carry.
            if (row == null || !hash.equals(row.clientStateHash)) return new Recorded(false, null);
            String old = row.graphSubscriptionId;
            row.graphSubscriptionId = created.id();
            row.resource = created.resource();
            row.changeType = created.changeType();
            row.expiresAt = created.expiresAt();
            row.status = SubscriptionStatus.ACTIVE;
            row.lastRenewedAt = clock.instant();
            row.lastError = null;
            row.lastErrorAt = null;
            row.failedSince = null;
            row.lastDigestAt = null;
            row.deltaLink = null;
            row.updatedAt = clock.instant();
            resync(s, row);
            return new Recorded(true, old);
        });
        if (!recorded.ours()) {
            deleteInGraph(sub, created.id());
            return new Outcome(sub.syncConfigurationId, true, "Superseded by a later attempt, whose Graph subscription is the one kept.");
        }
        if (recorded.previous() != null && !recorded.previous().equals(created.id())) deleteInGraph(sub, recorded.previous());
        wakeInbox();
        return new Outcome(sub.syncConfigurationId, true, replacing ? "Subscription recreated." : "Activated: Graph subscription created.");
    }

    /** Whether a creation's answer was recorded, and the Graph subscription it replaced. */
    private record Recorded(boolean ours, String previous) {}

    /** Deletes a Graph subscription no record points to any more; one that stays simply expires. */
    private void deleteInGraph(Subscription sub, String graphSubscriptionId) {
        try {
            graph.delete(app(sub), sub.mailboxLower, graphSubscriptionId);
        } catch (GraphFailure e) {
            log.info("Graph subscription {} of {} not deleted: {}", graphSubscriptionId, sub.mailboxLower, e.getMessage());
        }
    }

    /** Recreates a subscription with a new client state (Graph lost it, or it could not be renewed). */
    public Outcome recreate(long subscriptionId) {
        String clientState = Tokens.random(48);
        Subscription pending = tx.call(s -> {
            Subscription row = s.find(Subscription.class, subscriptionId);
            if (row == null || row.status == SubscriptionStatus.BEING_DELETED) return null;
            row.status = SubscriptionStatus.PENDING;
            row.clientStateHash = Tokens.sha256(clientState);
            row.updatedAt = clock.instant();
            return row;
        });
        if (pending == null) return new Outcome(0, false, "No such subscription.");
        return create(pending, clientState, true);
    }

    /** Inserts a RESYNC item: the inbox pulls the whole window of the mailbox (the delta link was cleared). */
    private void resync(Session s, Subscription sub) {
        InboxItem item = new InboxItem();
        item.tenantId = sub.tenantId;
        item.subscriptionId = sub.id;
        item.kind = InboxItem.Kind.RESYNC;
        item.receivedAt = clock.instant();
        item.nextAttemptAt = clock.instant();
        s.persist(item);
    }

    private void wakeInbox() {
        if (jobs.isRegistered(INBOX_JOB)) jobs.wake(INBOX_JOB);
    }

    /**
     * Records a failure. With {@code fatal} (creation failed, or renewal and recreation both did) the subscription
     * becomes FAILED and, the first time, every sync admin of the tenant is told.
     */
    private void recordError(long subscriptionId, GraphFailure e, boolean fatal) {
        String message = e.getMessage() + (e.requestId() == null ? "" : " (request-id " + e.requestId() + ")");
        tx.run(s -> {
            Subscription row = s.find(Subscription.class, subscriptionId);
            if (row == null) return;
            row.lastError = message;
            row.lastErrorAt = clock.instant();
            row.updatedAt = clock.instant();
            if (!fatal || row.status == SubscriptionStatus.BEING_DELETED) return;
            row.status = SubscriptionStatus.FAILED;
            if (row.failedSince == null) {
                row.failedSince = clock.instant();
                row.lastDigestAt = clock.instant();
                String room = roomName(s, row.syncConfigurationId);
                notifications.toSyncAdmins(s, row.tenantId, "subscription-failed",
                        "Calendar sync of " + room + " stopped: its Graph subscription failed",
                        "Roomsync could neither renew nor recreate the Graph subscription on " + row.mailboxLower
                                + ". Changes made in Outlook no longer reach Roomsync. Graph said: " + message,
                        "/admin/sync/subscriptions/" + row.id);
            }
        });
    }

    // ------------------------------------------------------------------------------------------------ renewal

    /**
     * The renewal job: renews subscriptions that expire within a day (PATCH); one Graph can't renew is recreated;
     * FAILED ones are retried every half hour, stuck PENDING ones recreated, undeleted ones deleted again.
     */
    public void renewDue() {
        Instant now = clock.instant();
        List<Subscription> due = tx.call(s -> s.createSelectionQuery("""
                        from Subscription where (status = :active and expiresAt < :renewBefore)
                        or (status in (:failed, :pending) and updatedAt < :retryBefore)
                        or (status = :deleting and updatedAt < :retryBefore) order by expiresAt nulls first""", Subscription.class)
                .setParameter("active", SubscriptionStatus.ACTIVE).setParameter("renewBefore", now.plus(RENEW_AHEAD))
                .setParameter("failed", SubscriptionStatus.FAILED).setParameter("pending", SubscriptionStatus.PENDING)
                .setParameter("deleting", SubscriptionStatus.BEING_DELETED).setParameter("retryBefore", now.minus(RETRY_FAILED))
                .setMaxResults(200).getResultList());
        for (Subscription sub : due) {
            try {
                switch (sub.status) {
                    case ACTIVE -> renew(sub);
                    case BEING_DELETED -> delete(sub);
                    default -> recreate(sub.id);
                }
            } catch (RuntimeException e) {
                log.warn("Subscription {} of {}: {}", sub.id, sub.mailboxLower, e.toString());
            }
        }
    }

    /** Extends Graph's expiry; when Graph no longer accepts the subscription, recreates it. */
    public Outcome renew(Subscription sub) {
        try {
            GraphSubscriptions.Created renewed = graph.renew(app(sub), sub.mailboxLower, sub.graphSubscriptionId,
                    clock.instant().plus(LIFETIME));
            tx.run(s -> {
                Subscription row = s.find(Subscription.class, sub.id);
                if (row == null || row.status != SubscriptionStatus.ACTIVE) return;
                if (renewed.expiresAt() != null) row.expiresAt = renewed.expiresAt();
                row.lastRenewedAt = clock.instant();
                row.lastError = null;
                row.updatedAt = clock.instant();
            });
            return new Outcome(sub.syncConfigurationId, true, "Renewed.");
        } catch (GraphFailure e) {
            if (e.retryable() && sub.expiresAt != null && sub.expiresAt.isAfter(clock.instant())) {
                // Throttled or Graph down: the subscription still lives, the next run tries again.
                recordError(sub.id, e, false);
                return new Outcome(sub.syncConfigurationId, false, "Renewal postponed: " + e.getMessage());
            }
            log.info("Renewal of subscription {} failed ({}); recreating it", sub.graphSubscriptionId, e.getMessage());
            return recreate(sub.id);
        }
    }

    // -------------------------------------------------------------------------------------------- lifecycle

    /**
     * The lifecycle job: claims LIFECYCLE items (SKIP LOCKED, so nodes share them) and acts on each:
     * reauthorizationRequired -> reauthorize; subscriptionRemoved -> recreate (which resyncs); missed -> resync.
     */
    public void handleLifecycle() {
        while (true) {
            List<InboxItem> claimed = claimLifecycleItems(20);
            if (claimed.isEmpty()) return;
            for (InboxItem item : claimed) handle(item);
        }
    }

    private List<InboxItem> claimLifecycleItems(int max) {
        Instant now = clock.instant();
        return tx.call(s -> {
            @SuppressWarnings("unchecked")
            List<Number> ids = s.createNativeQuery("select id from inbox_item where kind = 'LIFECYCLE' and next_attempt_at <= :now "
                            + "and (claimed_until is null or claimed_until < :now) order by id limit " + max + " for update skip locked")
                    .setParameter("now", now).getResultList();
            if (ids.isEmpty()) return List.of();
            List<Long> longIds = ids.stream().map(Number::longValue).toList();
            s.createMutationQuery("update InboxItem set claimedBy = :node, claimedUntil = :until, attempts = attempts + 1 where id in (:ids)")
                    .setParameter("node", node).setParameter("until", now.plus(Duration.ofMinutes(5))).setParameter("ids", longIds)
                    .executeUpdate();
            return s.createSelectionQuery("from InboxItem where id in (:ids) order by id", InboxItem.class)
                    .setParameter("ids", longIds).getResultList();
        });
    }

    private void handle(InboxItem item) {
        Subscription sub = tx.call(s -> s.find(Subscription.class, item.subscriptionId));
        try {
            if (sub != null && sub.status != SubscriptionStatus.BEING_DELETED) {
                switch (item.lifecycleEvent == null ? "" : item.lifecycleEvent) {
                    case "reauthorizationRequired" -> reauthorize(sub);
                    case "subscriptionRemoved" -> recreate(sub.id);
                    case "missed" -> tx.run(s -> {
                        Subscription row = s.find(Subscription.class, sub.id);
                        if (row != null) resync(s, row);
                    });
                    default -> log.info("Ignored lifecycle event {} of subscription {}", item.lifecycleEvent, sub.id);
                }
                if ("missed".equals(item.lifecycleEvent)) wakeInbox();
            }
            tx.run(s -> s.createMutationQuery("delete from InboxItem where id = :id").setParameter("id", item.id).executeUpdate());
        } catch (GraphFailure e) {
            Duration wait = e.retryAfter() != null ? e.retryAfter() : Duration.ofSeconds(Math.min(3600, 30L << Math.min(item.attempts, 7)));
            tx.run(s -> s.createMutationQuery("update InboxItem set claimedBy = null, claimedUntil = null, nextAttemptAt = :next where id = :id")
                    .setParameter("next", clock.instant().plus(wait)).setParameter("id", item.id).executeUpdate());
        }
    }

    private void reauthorize(Subscription sub) {
        try {
            graph.reauthorize(app(sub), sub.mailboxLower, sub.graphSubscriptionId);
            tx.run(s -> {
                Subscription row = s.find(Subscription.class, sub.id);
                if (row == null) return;
                row.lastRenewedAt = clock.instant();
                row.lastError = null;
                row.updatedAt = clock.instant();
            });
        } catch (GraphFailure e) {
            if (e.retryable()) throw e;
            recreate(sub.id);
        }
    }

    // ----------------------------------------------------------------------------------------------- digest

    /** The daily digest: once a day per tenant, the sync admins hear again about subscriptions still FAILED. */
    public void digest() {
        Instant now = clock.instant();
        List<Subscription> failed = tx.call(s -> s.createSelectionQuery(
                        "from Subscription where status = :failed and (lastDigestAt is null or lastDigestAt < :before) order by tenantId, id",
                        Subscription.class)
                .setParameter("failed", SubscriptionStatus.FAILED).setParameter("before", now.minus(DIGEST_EVERY)).getResultList());
        Map<Long, List<Subscription>> byTenant = new LinkedHashMap<>();
        for (Subscription sub : failed) byTenant.computeIfAbsent(sub.tenantId, t -> new ArrayList<>()).add(sub);
        for (Map.Entry<Long, List<Subscription>> e : byTenant.entrySet()) {
            tx.run(s -> {
                StringBuilder body = new StringBuilder("These rooms no longer receive changes from Outlook:\n");
                for (Subscription sub : e.getValue()) {
                    Subscription row = s.find(Subscription.class, sub.id);
                    if (row == null || row.status != SubscriptionStatus.FAILED) continue;
                    row.lastDigestAt = now;
                    body.append("- ").append(roomName(s, row.syncConfigurationId)).append(" (").append(row.mailboxLower)
                            .append("): failed since ").append(row.failedSince).append(", last error: ").append(row.lastError).append('\n');
                }
                notifications.toSyncAdmins(s, e.getKey(), "subscription-digest",
                        e.getValue().size() + " calendar sync subscription(s) still failed", body.toString(), "/admin/sync/subscriptions");
            });
        }
    }

    // ----------------------------------------------------------------------------------------------- reading

    /** A subscription as its pages and the API show it. */
    public record View(long id, long syncConfigurationId, String room, String mailbox, String graphSubscriptionId, String resource,
                       String changeType, Instant expiresAt, SubscriptionStatus status, Instant lastRenewedAt, String lastError,
                       Instant lastErrorAt, Instant failedSince, Instant lastNotificationAt) {}

    public List<View> list(long tenantId) {
        return tx.call(s -> s.createSelectionQuery("""
                        select sub, r.name from Subscription sub join SyncConfiguration c on c.id = sub.syncConfigurationId
                        join Reservable r on r.id = c.reservableId where sub.tenantId = :t order by r.name""", Object[].class)
                .setParameter("t", tenantId).getResultList().stream().map(r -> view((Subscription) r[0], (String) r[1])).toList());
    }

    public View get(long tenantId, long id) {
        return tx.call(s -> {
            Subscription sub = s.find(Subscription.class, id);
            if (sub == null || sub.tenantId != tenantId) throw new NotFoundException("Subscription");
            return view(sub, roomName(s, sub.syncConfigurationId));
        });
    }

    private static View view(Subscription s, String room) {
        return new View(s.id, s.syncConfigurationId, room, s.mailboxLower, s.graphSubscriptionId, s.resource, s.changeType,
                s.expiresAt, s.status, s.lastRenewedAt, s.lastError, s.lastErrorAt, s.failedSince, s.lastNotificationAt);
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private GraphClientFactory.GraphApp app(Subscription sub) {
        return providerClients.app(sub.tenantId, sub.providerId);
    }

    private static SyncConfiguration configuration(Session s, long tenantId, long id) {
        SyncConfiguration c = s.find(SyncConfiguration.class, id);
        if (c == null || c.tenantId != tenantId) throw new NotFoundException("Sync configuration");
        return c;
    }

    static Subscription subscriptionOf(Session s, long configurationId) {
        return s.createSelectionQuery("from Subscription where syncConfigurationId = :c", Subscription.class)
                .setParameter("c", configurationId).uniqueResult();
    }

    private static String roomName(Session s, long configurationId) {
        String name = s.createSelectionQuery("select r.name from SyncConfiguration c join Reservable r on r.id = c.reservableId where c.id = :c",
                String.class).setParameter("c", configurationId).uniqueResult();
        return name == null ? "a room" : name;
    }
}
