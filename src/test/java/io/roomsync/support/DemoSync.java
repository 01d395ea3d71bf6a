package io.roomsync.support;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.roomsync.calendar.SubscriptionService;
import io.roomsync.calendar.SyncConfiguration;
import io.roomsync.calendar.SyncConfigurationService;
import io.roomsync.demo.DemoExchange;
import io.roomsync.demo.DemoSeeder;
import io.roomsync.location.Reservable;
import io.roomsync.location.ReservableKind;
import io.roomsync.sandbox.ExchangeSandbox;
import io.roomsync.tenant.CurrentUser;
import io.roomsync.tenant.Role;
import io.roomsync.tenant.Tenant;
import io.roomsync.tenant.User;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The whole two-way sync as a customer runs it: a Roomsync server in demo mode on MariaDB (the Contoso tenant,
 * its rooms with mailboxes, the provider wired to the built-in Exchange sandbox over HTTPS), its webhook registered
 * at the server's real address so Graph's notifications come back through HTTP. Rooms sync once {@link #activate}d.
 */
public final class DemoSync implements AutoCloseable {
    public final TestApp app;
    public final ExchangeSandbox sandbox;
    public final Tenant contoso;
    public final long providerId;
    public final User syncAdmin;
    public final CurrentUser syncAdminActor;

    private DemoSync(TestApp app) {
        this.app = app;
        this.sandbox = app.app.exchangeSandbox;
        this.contoso = app.app.tx.call(s -> s.createSelectionQuery("from Tenant where slug = :s", Tenant.class)
                .setParameter("s", DemoSeeder.SLUG).getSingleResult());
        this.providerId = app.app.tx.call(s -> s.createSelectionQuery(
                        "select id from CalendarProvider where tenantId = :t and name = :n", Long.class)
                .setParameter("t", contoso.id).setParameter("n", DemoExchange.PROVIDER_NAME).getSingleResult());
        this.syncAdmin = app.fixtures.user(contoso, "sync.e2e@" + "contoso.example", Role.SYNC_ADMIN);
        this.syncAdminActor = app.fixtures.signedIn(syncAdmin);
        // Graph calls the real server back; plain http is accepted for loopback addresses.
        app.app.webhookRegistry.update(syncAdminActor, "test", app.baseUrl);
    }

    /** A fresh server and sandbox; {@code extraEnv} adds settings. Graph's duplicate deliveries are off unless asked for. */
    public static DemoSync start(Map<String, String> extraEnv) {
        return start(Clock.systemUTC(), extraEnv);
    }

    public static DemoSync start(Clock clock, Map<String, String> extraEnv) {
        Map<String, String> env = new HashMap<>(extraEnv);
        env.put("ROOMSYNC_DEMO", "true");
        DemoSync sync = new DemoSync(TestApp.start(TestDatabases.Kind.MARIADB, clock, env));
        sync.sandbox.setDuplicateNotifications(0, 1);
        return sync;
    }

    /** The demo tenant's rooms that have a mailbox, in a stable order. */
    public List<Reservable> rooms() {
        return app.app.tx.call(s -> s.createSelectionQuery(
                        "from Reservable where tenantId = :t and kind = :k and email is not null order by id", Reservable.class)
                .setParameter("t", contoso.id).setParameter("k", ReservableKind.ROOM).getResultList());
    }

    /** A demo person, e.g. "alex@contoso.example". */
    public User person(String email) {
        return app.app.tx.call(s -> s.createSelectionQuery("from User where tenantId = :t and emailLower = :e", User.class)
                .setParameter("t", contoso.id).setParameter("e", email.toLowerCase()).getSingleResult());
    }

    /** Creates the room's sync configuration (or finds it) and activates it: a Graph subscription through the handshake. */
    public long activate(Reservable room) {
        SyncConfiguration existing = app.app.tx.call(s -> s.createSelectionQuery(
                        "from SyncConfiguration where reservableId = :r", SyncConfiguration.class)
                .setParameter("r", room.id).getResultStream().findFirst().orElse(null));
        long id = existing != null ? existing.id : app.app.syncConfigurations.create(syncAdminActor, "test",
                new SyncConfigurationService.Input(room.id, providerId, room.email, false)).id;
        SubscriptionService.Outcome outcome = app.app.syncConfigurations.activate(syncAdminActor, "test", id);
        assertTrue(outcome.ok(), "activating " + room.name + ": " + outcome);
        return id;
    }

    /** Polls until the condition holds; fails with {@code what} after the timeout. */
    public static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("Timed out waiting for: " + what);
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted waiting for: " + what);
            }
        }
    }

    @Override
    public void close() {
        app.close();
    }
}
