package io.roomsync.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.roomsync.calendar.CalendarProvider;
import io.roomsync.calendar.ProviderService;
import io.roomsync.sandbox.DemoDirectory;
import io.roomsync.support.TestApp;
import io.roomsync.support.TestDatabases;
import io.roomsync.tenant.Tenant;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoExchangeTest {

    @Test
    void the_demo_tenant_has_a_provider_pointing_at_the_built_in_sandbox_once_across_restarts() {
        try (TestApp app = TestApp.start(TestDatabases.Kind.MARIADB, Clock.systemUTC(), Map.of("ROOMSYNC_DEMO", "true"))) {
            long contoso = app.app.tx.call(s -> s.createSelectionQuery("from Tenant where slug = 'contoso'", Tenant.class).getSingleResult().id);
            new DemoExchange(app.app.tx, app.app.connections, app.app.providers).wire(app.app.exchangeSandbox); // as on a restart

            List<CalendarProvider> providers = app.app.providers.list(contoso).stream().map(ProviderService.ProviderView::provider).toList();
            assertEquals(1, providers.size());
            ProviderService.GraphSettings graph = app.app.providers.graphSettings(contoso, providers.get(0).id);
            assertEquals(app.app.exchangeSandbox.origin(), graph.graphBaseUrl(), "the Graph root; the client adds /v1.0");
            assertEquals(DemoDirectory.TENANT_ID, graph.entraTenantId());
            assertEquals(DemoDirectory.CLIENT_ID, graph.system().clientId());
            assertEquals(1, graph.trustedCertificates().size(), "the sandbox's certificate is trusted through the provider's CA field");
            String stored = app.app.tx.call(s -> (String) s.createNativeQuery(
                    "select client_secret_enc from calendar_connection where tenant_id = " + contoso, String.class).getSingleResult());
            assertTrue(stored.startsWith("v1:") && !stored.contains(DemoDirectory.CLIENT_SECRET), "the demo secret is encrypted at rest");
        }
    }
}
