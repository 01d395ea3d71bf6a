package io.roomsync.calendar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.roomsync.sandbox.Directory;
import io.roomsync.sandbox.ExchangeSandbox;
import io.roomsync.support.TestApp;
import io.roomsync.support.TestDatabases;
import io.roomsync.support.WebClient;
import io.roomsync.tenant.CurrentUser;
import io.roomsync.tenant.Role;
import io.roomsync.tenant.Tenant;
import io.roomsync.tenant.User;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * "Test connection" against the Exchange sandbox over HTTPS through the real msal4j and Graph SDK: success, and each
 * failure an admin must be able to act on. Each failing scenario gets its own sandbox tenant, so one switch does not
 * leak into another.
 */
class ProviderCheckTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SECRET = "the-right-secret-" + UUID.randomUUID();
    static TestApp app;
    static ExchangeSandbox sandbox;
    static Tenant acme;
    static Tenant globex;
    static User admin;
    static CurrentUser actor;
    static String adminToken;
    static String syncToken;
    static String employeeToken;
    static String globexToken;
    static Directory.Tenant contoso;
    static Directory.App contosoApp;

    @BeforeAll
    static void start() {
        sandbox = ExchangeSandbox.builder().build().start();
        contoso = sandbox.addTenant("contoso-check.test", "Contoso");
        contosoApp = sandbox.addApp(contoso, null, "Roomsync", SECRET);
        sandbox.addRoom(contoso, "aurora@contoso-check.test", "Aurora", r -> r.capacity = 8);
        sandbox.addRoom(contoso, "borealis@contoso-check.test", "Borealis", r -> r.capacity = 4);

        app = TestApp.start(TestDatabases.Kind.MARIADB, Clock.systemUTC(), Map.of());
        acme = app.fixtures.tenant("Acme");
        globex = app.fixtures.tenant("Globex");
        admin = app.fixtures.user(acme, "admin@acme.test", Role.TENANT_ADMIN);
        actor = app.fixtures.signedIn(admin);
        adminToken = app.fixtures.apiToken(admin);
        syncToken = app.fixtures.apiToken(app.fixtures.user(acme, "sync@acme.test", Role.SYNC_ADMIN));
        employeeToken = app.fixtures.apiToken(app.fixtures.user(acme, "emp@acme.test"));
        globexToken = app.fixtures.apiToken(app.fixtures.user(globex, "admin@globex.test", Role.TENANT_ADMIN));
    }

    @AfterAll
    static void stop() {
        if (app != null) app.close();
        if (sandbox != null) sandbox.close();
    }

    /** A provider of Acme on the sandbox's custom cloud, with its own app-only connection. */
    static long provider(String entraTenant, String clientId, String secret, boolean trustSandbox, String proxyHost, Integer proxyPort) {
        String name = "P " + UUID.randomUUID().toString().substring(0, 8);
        Connection c = app.app.connections.create(actor, "test", new ConnectionService.ConnectionInput(name + " app", "APP_ONLY",
                clientId, "SECRET", secret, null, null, null, null, null, Boolean.FALSE));
        return app.app.providers.create(actor, "test", new ProviderService.ProviderInput(name, null, Boolean.TRUE, null, "CUSTOM",
                sandbox.authorityHost(), sandbox.origin(), entraTenant, c.id, null, null, trustSandbox ? sandbox.certificatePem() : null,
                false, proxyHost, proxyPort, null, null, Boolean.FALSE, null, null)).id;
    }

    static long provider(Directory.Tenant tenant, Directory.App sandboxApp, String secret) {
        return provider(tenant.id, sandboxApp.clientId, secret, true, null, null);
    }

    static JsonNode test(long providerId, String query) throws Exception {
        WebClient.Response r = app.client().api("POST", "/api/v1/providers/" + providerId + "/test" + query, adminToken, null);
        assertEquals(200, r.status(), r.body());
        assertFalse(r.body().contains(SECRET), "the secret never appears in the result");
        return JSON.readTree(r.body());
    }

    static JsonNode step(JsonNode result, String id) {
        for (JsonNode s : result.get("steps")) if (s.get("id").asText().equals(id)) return s;
        throw new AssertionError("no step " + id + " in " + result);
    }

    static void assertFailure(JsonNode result, String problem, String failedStep) {
        assertFalse(result.get("ok").asBoolean(), result.toString());
        assertEquals(problem, result.get("problem").asText(), result.toString());
        assertEquals("FAILED", step(result, failedStep).get("outcome").asText(), result.toString());
        assertEquals(3, result.get("steps").size(), "every step is listed, the ones after the failure as skipped: " + result);
    }

    static String message(JsonNode result, String stepId) {
        return step(result, stepId).get("message").asText();
    }

    @Test
    void a_working_provider_reports_token_rooms_and_the_calendar_it_read() throws Exception {
        long id = provider(contoso, contosoApp, SECRET);
        JsonNode r = test(id, "");
        assertTrue(r.get("ok").asBoolean(), r.toString());
        assertTrue(r.get("problem").isNull());
        for (String s : List.of("token", "rooms", "calendar")) assertEquals("OK", step(r, s).get("outcome").asText(), r.toString());
        assertEquals(2, r.get("roomsFound").asInt());
        assertTrue(r.get("mailbox").asText().endsWith("@contoso-check.test"));
        assertTrue(r.hasNonNull("tokenExpiresAt"));
        assertTrue(r.hasNonNull("requestId"), "Graph's request-id of the last call is kept");
        assertTrue(message(r, "rooms").contains("Found 2 rooms"), r.toString());
        assertTrue(message(r, "calendar").contains(r.get("mailbox").asText()), "names the mailbox it read");
    }

    @Test
    void the_room_read_is_one_roomsync_syncs_when_places_lists_it() throws Exception {
        var building = app.fixtures.building(acme, "HQ");
        var room = app.fixtures.room(building, null, "Borealis", 6);
        app.app.tx.run(s -> s.createMutationQuery("update Reservable set email = 'Borealis@contoso-check.test' where id = :id")
                .setParameter("id", room.id).executeUpdate());
        try {
            JsonNode r = test(provider(contoso, contosoApp, SECRET), "");
            assertTrue(r.get("ok").asBoolean(), r.toString());
            assertEquals("borealis@contoso-check.test", r.get("mailbox").asText().toLowerCase());
            assertTrue(message(r, "rooms").contains("1 of them with a room in Roomsync"), r.toString());
        } finally {
            app.app.tx.run(s -> s.createMutationQuery("delete from Reservable where id = :id").setParameter("id", room.id).executeUpdate());
        }
    }

    @Test
    void a_wrong_secret_says_to_paste_the_secret_value() throws Exception {
        String wrong = "not-the-secret-" + UUID.randomUUID();
        JsonNode r = test(provider(contoso, contosoApp, wrong), "");
        assertFailure(r, "WRONG_SECRET", "token");
        assertTrue(message(r, "token").contains("AADSTS7000215"), r.toString());
        assertTrue(message(r, "token").contains("Value (not the Secret ID)"), r.toString());
        assertFalse(r.toString().contains(wrong), "the presented secret is not echoed");
        assertEquals("SKIPPED", step(r, "rooms").get("outcome").asText());
    }

    @Test
    void an_unknown_tenant_says_to_check_the_tenant_id_and_cloud() throws Exception {
        String unknown = UUID.randomUUID().toString();
        JsonNode r = test(provider(unknown, contosoApp.clientId, SECRET, true, null, null), "");
        assertFailure(r, "UNKNOWN_TENANT", "token");
        assertTrue(message(r, "token").contains(unknown) && message(r, "token").contains("AADSTS90002"), r.toString());
    }

    @Test
    void missing_admin_consent_is_reported_on_the_places_call_with_its_request_id() throws Exception {
        Directory.Tenant t = sandbox.addTenant("noconsent.test", "No consent");
        Directory.App a = sandbox.addApp(t, null, "Roomsync", SECRET);
        sandbox.addRoom(t, "room@noconsent.test", "Room", null);
        sandbox.setAdminConsent(a, false);
        JsonNode r = test(provider(t, a, SECRET), "");
        assertFailure(r, "CONSENT_MISSING", "rooms");
        assertEquals("OK", step(r, "token").get("outcome").asText(), "app tokens are issued without consent, just without roles");
        assertTrue(message(r, "rooms").contains("Place.Read.All") && message(r, "rooms").contains("Grant admin consent"), r.toString());
        assertTrue(step(r, "rooms").hasNonNull("requestId"));
        assertTrue(message(r, "rooms").contains(step(r, "rooms").get("requestId").asText()));
        assertEquals(step(r, "rooms").get("requestId").asText(), r.get("requestId").asText());
    }

    @Test
    void a_room_without_an_exchange_online_mailbox_is_named() throws Exception {
        Directory.Tenant t = sandbox.addTenant("onprem.test", "On premises");
        Directory.App a = sandbox.addApp(t, null, "Roomsync", SECRET);
        sandbox.addRoom(t, "legacy@onprem.test", "Legacy", null);
        sandbox.setMailboxEnabled("legacy@onprem.test", false);
        JsonNode r = test(provider(t, a, SECRET), "");
        assertFailure(r, "MAILBOX_NOT_ENABLED", "calendar");
        assertTrue(message(r, "calendar").contains("legacy@onprem.test") && message(r, "calendar").contains("MailboxNotEnabledForRESTAPI"), r.toString());
        assertTrue(step(r, "calendar").hasNonNull("requestId"));
    }

    @Test
    void an_application_access_policy_that_excludes_the_room_names_the_mailbox() throws Exception {
        Directory.Tenant t = sandbox.addTenant("policy.test", "Policy");
        Directory.App a = sandbox.addApp(t, null, "Roomsync", SECRET);
        sandbox.addRoom(t, "boardroom@policy.test", "Boardroom", null);
        sandbox.setAccessPolicy(a, new Directory.AccessPolicy(Directory.AccessPolicy.Right.RESTRICT_ACCESS, List.of("someone@policy.test")));
        JsonNode r = test(provider(t, a, SECRET), "");
        assertFailure(r, "ACCESS_POLICY", "calendar");
        String m = message(r, "calendar");
        assertTrue(m.contains("boardroom@policy.test") && m.contains("ErrorAccessDenied") && m.contains("Test-ApplicationAccessPolicy"), m);
        assertTrue(m.contains(step(r, "calendar").get("requestId").asText()), "keeps Graph's request-id");
    }

    @Test
    void an_untrusted_certificate_says_to_set_the_trusted_ca() throws Exception {
        JsonNode r = test(provider(contoso.id, contosoApp.clientId, SECRET, false, null, null), "");
        assertFailure(r, "TLS_TRUST", "token");
        assertTrue(message(r, "token").contains("Trusted CA certificate"), r.toString());
    }

    @Test
    void a_proxy_that_refuses_connections_is_reported_as_a_proxy_failure() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        JsonNode r = test(provider(contoso.id, contosoApp.clientId, SECRET, true, "127.0.0.1", closedPort), "");
        assertFailure(r, "PROXY", "token");
        assertTrue(message(r, "token").contains("127.0.0.1:" + closedPort), r.toString());
    }

    @Test
    void a_mailbox_that_does_not_answer_in_time_is_a_timeout() throws Exception {
        Directory.Tenant t = sandbox.addTenant("slow.test", "Slow");
        Directory.App a = sandbox.addApp(t, null, "Roomsync", SECRET);
        sandbox.addRoom(t, "slow@slow.test", "Slow", null);
        long id = provider(t, a, SECRET);
        sandbox.holdMailbox("slow@slow.test");
        try {
            JsonNode r = test(id, "?timeoutSeconds=2");
            assertFailure(r, "TIMEOUT", "calendar");
            assertTrue(message(r, "calendar").contains("did not answer in time"), r.toString());
        } finally {
            sandbox.releaseMailbox("slow@slow.test");
        }
    }

    @Test
    void a_provider_without_an_app_only_connection_is_a_configuration_problem() throws Exception {
        Tenant initech = app.fixtures.tenant("Initech");
        User boss = app.fixtures.user(initech, "boss@initech.test", Role.TENANT_ADMIN);
        long id = app.app.providers.create(app.fixtures.signedIn(boss), "test", new ProviderService.ProviderInput("Unfinished", null,
                Boolean.FALSE, null, "CUSTOM", sandbox.authorityHost(), sandbox.origin(), contoso.id, null, null, null, null, false,
                null, null, null, null, Boolean.FALSE, null, null)).id;
        WebClient.Response response = app.client().api("POST", "/api/v1/providers/" + id + "/test", app.fixtures.apiToken(boss), null);
        assertEquals(200, response.status(), response.body());
        JsonNode r = JSON.readTree(response.body());
        assertEquals("CONFIGURATION", r.get("problem").asText(), r.toString());
        assertTrue(message(r, "client").contains("no app-only connection"), r.toString());
    }

    @Test
    void a_timeout_out_of_range_is_a_field_error() {
        long id = provider(contoso, contosoApp, SECRET);
        assertEquals(422, app.client().api("POST", "/api/v1/providers/" + id + "/test?timeoutSeconds=0", adminToken, null).status());
    }

    @Test
    void sync_admins_may_test_employees_may_not_and_other_tenants_see_nothing() {
        long id = provider(contoso, contosoApp, SECRET);
        assertEquals(200, app.client().api("POST", "/api/v1/providers/" + id + "/test", syncToken, null).status());
        assertEquals(403, app.client().api("POST", "/api/v1/providers/" + id + "/test", employeeToken, null).status());
        assertEquals(404, app.client().api("POST", "/api/v1/providers/" + id + "/test", globexToken, null).status());
    }

    @Test
    void a_tenant_admin_cannot_send_the_stored_secret_to_a_host_the_operator_did_not_allow() throws Exception {
        try (ServerSocket capture = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
             TestApp strict = TestApp.start(TestDatabases.Kind.MARIADB, Clock.systemUTC(), Map.of("ROOMSYNC_ALLOWED_HOSTS", "localhost"))) {
            java.util.concurrent.atomic.AtomicInteger reached = new java.util.concurrent.atomic.AtomicInteger();
            Thread listener = new Thread(() -> {
                while (!capture.isClosed()) {
                    try (java.net.Socket ignored = capture.accept()) {
                        reached.incrementAndGet();
                    } catch (java.io.IOException closed) {
                        return;
                    }
                }
            });
            listener.setDaemon(true);
            listener.start();
            String elsewhere = "127.0.0.1:" + capture.getLocalPort();
            Tenant tenant = strict.fixtures.tenant("Initech");
            CurrentUser boss = strict.fixtures.signedIn(strict.fixtures.user(tenant, "admin@initech.test", Role.TENANT_ADMIN));
            Connection c = strict.app.connections.create(boss, "test", new ConnectionService.ConnectionInput("Initech app", "APP_ONLY",
                    contosoApp.clientId, "SECRET", SECRET, null, null, null, null, null, Boolean.TRUE));
            long customCloud = strict.app.providers.create(boss, "test", new ProviderService.ProviderInput("Mine", null, Boolean.FALSE, null,
                    "CUSTOM", elsewhere, "https://" + elsewhere, contoso.id, c.id, null, null, sandbox.certificatePem(),
                    false, null, null, null, null, Boolean.FALSE, null, null)).id;
            long viaProxy = strict.app.providers.create(boss, "test", new ProviderService.ProviderInput("Proxied", null, Boolean.FALSE, null,
                    "GLOBAL", null, null, contoso.id, c.id, null, null, sandbox.certificatePem(),
                    false, "127.0.0.1", capture.getLocalPort(), null, null, Boolean.FALSE, null, null)).id;

            for (long provider : List.of(customCloud, viaProxy)) {
                ProviderCheck.Result r = strict.app.providerCheck.run(tenant.id, provider, java.time.Duration.ofSeconds(10));
                assertFalse(r.ok());
                assertEquals(ProviderCheck.Problem.CONFIGURATION, r.problem(), r.toString());
                assertTrue(r.summary().contains(elsewhere) && r.summary().contains("ROOMSYNC_ALLOWED_HOSTS"), r.summary());
            }
            assertEquals(0, reached.get(), "nothing, least of all the secret, went to the host the operator did not allow");
        }
    }

    @Test
    void the_platform_operator_sees_the_graph_calls_of_this_node_by_operation_and_outcome_and_tenants_do_not() throws Exception {
        test(provider(contoso, contosoApp, SECRET), "");
        long rooms = app.app.graphCalls.count("places.rooms", "OK", true);
        long calendars = app.app.graphCalls.count("calendarView.check", "OK", true);
        assertTrue(rooms >= 1 && calendars >= 1, "the check read the rooms and a calendar");

        app.fixtures.user(null, "operator@roomsync.test", Role.PLATFORM_OPERATOR);
        String page = app.client().signIn(null, "operator@roomsync.test").get("/operator/graph-calls").body();
        assertTrue(page.contains("<tr><td><code>places.rooms</code></td><td>OK</td><td class=\"muted\">Sent to Graph</td><td>" + rooms + "</td>"), page);
        assertTrue(page.contains("<tr><td><code>calendarView.check</code></td><td>OK</td><td class=\"muted\">Sent to Graph</td><td>" + calendars + "</td>"));
        assertFalse(page.contains(SECRET));
        assertEquals(403, app.client().signIn(acme.slug, "admin@acme.test").get("/operator/graph-calls").status(),
                "the counts cover every tenant, so a tenant's admin may not read them");
    }

    @Test
    void the_provider_page_runs_the_test_and_shows_each_step() {
        long id = provider(contoso, contosoApp, SECRET);
        WebClient browser = app.client().signIn(acme.slug, "admin@acme.test");
        assertTrue(browser.get("/admin/providers/" + id).body().contains("Test connection"));
        WebClient.Response r = browser.post("/admin/providers/" + id + "/test", Map.of());
        assertEquals(200, r.status(), r.body());
        assertTrue(r.body().contains("Connection works"), r.body());
        assertTrue(r.body().contains("List rooms (Places API)") && r.body().contains("Read a room calendar"));
        assertFalse(r.body().contains(SECRET));

        long broken = provider(contoso, contosoApp, "not-it");
        browser.get("/admin/providers/" + broken);
        WebClient.Response failed = browser.post("/admin/providers/" + broken + "/test", Map.of());
        assertEquals(200, failed.status());
        assertTrue(failed.body().contains("AADSTS7000215") && failed.body().contains("FAILED") && failed.body().contains("SKIPPED"), failed.body());

        WebClient syncAdmin = app.client().signIn(acme.slug, "sync@acme.test");
        syncAdmin.get("/admin/providers/" + id);
        assertEquals(200, syncAdmin.post("/admin/providers/" + id + "/test", Map.of()).status());
        WebClient other = app.client().signIn(globex.slug, "admin@globex.test");
        other.get("/admin/providers");
        assertEquals(404, other.post("/admin/providers/" + id + "/test", Map.of()).status());
    }

    @Test
    void the_demo_provider_passes_out_of_the_box() throws Exception {
        // No allowed hosts of the operator's: the demo allows its own sandbox.
        try (TestApp demo = TestApp.start(TestDatabases.Kind.MARIADB, Clock.systemUTC(), Map.of("ROOMSYNC_DEMO", "true", "ROOMSYNC_ALLOWED_HOSTS", ""))) {
            User adele = demo.app.tx.call(s -> s.createSelectionQuery("from User where emailLower = 'adele@contoso.example'", User.class)
                    .getSingleResult());
            String token = demo.fixtures.apiToken(adele);
            long providerId = demo.app.providers.list(adele.tenantId).stream().map(ProviderService.ProviderView::provider)
                    .filter(p -> p.name.equals(io.roomsync.demo.DemoExchange.PROVIDER_NAME)).findFirst().orElseThrow().id;
            WebClient.Response response = demo.client().api("POST", "/api/v1/providers/" + providerId + "/test", token, null);
            assertEquals(200, response.status(), response.body());
            JsonNode r = JSON.readTree(response.body());
            assertTrue(r.get("ok").asBoolean(), r.toString());
            assertTrue(r.get("roomsFound").asInt() > 0, r.toString());
            assertNotNull(r.get("mailbox").asText());

            // The sandbox's rooms are the demo's rooms: importing them from Exchange finds nothing to change.
            WebClient.Response imported = demo.client().api("POST", "/api/v1/providers/" + providerId + "/import-rooms", token, null);
            assertEquals(200, imported.status(), imported.body());
            JsonNode i = JSON.readTree(imported.body());
            assertEquals(0, i.get("created").asInt(), i.toString());
            assertEquals(0, i.get("updated").asInt(), i.toString());
            assertEquals(0, i.get("skipped").asInt(), i.toString());
            assertEquals(r.get("roomsFound").asInt(), i.get("unchanged").asInt());
        }
    }
}
