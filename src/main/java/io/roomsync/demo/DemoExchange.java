package io.roomsync.demo;

import io.roomsync.calendar.CalendarProvider;
import io.roomsync.calendar.Connection;
import io.roomsync.calendar.ConnectionService;
import io.roomsync.calendar.ProviderService;
import io.roomsync.db.Tx;
import io.roomsync.sandbox.DemoDirectory;
import io.roomsync.sandbox.ExchangeSandbox;
import io.roomsync.tenant.CurrentUser;
import io.roomsync.tenant.Tenant;
import io.roomsync.tenant.User;
import java.util.Set;

/**
 * Points the demo tenant at the built-in Exchange sandbox the way a customer points a tenant at Exchange Online:
 * an app-only connection (the sandbox's demo app registration) and a provider on the Custom cloud whose endpoints
 * and trusted CA are the sandbox's. Runs on every demo start, so a changed sandbox port or certificate is picked up.
 */
public final class DemoExchange {
    public static final String PROVIDER_NAME = "Contoso Exchange (sandbox)";
    public static final String CONNECTION_NAME = "Contoso sandbox app";
    private static final String SOURCE = "system";

    private final Tx tx;
    private final ConnectionService connections;
    private final ProviderService providers;

    public DemoExchange(Tx tx, ConnectionService connections, ProviderService providers) {
        this.tx = tx;
        this.connections = connections;
        this.providers = providers;
    }

    public void wire(ExchangeSandbox sandbox) {
        CurrentUser admin = demoAdmin(tx);
        Connection connection = connections.list(admin.tenant()).stream()
                .filter(c -> c.name.equals(CONNECTION_NAME)).findFirst()
                .orElseGet(() -> connections.create(admin, SOURCE, new ConnectionService.ConnectionInput(CONNECTION_NAME, "APP_ONLY",
                        DemoDirectory.CLIENT_ID, "SECRET", DemoDirectory.CLIENT_SECRET, null, null, null, null, null, Boolean.TRUE)));
        ProviderService.ProviderInput input = new ProviderService.ProviderInput(PROVIDER_NAME,
                "The built-in Exchange sandbox standing in for Exchange Online in demo mode.", Boolean.TRUE, null, "CUSTOM",
                sandbox.authorityHost(), sandbox.origin(), DemoDirectory.TENANT_ID, connection.id, null,
                "roomsync.delegate@" + DemoDirectory.DOMAIN, sandbox.certificatePem(), false, null, null, null, null,
                Boolean.FALSE, null, null);
        CalendarProvider existing = providers.list(admin.tenant()).stream().map(ProviderService.ProviderView::provider)
                .filter(p -> p.name.equals(PROVIDER_NAME)).findFirst().orElse(null);
        if (existing == null) {
            providers.create(admin, SOURCE, input);
        } else {
            providers.update(admin, SOURCE, existing.id, input);
        }
    }

    /** The demo's tenant admin, as the actor of the set-up (so the audit log says who configured it). */
    static CurrentUser demoAdmin(Tx tx) {
        return tx.call(s -> {
            Tenant contoso = s.createSelectionQuery("from Tenant where slug = :slug", Tenant.class)
                    .setParameter("slug", DemoSeeder.SLUG).getSingleResult();
            User adele = s.createSelectionQuery("from User where tenantId = :t and emailLower = :e", User.class)
                    .setParameter("t", contoso.id).setParameter("e", "adele@contoso.example").getSingleResult();
            return new CurrentUser(adele.id, adele.tenantId, adele.email, adele.displayName, adele.timeZone,
                    Set.copyOf(adele.roles), null, false);
        });
    }
}
