package io.roomsync.support;

import io.roomsync.calendar.InboundSync;
import io.roomsync.calendar.InboxItem;
import io.roomsync.calendar.Subscription;
import io.roomsync.calendar.SubscriptionStatus;
import io.roomsync.location.Reservable;
import io.roomsync.reservation.Reservation;
import io.roomsync.sandbox.ExchangeSandbox;
import io.roomsync.sandbox.SandboxClock;
import io.roomsync.tenant.User;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Inbound sync against a fresh Exchange sandbox: the {@link SyncWorld} of contoso.test plus carol, whom the sandbox
 * knows and Roomsync does not, and an active sync configuration plus subscription per room (written directly:
 * activation is not what these tests are about). Meetings are made in {@link #outlook}, and pulls run through the
 * real "inbox" job.
 */
public final class SyncSandboxInbound extends SyncWorld {
    /** Each change waits for the sandbox to settle: these tests notify and pull by hand once it is in the room's calendar. */
    public final Outlook outlook = new Outlook(sandbox, true);
    public final Subscription auroraSubscription;
    public final Subscription borealisSubscription;
    /** Roomsync's clock (real time unless the test moves it); the sandbox keeps its own, so delta links do not age. */
    public final SandboxClock clock;

    public SyncSandboxInbound() {
        this(TestDatabases.Kind.MARIADB);
    }

    public SyncSandboxInbound(TestDatabases.Kind database) {
        this(database, SandboxClock.system());
    }

    private SyncSandboxInbound(TestDatabases.Kind database, SandboxClock clock) {
        super(ExchangeSandbox.builder().build().start(), TestApp.start(database, clock, Map.of()),
                "contoso.test", "Contoso", null);
        this.clock = clock;
        sandbox.addUser(sandboxTenant, "carol@contoso.test", "Carol Cole");
        // Roomsync knows Ann with capitals and Outlook names her in lower case: the tests see organizers matched ignoring case.
        app.app.tx.run(s -> s.find(User.class, ann.id).setEmail("Ann@Contoso.test"));
        ann.setEmail("Ann@Contoso.test");
        auroraSubscription = app.fixtures.subscription(aurora, provider, aurora.email, SubscriptionStatus.ACTIVE, sub -> {});
        borealisSubscription = app.fixtures.subscription(borealis, provider, borealis.email, SubscriptionStatus.ACTIVE, sub -> {});
    }

    /** Webhook notifications as the webhook stores them (CHANGE items for the room's subscription), in one transaction. */
    public void notifyChange(Subscription sub, int count) {
        app.app.tx.run(s -> {
            Instant now = Instant.now();
            for (int n = 0; n < count; n++) {
                InboxItem i = new InboxItem();
                i.tenantId = sub.tenantId;
                i.subscriptionId = sub.id;
                i.kind = InboxItem.Kind.CHANGE;
                i.changeType = "updated";
                i.receivedAt = now;
                i.nextAttemptAt = now;
                s.persist(i);
            }
        });
    }

    public void notifyChange(Subscription sub) {
        notifyChange(sub, 1);
    }

    /**
     * Runs the inbox job once on this thread, then waits until no item is claimed: the job also runs on its own
     * schedule, and a run of it that claimed the items first must finish before the test looks.
     */
    public void drain() {
        app.app.jobs.runNow(InboundSync.JOB);
        DemoSync.await("no inbox item is claimed", Duration.ofSeconds(30), () -> app.app.tx.call(s -> s.createSelectionQuery(
                        "select count(*) from InboxItem where claimedBy is not null and claimedUntil > :now", Long.class)
                .setParameter("now", Instant.now()).getSingleResult()) == 0);
    }

    /** Notifies a change of the room and runs the inbox job. */
    public void sync(Subscription sub) {
        notifyChange(sub);
        drain();
    }

    public List<Reservation> reservations(Reservable room) {
        return app.app.tx.call(s -> s.createSelectionQuery("from Reservation where reservableId = :r order by id", Reservation.class)
                .setParameter("r", room.id).getResultList());
    }

    public List<InboxItem> inbox() {
        return app.app.tx.call(s -> s.createSelectionQuery("from InboxItem order by id", InboxItem.class).getResultList());
    }

    public Subscription subscription(Subscription sub) {
        return app.app.tx.call(s -> s.find(Subscription.class, sub.id));
    }
}
