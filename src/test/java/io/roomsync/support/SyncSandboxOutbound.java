package io.roomsync.support;

import io.roomsync.calendar.CalendarProvider;
import io.roomsync.calendar.Connection;
import io.roomsync.calendar.ConnectionService;
import io.roomsync.calendar.ProviderService;
import io.roomsync.calendar.SyncConfiguration;
import io.roomsync.calendar.SyncEvent;
import io.roomsync.location.Building;
import io.roomsync.location.Reservable;
import io.roomsync.reservation.Reservation;
import io.roomsync.sandbox.Directory;
import io.roomsync.sandbox.ExchangeSandbox;
import io.roomsync.tenant.Role;
import io.roomsync.tenant.Tenant;
import io.roomsync.tenant.User;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Outbound sync against a fresh Exchange sandbox: in the sandbox a tenant, the Roomsync app registration, two people,
 * a delegated mailbox and two rooms; in Roomsync (on MariaDB, with a clock the test can move forward) a tenant with
 * users of the same e-mails, a building with the two rooms, an app-only connection and a Custom-cloud provider
 * pointing at the sandbox (authority host, Graph base URL, trusted CA), and an ACTIVE sync configuration per room
 * written directly (activation itself belongs to the subscriptions feature).
 */
public final class SyncSandboxOutbound implements AutoCloseable {
    public static final String SECRET = "outbound-secret";

    /** A clock that stands still unless the test moves it (the sandbox keeps its own, real time). */
    public static final class MovableClock extends Clock {
        private final AtomicReference<Instant> now = new AtomicReference<>(Instant.now());

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        public void advance(Duration d) {
            now.updateAndGet(i -> i.plus(d));
        }
    }

    public final MovableClock clock = new MovableClock();
    public final ExchangeSandbox sandbox;
    public final Directory.Tenant sandboxTenant;
    public final TestApp app;
    public final Tenant tenant;
    public final User ann;
    public final User bob;
    public final User admin;
    public final User syncAdmin;
    public final Building building;
    public final Reservable aurora;
    public final Reservable borealis;
    public final CalendarProvider provider;
    public final String delegate;

    public SyncSandboxOutbound(String domain) {
        sandbox = ExchangeSandbox.builder().build().start();
        sandboxTenant = sandbox.addTenant(domain, "Contoso " + domain);
        Directory.App registration = sandbox.addApp(sandboxTenant, null, "Roomsync", SECRET);
        sandbox.addUser(sandboxTenant, "ann@" + domain, "Ann Archer");
        sandbox.addUser(sandboxTenant, "bob@" + domain, "Bob Baker");
        delegate = "roomsync.delegate@" + domain;
        sandbox.addUser(sandboxTenant, delegate, "Roomsync bookings");
        sandbox.addRoom(sandboxTenant, "aurora@" + domain, "Aurora", r -> r.capacity = 8);
        sandbox.addRoom(sandboxTenant, "borealis@" + domain, "Borealis", r -> r.capacity = 4);

        app = TestApp.start(TestDatabases.Kind.MARIADB, clock, Map.of());
        Fixtures f = app.fixtures;
        tenant = f.tenant("Outbound " + domain);
        ann = f.user(tenant, "ann@" + domain);
        bob = f.user(tenant, "bob@" + domain);
        admin = f.user(tenant, "admin@" + domain, Role.TENANT_ADMIN);
        syncAdmin = f.user(tenant, "sync@" + domain, Role.SYNC_ADMIN);
        building = f.building(tenant, "HQ", "Europe/Berlin");
        aurora = room("Aurora", "aurora@" + domain, 8);
        borealis = room("Borealis", "borealis@" + domain, 4);

        var actor = f.signedIn(admin);
        Connection connection = app.app.connections.create(actor, "test", new ConnectionService.ConnectionInput("Sandbox app",
                "APP_ONLY", registration.clientId, "SECRET", SECRET, null, null, null, null, null, Boolean.TRUE));
        provider = app.app.providers.create(actor, "test", new ProviderService.ProviderInput("Sandbox Exchange", null, Boolean.TRUE,
                null, "CUSTOM", sandbox.authorityHost(), sandbox.origin(), sandboxTenant.id, connection.id, null, delegate,
                sandbox.certificatePem(), false, null, null, null, null, Boolean.FALSE, null, null));
        configure(aurora, false);
        configure(borealis, false);
    }

    private Reservable room(String name, String email, int capacity) {
        Reservable r = app.fixtures.room(building, null, name, capacity);
        app.app.tx.run(s -> s.find(Reservable.class, r.id).email = email);
        r.email = email;
        app.app.tx.run(s -> s.find(Reservable.class, r.id).active = true);
        return r;
    }

    /** An active sync configuration for the room (replacing its flags when it exists). */
    public void configure(Reservable room, boolean noRequest) {
        app.app.tx.run(s -> {
            SyncConfiguration c = s.createSelectionQuery("from SyncConfiguration where reservableId = :r", SyncConfiguration.class)
                    .setParameter("r", room.id).uniqueResult();
            Instant now = Instant.now();
            if (c == null) {
                c = new SyncConfiguration();
                c.tenantId = room.tenantId;
                c.reservableId = room.id;
                c.providerId = provider.id;
                c.mailboxEmail = room.email;
                c.mailboxLower = room.email.toLowerCase();
                c.createdAt = now;
                c.updatedAt = now;
                c.active = true;
                c.noRequest = noRequest;
                s.persist(c);
            } else {
                c.active = true;
                c.noRequest = noRequest;
                c.updatedAt = now;
            }
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
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.get()) {
            if (System.nanoTime() > deadline) throw new AssertionError("Timed out waiting until " + what);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    public void awaitSandboxIdle() throws InterruptedException {
        if (!sandbox.awaitIdle(Duration.ofSeconds(20))) throw new AssertionError("The sandbox did not settle");
    }

    @Override
    public void close() {
        app.close();
        sandbox.close();
    }
}
