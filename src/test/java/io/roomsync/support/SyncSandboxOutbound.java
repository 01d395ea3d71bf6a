package io.roomsync.support;

import io.roomsync.calendar.SyncConfiguration;
import io.roomsync.calendar.SyncEvent;
import io.roomsync.location.Reservable;
import io.roomsync.reservation.Reservation;
import io.roomsync.sandbox.ExchangeSandbox;
import io.roomsync.sandbox.SandboxClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Outbound sync against a fresh Exchange sandbox: the {@link SyncWorld} of the domain, on MariaDB with a clock the
 * test can move forward, plus a delegated mailbox the provider books through, and an ACTIVE sync configuration per
 * room written directly (activation itself belongs to the subscriptions feature).
 */
public final class SyncSandboxOutbound extends SyncWorld {
    /** Roomsync's clock: it stands still unless the test moves it (the sandbox keeps its own, real time). */
    public final SandboxClock clock;
    public final String delegate;
    /** For reading mailboxes: these tests change Exchange only through Roomsync, so there is nothing to settle. */
    public final Outlook outlook = new Outlook(sandbox, false);

    public SyncSandboxOutbound(String domain) {
        this(frozenClock(), domain, "roomsync.delegate@" + domain);
    }

    /** Now, standing still until {@link SandboxClock#advance} moves it. */
    public static SandboxClock frozenClock() {
        return new SandboxClock(Clock.fixed(Instant.now(), ZoneOffset.UTC));
    }

    private SyncSandboxOutbound(SandboxClock clock, String domain, String delegate) {
        super(ExchangeSandbox.builder().build().start(), TestApp.start(TestDatabases.Kind.MARIADB, clock, Map.of()), domain,
                "Outbound " + domain, delegate);
        this.clock = clock;
        this.delegate = delegate;
        configure(aurora, false);
        configure(borealis, false);
    }

    /** An active sync configuration for the room (replacing its flags when it exists). */
    public void configure(Reservable room, boolean noRequest) {
        SyncConfiguration existing = app.app.tx.call(s -> s.createSelectionQuery(
                        "from SyncConfiguration where reservableId = :r", SyncConfiguration.class)
                .setParameter("r", room.id).uniqueResult());
        long id = (existing != null ? existing : app.fixtures.syncConfiguration(room, provider, room.email)).id;
        app.app.tx.run(s -> {
            SyncConfiguration c = s.find(SyncConfiguration.class, id);
            c.active = true;
            c.noRequest = noRequest;
            c.updatedAt = Instant.now();
        });
    }

    public void mode(String mode) {
        app.app.properties.save(app.fixtures.signedIn(admin), "test", Map.of("sync_integration_mode", mode));
    }

    public Reservation reservation(long id) {
        return app.app.tx.call(s -> s.find(Reservation.class, id));
    }

    /** The outbound sync events of a reservation, oldest first. */
    public List<SyncEvent> events(long reservationId) {
        return app.app.tx.call(s -> s.createSelectionQuery("from SyncEvent where reservationId = :r order by id", SyncEvent.class)
                .setParameter("r", reservationId).getResultList());
    }

    /** Polls until the condition holds (or fails after 20 s): background workers and the booking assistant take a moment. */
    public static void await(String what, Supplier<Boolean> condition) {
        DemoSync.await(what, Duration.ofSeconds(20), condition::get);
    }

    public void awaitSandboxIdle() throws InterruptedException {
        if (!sandbox.awaitIdle(Duration.ofSeconds(20))) throw new AssertionError("The sandbox did not settle");
    }
}
