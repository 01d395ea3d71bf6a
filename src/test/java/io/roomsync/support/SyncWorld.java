package io.roomsync.support;

import io.roomsync.calendar.CalendarProvider;
import io.roomsync.calendar.Connection;
import io.roomsync.calendar.ConnectionService;
import io.roomsync.calendar.ProviderService;
import io.roomsync.location.Building;
import io.roomsync.location.Reservable;
import io.roomsync.sandbox.Directory;
import io.roomsync.sandbox.ExchangeSandbox;
import io.roomsync.tenant.CurrentUser;
import io.roomsync.tenant.Role;
import io.roomsync.tenant.Tenant;
import io.roomsync.tenant.User;

/**
 * The company the sync fixtures start from, as the Exchange sandbox and Roomsync both know it: in the sandbox a
 * tenant with the Roomsync app registration, ann and bob, rooms aurora (8 seats) and borealis (4); in Roomsync a
 * tenant with the same people, a tenant admin and a sync admin, a building with the same rooms and their mailboxes,
 * and a Custom-cloud provider pointing at the sandbox (authority host, Graph base URL, trusted CA) with an app-only
 * connection. How the rooms get synced is each fixture's own business.
 */
public abstract class SyncWorld implements AutoCloseable {
    static final String SECRET = "sync-world-secret";

    public final ExchangeSandbox sandbox;
    /** The Roomsync the world was written through (for {@link SyncNodes}, the first node). */
    public final TestApp app;
    public final Directory.Tenant sandboxTenant;
    public final Tenant tenant;
    public final User ann;
    public final User bob;
    public final User admin;
    public final User syncAdmin;
    public final Building building;
    public final Reservable aurora;
    public final Reservable borealis;
    public final CalendarProvider provider;

    /** {@code delegate}: a mailbox the provider books through, added to the sandbox; null for none. */
    SyncWorld(ExchangeSandbox sandbox, TestApp app, String domain, String name, String delegate) {
        this.sandbox = sandbox;
        this.app = app;
        try {
            sandboxTenant = sandbox.addTenant(domain, name);
            Directory.App registration = sandbox.addApp(sandboxTenant, null, "Roomsync", SECRET);
            sandbox.addUser(sandboxTenant, "ann@" + domain, "Ann Archer");
            sandbox.addUser(sandboxTenant, "bob@" + domain, "Bob Baker");
            if (delegate != null) sandbox.addUser(sandboxTenant, delegate, "Roomsync bookings");
            sandbox.addRoom(sandboxTenant, "aurora@" + domain, "Aurora", r -> r.capacity = 8);
            sandbox.addRoom(sandboxTenant, "borealis@" + domain, "Borealis", r -> r.capacity = 4);

            Fixtures f = app.fixtures;
            tenant = f.tenant(name);
            ann = f.user(tenant, "ann@" + domain);
            bob = f.user(tenant, "bob@" + domain);
            admin = f.user(tenant, "admin@" + domain, Role.TENANT_ADMIN);
            syncAdmin = f.user(tenant, "sync@" + domain, Role.SYNC_ADMIN);
            building = f.building(tenant, "HQ", "Europe/Berlin");
            aurora = f.room(building, "Aurora", 8, "aurora@" + domain);
            borealis = f.room(building, "Borealis", 4, "borealis@" + domain);

            CurrentUser actor = f.signedIn(admin);
            Connection connection = app.app.connections.create(actor, "test", new ConnectionService.ConnectionInput("Sandbox app",
                    "APP_ONLY", registration.clientId, "SECRET", SECRET, null, null, null, null, null, Boolean.TRUE));
            provider = app.app.providers.create(actor, "test", new ProviderService.ProviderInput("Sandbox Exchange", null, Boolean.TRUE,
                    null, "CUSTOM", sandbox.authorityHost(), sandbox.origin(), sandboxTenant.id, connection.id, null, delegate,
                    sandbox.certificatePem(), false, null, null, null, null, Boolean.FALSE, null, null));
        } catch (RuntimeException e) {
            // A fixture that fails to build is never closed by its test; the sandbox's server and the app's pool would outlive it.
            app.close();
            sandbox.close();
            throw e;
        }
    }

    @Override
    public void close() {
        app.close();
        sandbox.close();
    }
}
