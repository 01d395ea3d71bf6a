package io.roomsync.demo;

import io.roomsync.calendar.Subscription;
import io.roomsync.calendar.SubscriptionService;
import io.roomsync.calendar.SubscriptionStatus;
import io.roomsync.calendar.SyncConfiguration;
import io.roomsync.calendar.SyncConfigurationService;
import io.roomsync.calendar.WebhookRegistry;
import io.roomsync.db.Tx;
import io.roomsync.location.Reservable;
import io.roomsync.location.ReservableKind;
import io.roomsync.sandbox.DemoDirectory;
import io.roomsync.sandbox.ExchangeSandbox;
import io.roomsync.tenant.CurrentUser;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Demo mode's two-way sync, on every start: the demo tenant's webhook points at this server's real address, and
 * each active room with a mailbox has an active sync configuration on the demo provider, so a booking in the
 * portal shows up on the sandbox's Outlook page and one made there shows up in the portal. Runs in the background
 * once the web server listens (creating a subscription needs the webhook's validation handshake answered).
 * Idempotent: existing configurations are kept and reactivated; subscriptions the sandbox no longer knows, or that
 * point at an old address (another port), are recreated.
 */
public final class DemoTwoWaySync implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DemoTwoWaySync.class);
    private static final String SOURCE = "system";

    /** What a run did, one count per room: newly configured, activated (or re-subscribed), already syncing, failed. */
    public record Summary(int created, int activated, int unchanged, int failed) {
        public int syncing() {
            return created + activated + unchanged;
        }
    }

    private final Tx tx;
    private final ExchangeSandbox sandbox;
    private final WebhookRegistry webhooks;
    private final SyncConfigurationService configurations;
    private final SubscriptionService subscriptions;
    private final CompletableFuture<Summary> done = new CompletableFuture<>();
    private volatile Thread worker;

    public DemoTwoWaySync(Tx tx, ExchangeSandbox sandbox, WebhookRegistry webhooks, SyncConfigurationService configurations,
                          SubscriptionService subscriptions) {
        this.tx = tx;
        this.sandbox = sandbox;
        this.webhooks = webhooks;
        this.configurations = configurations;
        this.subscriptions = subscriptions;
    }

    /** Starts {@link #run} on a background thread; {@link #done()} completes when it has finished. */
    public void startInBackground(int serverPort) {
        Thread t = new Thread(() -> {
            try {
                done.complete(run("http://localhost:" + serverPort));
            } catch (RuntimeException e) {
                if (!Thread.currentThread().isInterrupted()) log.warn("Demo two-way sync could not be set up", e);
                done.completeExceptionally(e);
            }
        }, "demo-two-way-sync");
        t.setDaemon(true);
        worker = t;
        t.start();
    }

    /** Completes with the summary when the background set-up has finished. */
    public CompletableFuture<Summary> done() {
        return done;
    }

    /**
     * Points the demo tenant's webhook at {@code callbackBase} and makes every active room with a mailbox sync.
     * The sandbox runs in this process, so plain http on localhost reaches us (the sandbox accepts it for loopback).
     */
    public Summary run(String callbackBase) {
        CurrentUser admin = DemoExchange.demoAdmin(tx);
        if (!callbackBase.equals(webhooks.callbackBase(admin.tenant()))) webhooks.update(admin, SOURCE, callbackBase);
        String notificationUrl = callbackBase + WebhookRegistry.NOTIFICATIONS_PATH;
        Map<String, String> sandboxUrls = sandbox.subscriptionsOf(sandbox.tenant(DemoDirectory.TENANT_ID)).stream()
                .collect(Collectors.toMap(ExchangeSandbox.SubscriptionInfo::id, ExchangeSandbox.SubscriptionInfo::notificationUrl));
        long providerId = tx.call(s -> s.createSelectionQuery(
                        "select id from CalendarProvider where tenantId = :t and name = :n", Long.class)
                .setParameter("t", admin.tenant()).setParameter("n", DemoExchange.PROVIDER_NAME).getSingleResult());
        List<Reservable> rooms = tx.call(s -> s.createSelectionQuery("""
                        from Reservable where tenantId = :t and kind = :room and active = true and email is not null
                        order by id""", Reservable.class)
                .setParameter("t", admin.tenant()).setParameter("room", ReservableKind.ROOM).getResultList());
        Map<Long, SyncConfiguration> existing = tx.call(s -> s.createSelectionQuery(
                        "from SyncConfiguration where tenantId = :t", SyncConfiguration.class)
                .setParameter("t", admin.tenant()).getResultList()).stream()
                .collect(Collectors.toMap(c -> c.reservableId, Function.identity()));

        int created = 0;
        int activated = 0;
        int unchanged = 0;
        int failed = 0;
        for (Reservable room : rooms) {
            if (Thread.currentThread().isInterrupted()) break;
            SyncConfiguration config = existing.get(room.id);
            // A room an admin configured for another provider is theirs to keep.
            if (config != null && config.providerId != providerId) continue;
            try {
                SubscriptionService.Outcome outcome;
                boolean creating = config == null;
                if (creating) {
                    config = configurations.create(admin, SOURCE,
                            new SyncConfigurationService.Input(room.id, providerId, room.email, Boolean.FALSE));
                    outcome = configurations.activate(admin, SOURCE, config.id);
                } else {
                    Subscription sub = subscriptionOf(config.id);
                    boolean subscribed = config.active && sub != null && sub.status == SubscriptionStatus.ACTIVE
                            && sub.graphSubscriptionId != null;
                    if (subscribed && notificationUrl.equals(sandboxUrls.get(sub.graphSubscriptionId))) {
                        unchanged++;
                        continue;
                    }
                    // Lost by the sandbox (expired while the demo was off) or calling an old port: a new one, in full.
                    outcome = subscribed ? subscriptions.recreate(sub.id) : configurations.activate(admin, SOURCE, config.id);
                }
                if (!outcome.ok()) {
                    failed++;
                    log.warn("Demo two-way sync: {} does not sync: {}", room.name, outcome.message());
                } else if (creating) {
                    created++;
                } else {
                    activated++;
                }
            } catch (RuntimeException e) {
                if (Thread.currentThread().isInterrupted()) break;
                failed++;
                log.warn("Demo two-way sync: {} does not sync: {}", room.name, e.getMessage());
            }
        }
        Summary summary = new Summary(created, activated, unchanged, failed);
        log.info("Demo two-way sync: {} rooms sync with the Exchange sandbox, webhook at {} ({} configured now, {} activated, "
                + "{} already syncing, {} failed)", summary.syncing(), callbackBase, created, activated, unchanged, failed);
        return summary;
    }

    private Subscription subscriptionOf(long configurationId) {
        return tx.call(s -> s.createSelectionQuery("from Subscription where syncConfigurationId = :c", Subscription.class)
                .setParameter("c", configurationId).uniqueResult());
    }

    /** Stops a set-up still running (the app is closing). */
    @Override
    public void close() {
        Thread t = worker;
        if (t == null) return;
        t.interrupt();
        try {
            t.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
