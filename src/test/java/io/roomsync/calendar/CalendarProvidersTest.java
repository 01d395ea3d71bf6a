package io.roomsync.calendar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.roomsync.common.Tokens;
import io.roomsync.common.ValidationException;
import io.roomsync.support.TestApp;
import io.roomsync.support.TestDatabases;
import io.roomsync.support.WebClient;
import io.roomsync.tenant.Role;
import io.roomsync.tenant.Tenant;
import io.roomsync.tenant.TenantProperty;
import io.roomsync.tenant.User;
import io.roomsync.web.WebServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Calendar providers and connections through the pages and the REST API, on MariaDB. */
class CalendarProvidersTest {
    static TestApp app;
    static Tenant acme;
    static Tenant globex;
    static User admin;
    static User syncAdmin;
    static User employee;
    static User globexAdmin;
    static String adminToken;
    static String syncToken;
    static String employeeToken;
    static String globexToken;
    static ListAppender<ILoggingEvent> logs;
    static Level previousLevel;

    @BeforeAll
    static void start() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        Logger ours = (Logger) LoggerFactory.getLogger("io.roomsync");
        previousLevel = ours.getLevel();
        ours.setLevel(Level.TRACE);

        app = TestApp.start(TestDatabases.Kind.MARIADB);
        acme = app.fixtures.tenant("Acme");
        globex = app.fixtures.tenant("Globex");
        admin = app.fixtures.user(acme, "admin@acme.test", Role.TENANT_ADMIN);
        syncAdmin = app.fixtures.user(acme, "sync@acme.test", Role.SYNC_ADMIN);
        employee = app.fixtures.user(acme, "emp@acme.test");
        globexAdmin = app.fixtures.user(globex, "admin@globex.test", Role.TENANT_ADMIN);
        adminToken = app.fixtures.apiToken(admin);
        syncToken = app.fixtures.apiToken(syncAdmin);
        employeeToken = app.fixtures.apiToken(employee);
        globexToken = app.fixtures.apiToken(globexAdmin);
    }

    @AfterAll
    static void stop() {
        app.close();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.detachAppender(logs);
        ((Logger) LoggerFactory.getLogger("io.roomsync")).setLevel(previousLevel);
    }

    // ------------------------------------------------------------------------------------------ pages

    @Test
    void an_admin_adds_a_connection_and_a_provider_through_the_pages() {
        Tenant t = app.fixtures.tenant("Pages");
        app.fixtures.user(t, "admin@pages.test", Role.TENANT_ADMIN);
        WebClient browser = app.client().signIn(t.slug, "admin@pages.test");

        WebClient.Response empty = browser.get("/admin/providers");
        assertEquals(200, empty.status());
        assertTrue(empty.body().contains("No calendar providers yet."));
        assertTrue(empty.body().contains("href=\"/admin/sync/health\" class=\"active\""), "the menu marks Calendar sync");
        assertTrue(empty.body().contains("href=\"/admin/providers\" aria-current=\"page\""), "the sync tabs mark Providers");

        String secret = newSecret();
        browser.get("/admin/connections/new");
        WebClient.Response created = browser.post("/admin/connections", Map.of("name", "Graph app", "kind", "APP_ONLY",
                "clientId", "6731DE76-14A6-49AE-97BC-6EBA6914391E", "credentialType", "SECRET", "clientSecret", secret));
        assertEquals(303, created.status(), created.body());
        String connectionPath = created.header("Location");
        WebClient.Response connectionPage = browser.get(connectionPath);
        assertTrue(connectionPage.body().contains("Connection &#39;Graph app&#39; added.") || connectionPage.body().contains("Connection 'Graph app' added."));
        assertTrue(connectionPage.body().contains("•••• stored (set "), "the form says a secret is stored");
        assertTrue(connectionPage.body().contains("6731de76-14a6-49ae-97bc-6eba6914391e"), "client id stored in lower case");
        assertFalse(connectionPage.body().contains(secret));

        browser.get("/admin/providers/new");
        WebClient.Response provider = browser.post("/admin/providers", Map.of("name", "Contoso Exchange", "processor", "MICROSOFT_GRAPH",
                "cloud", "GLOBAL", "entraTenantId", "contoso.onmicrosoft.com", "active", "on", "systemConnectionId", "",
                "delegatedConnectionId", "", "description", "Headquarters rooms"));
        assertEquals(303, provider.status(), provider.body());
        WebClient.Response list = browser.get("/admin/providers");
        assertTrue(list.body().contains("Contoso Exchange"));
        assertTrue(list.body().contains("Graph app (tenant default)"), "the provider follows the tenant default connection");
        assertTrue(list.body().contains("Ready"));

        WebClient.Response edit = browser.get(provider.header("Location"));
        assertEquals(200, edit.status());
        assertTrue(edit.body().contains("value=\"contoso.onmicrosoft.com\""));
        WebClient.Response connections = browser.get("/admin/connections");
        assertTrue(connections.body().contains("Contoso Exchange"), "the connection list says who uses it");
        assertTrue(connections.body().contains("Tenant default"));
    }

    @Test
    void the_provider_form_shows_every_invalid_field_and_saves_nothing() {
        WebClient browser = app.client().signIn(acme.slug, admin.email);
        browser.get("/admin/providers/new");
        long before = count("calendar_provider");
        Map<String, String> form = new HashMap<>();
        form.put("name", "");
        form.put("cloud", "CUSTOM");
        form.put("customAuthorityHost", "http://login.example.com");
        form.put("customGraphBaseUrl", "https://graph.example.com/v1.0");
        form.put("entraTenantId", "not a tenant");
        form.put("delegatedUserEmail", "nobody");
        form.put("proxyHost", "proxy.example.com");
        form.put("proxyPort", "eighty");
        form.put("syncPastReservations", "on");
        form.put("syncStart", "2020-01-01");
        form.put("syncEnd", "2026-13-01");
        form.put("trustedCaPem", "not a certificate");
        WebClient.Response r = browser.post("/admin/providers", form);
        assertEquals(400, r.status());
        String html = r.body();
        assertTrue(html.contains("Name is required."));
        assertTrue(html.contains("The authority must use https."));
        assertTrue(html.contains("Leave out the API version"));
        assertTrue(html.contains("Microsoft Entra tenant id must be the directory (tenant) id"));
        assertTrue(html.contains("Delegated user e-mail must be an e-mail address"));
        assertTrue(html.contains("Proxy port must be a whole number"));
        assertTrue(html.contains("Sync end must be a date"));
        assertTrue(html.contains("No certificate found."));
        assertTrue(html.contains("aria-invalid=\"true\""));
        assertTrue(html.contains("value=\"proxy.example.com\""), "the form comes back as the user left it");
        assertEquals(before, count("calendar_provider"));

        form.put("name", "Too long window");
        form.put("cloud", "GLOBAL");
        form.put("entraTenantId", "72f988bf-86f1-41af-91ab-2d7cd011db47");
        form.put("delegatedUserEmail", "");
        form.put("proxyHost", "");
        form.put("proxyPort", "");
        form.put("trustedCaPem", "");
        form.put("syncEnd", "2025-01-01");
        form.put("active", "");
        WebClient.Response window = browser.post("/admin/providers", form);
        assertEquals(400, window.status());
        assertTrue(window.body().contains("The sync window can be at most 1825 days"));
        assertEquals(before, count("calendar_provider"));
    }

    @Test
    void a_provider_in_a_custom_cloud_keeps_its_https_endpoints_and_national_clouds_know_theirs() {
        JsonNode custom = created(api("POST", "/api/v1/providers", adminToken, """
                {"name":"Sandbox","cloud":"CUSTOM","customAuthorityHost":"https://login.sandbox.test:8443/",
                 "customGraphBaseUrl":"https://graph.sandbox.test:8443/","entraTenantId":"sandbox.onmicrosoft.com","active":false}"""));
        assertEquals("login.sandbox.test:8443", custom.get("authorityHost").asText());
        assertEquals("https://graph.sandbox.test:8443", custom.get("graphBaseUrl").asText());

        JsonNode dod = created(api("POST", "/api/v1/providers", adminToken, """
                {"name":"DoD","cloud":"US_GOV_DOD","customAuthorityHost":"ignored.example.com",
                 "entraTenantId":"72F988BF-86F1-41AF-91AB-2D7CD011DB47","active":false}"""));
        assertEquals("login.microsoftonline.us", dod.get("authorityHost").asText());
        assertEquals("https://dod-graph.microsoft.us", dod.get("graphBaseUrl").asText());
        assertTrue(dod.get("customAuthorityHost").isNull(), "custom endpoints belong to the custom cloud only");
        assertEquals("72f988bf-86f1-41af-91ab-2d7cd011db47", dod.get("entraTenantId").asText());

        CalendarProvider china = new CalendarProvider();
        china.cloud = Cloud.CHINA;
        assertEquals("login.chinacloudapi.cn", china.effectiveAuthorityHost());
        assertEquals("https://microsoftgraph.chinacloudapi.cn", china.effectiveGraphBaseUrl());
        china.cloud = Cloud.US_GOV_GCC_HIGH;
        assertEquals("https://graph.microsoft.us", china.effectiveGraphBaseUrl());

        WebClient.Response http = api("POST", "/api/v1/providers", adminToken, """
                {"name":"Plain","cloud":"CUSTOM","customAuthorityHost":"login.sandbox.test",
                 "customGraphBaseUrl":"http://graph.sandbox.test","entraTenantId":"sandbox.onmicrosoft.com","active":false}""");
        assertEquals(422, http.status());
        assertTrue(http.body().contains("\"field\":\"customGraphBaseUrl\""));
        assertTrue(http.body().contains("The Graph base URL must use https."));
    }

    // ------------------------------------------------------------------------------- default connections

    @Test
    void a_provider_uses_the_tenant_default_connection_unless_it_names_its_own() {
        Tenant t = app.fixtures.tenant("Defaults");
        User a = app.fixtures.user(t, "admin@defaults.test", Role.TENANT_ADMIN);
        String token = app.fixtures.apiToken(a);
        String firstSecret = newSecret();
        String secondSecret = newSecret();
        JsonNode first = created(api("POST", "/api/v1/connections", token, appOnly("First", firstSecret)));
        JsonNode second = created(api("POST", "/api/v1/connections", token, appOnly("Second", secondSecret)));
        assertTrue(first.get("tenantDefault").asBoolean(), "the first connection of a kind becomes the default");
        assertFalse(second.get("tenantDefault").asBoolean());

        JsonNode provider = created(api("POST", "/api/v1/providers", token, """
                {"name":"Main","entraTenantId":"defaults.onmicrosoft.com"}"""));
        long providerId = provider.get("id").asLong();
        assertTrue(provider.get("systemConnectionId").isNull());
        List<String> strict = app.app.providers.problemsForMode(t.id, "Strict");
        assertEquals(2, strict.size(), strict.toString());
        assertTrue(strict.get(0).startsWith("Provider 'Main': The Strict integration mode needs a delegated connection"));
        assertEquals(first.get("id").asLong(), provider.get("effectiveSystemConnectionId").asLong());
        ProviderService.GraphSettings settings = app.app.providers.graphSettings(t.id, providerId);
        assertEquals(firstSecret, settings.system().clientSecret());
        assertNull(settings.delegated());
        assertEquals("https://graph.microsoft.com", settings.graphBaseUrl());
        assertFalse(settings.toString().contains(firstSecret), "settings never print their secrets");

        JsonNode moved = ok(api("PUT", "/api/v1/connections/" + second.get("id").asLong(), token, """
                {"name":"Second","clientId":"%s","tenantDefault":true}""".formatted(GUID)));
        assertTrue(moved.get("tenantDefault").asBoolean());
        assertFalse(ok(api("GET", "/api/v1/connections/" + first.get("id").asLong(), token, null)).get("tenantDefault").asBoolean(),
                "one default per kind: the old default steps down");
        assertEquals(second.get("id").asLong(), app.app.providers.effectiveSystemConnection(t.id, providerId).id);
        assertEquals(secondSecret, app.app.providers.graphSettings(t.id, providerId).system().clientSecret());

        JsonNode own = ok(api("PUT", "/api/v1/providers/" + providerId, token, """
                {"name":"Main","entraTenantId":"defaults.onmicrosoft.com","systemConnectionId":%d}""".formatted(first.get("id").asLong())));
        assertEquals(first.get("id").asLong(), own.get("effectiveSystemConnectionId").asLong());

        JsonNode delegated = created(api("POST", "/api/v1/connections", token, """
                {"name":"Delegate","kind":"DELEGATED","clientId":"%s","clientSecret":"%s","redirectUri":"https://rooms.defaults.test/oauth"}"""
                .formatted(GUID, newSecret())));
        assertTrue(delegated.get("tenantDefault").asBoolean(), "the first delegated connection is the delegated default");
        WebClient.Response wrongKind = api("PUT", "/api/v1/providers/" + providerId, token, """
                {"name":"Main","entraTenantId":"defaults.onmicrosoft.com","systemConnectionId":%d}""".formatted(delegated.get("id").asLong()));
        assertEquals(422, wrongKind.status());
        assertTrue(wrongKind.body().contains("is not an app-only connection"));
        assertEquals(delegated.get("id").asLong(), app.app.providers.effectiveDelegatedConnection(t.id, providerId).id);
    }

    @Test
    void deleting_a_connection_in_use_is_refused_with_a_clear_message() {
        Tenant t = app.fixtures.tenant("InUse");
        User a = app.fixtures.user(t, "admin@inuse.test", Role.TENANT_ADMIN);
        String token = app.fixtures.apiToken(a);
        JsonNode def = created(api("POST", "/api/v1/connections", token, appOnly("Default app", newSecret())));
        JsonNode named = created(api("POST", "/api/v1/connections", token, appOnly("Named app", newSecret())));
        JsonNode byDefault = created(api("POST", "/api/v1/providers", token, """
                {"name":"Follows default","entraTenantId":"inuse.onmicrosoft.com"}"""));
        created(api("POST", "/api/v1/providers", token, """
                {"name":"Names its own","entraTenantId":"inuse.onmicrosoft.com","systemConnectionId":%d}""".formatted(named.get("id").asLong())));

        WebClient.Response refused = api("DELETE", "/api/v1/connections/" + named.get("id").asLong(), token, null);
        assertEquals(409, refused.status());
        assertTrue(refused.body().contains("is used by provider 'Names its own'"), refused.body());

        WebClient browser = app.client().signIn(t.slug, a.email);
        browser.get("/admin/connections/" + def.get("id").asLong());
        WebClient.Response page = browser.post("/admin/connections/" + def.get("id").asLong() + "/delete", Map.of());
        assertEquals(409, page.status());
        assertTrue(page.body().contains("is the tenant default app-only connection used by provider &#39;Follows default&#39;")
                || page.body().contains("is the tenant default app-only connection used by provider 'Follows default'"), page.body());
        assertEquals(2, app.app.connections.list(t.id).size());

        WebClient.Response unset = api("PUT", "/api/v1/connections/" + def.get("id").asLong(), token, """
                {"name":"Default app","clientId":"%s","tenantDefault":false}""".formatted(GUID));
        assertEquals(422, unset.status(), "an active provider still relies on the default");

        ok(api("PUT", "/api/v1/providers/" + byDefault.get("id").asLong(), token, """
                {"name":"Follows default","entraTenantId":"inuse.onmicrosoft.com","active":false}"""));
        assertEquals(204, api("DELETE", "/api/v1/connections/" + def.get("id").asLong(), token, null).status(),
                "an inactive provider does not hold the default");
    }

    @Test
    void an_active_provider_needs_the_connections_its_integration_mode_needs() {
        Tenant t = app.fixtures.tenant("Modes");
        User a = app.fixtures.user(t, "admin@modes.test", Role.TENANT_ADMIN);
        String token = app.fixtures.apiToken(a);
        WebClient.Response none = api("POST", "/api/v1/providers", token, """
                {"name":"Early","entraTenantId":"modes.onmicrosoft.com"}""");
        assertEquals(422, none.status());
        assertTrue(none.body().contains("\"field\":\"systemConnectionId\""));
        JsonNode inactive = created(api("POST", "/api/v1/providers", token, """
                {"name":"Early","entraTenantId":"modes.onmicrosoft.com","active":false}"""));
        assertEquals("systemConnectionId", inactive.get("problems").get(0).get("field").asText(), "the API says what is missing");

        created(api("POST", "/api/v1/connections", token, appOnly("App", newSecret())));
        long id = inactive.get("id").asLong();
        app.app.providers.validateForMode(t.id, id, "Normal");
        ValidationException strict = assertThrows(ValidationException.class, () -> app.app.providers.validateForMode(t.id, id, "Strict"));
        assertEquals(java.util.Set.of("delegatedConnectionId", "delegatedUserEmail"), strict.fieldErrors().keySet());
        assertEquals(List.of(), app.app.providers.problemsForMode(t.id, "Strict"), "only active providers hold a mode change back");

        app.app.tx.run(s -> {
            TenantProperty p = new TenantProperty();
            p.key = new TenantProperty.Key(t.id, IntegrationMode.PROPERTY);
            p.value = "Personal";
            s.persist(p);
        });
        WebClient.Response activate = api("PUT", "/api/v1/providers/" + id, token, """
                {"name":"Early","entraTenantId":"modes.onmicrosoft.com","active":true}""");
        assertEquals(422, activate.status());
        assertTrue(activate.body().contains("The Personal integration mode needs a delegated connection"));
        assertTrue(activate.body().contains("\"field\":\"delegatedUserEmail\""));

        created(api("POST", "/api/v1/connections", token, """
                {"name":"Delegate","kind":"DELEGATED","clientId":"%s","clientSecret":"%s","redirectUri":"http://localhost:7070/oauth"}"""
                .formatted(GUID, newSecret())));
        JsonNode active = ok(api("PUT", "/api/v1/providers/" + id, token, """
                {"name":"Early","entraTenantId":"modes.onmicrosoft.com","active":true,"delegatedUserEmail":"Rooms-Delegate@Modes.test"}"""));
        assertTrue(active.get("active").asBoolean());
        assertEquals("rooms-delegate@modes.test", active.get("delegatedUserEmail").asText());
        assertEquals(0, active.get("problems").size());
        assertEquals("Personal", active.get("integrationMode").asText());
        assertEquals(List.of(), app.app.providers.problemsForMode(t.id, "Strict"));
        assertEquals(List.of(), app.app.providers.problemsForMode(t.id, "normal"));
        assertThrows(IllegalArgumentException.class, () -> app.app.providers.problemsForMode(t.id, "Relaxed"));
    }

    // ------------------------------------------------------------------------------------------- secrets

    @Test
    void secrets_are_stored_encrypted_and_never_appear_in_pages_api_responses_audit_or_logs() throws Exception {
        Tenant t = app.fixtures.tenant("Secrets");
        User a = app.fixtures.user(t, "admin@secrets.test", Role.TENANT_ADMIN);
        String token = app.fixtures.apiToken(a);
        WebClient browser = app.client().signIn(t.slug, a.email);
        List<String> seen = new ArrayList<>();
        String clientSecret = newSecret();
        String proxyPassword = newSecret();
        String replacedSecret = newSecret();
        String rejectedSecret = newSecret();

        browser.get("/admin/connections/new");
        WebClient.Response create = browser.post("/admin/connections", Map.of("name", "Secret app", "kind", "APP_ONLY", "clientId", GUID,
                "credentialType", "SECRET", "clientSecret", replacedSecret));
        assertEquals(303, create.status());
        String connectionPath = create.header("Location");
        long connectionId = Long.parseLong(connectionPath.substring(connectionPath.lastIndexOf('/') + 1));
        seen.add(browser.get(connectionPath).body());
        // a rejected form with a secret in it comes back without the secret
        WebClient.Response rejected = browser.post(connectionPath, Map.of("name", "Secret app", "kind", "APP_ONLY", "clientId", "nope",
                "credentialType", "SECRET", "clientSecret", rejectedSecret));
        assertEquals(400, rejected.status());
        seen.add(rejected.body());
        WebClient.Response replaced = browser.post(connectionPath, Map.of("name", "Secret app", "kind", "APP_ONLY", "clientId", GUID,
                "credentialType", "SECRET", "clientSecret", clientSecret, "tenantDefault", "on"));
        assertEquals(303, replaced.status());
        assertEquals(clientSecret, app.app.connections.credentialsFor(t.id, connectionId).clientSecret());
        // an empty secret field keeps the stored secret
        browser.get(connectionPath);
        assertEquals(303, browser.post(connectionPath, Map.of("name", "Secret app renamed", "kind", "APP_ONLY", "clientId", GUID,
                "credentialType", "SECRET", "clientSecret", "", "tenantDefault", "on")).status());
        assertEquals(clientSecret, app.app.connections.credentialsFor(t.id, connectionId).clientSecret());

        WebClient.Response provider = api("POST", "/api/v1/providers", token, """
                {"name":"Proxied","entraTenantId":"secrets.onmicrosoft.com","proxyHost":"Proxy.Secrets.test","proxyPort":3128,
                 "proxyUser":"svc-rooms","proxyPassword":"%s"}""".formatted(proxyPassword));
        JsonNode p = created(provider);
        seen.add(provider.body());
        assertTrue(p.get("proxyPasswordStored").asBoolean());
        assertFalse(p.get("proxyPasswordUpdatedAt").isNull());
        long providerId = p.get("id").asLong();
        assertEquals(proxyPassword, app.app.providers.graphSettings(t.id, providerId).proxy().password());
        assertEquals("proxy.secrets.test", app.app.providers.graphSettings(t.id, providerId).proxy().host());

        // bad JSON around a secret: the error names the position or field, never the value
        WebClient.Response malformed = api("POST", "/api/v1/connections", token, "{\"name\":\"x\",\"clientSecret\": " + rejectedSecret + "}");
        assertEquals(400, malformed.status());
        seen.add(malformed.body());
        WebClient.Response wrongType = api("POST", "/api/v1/connections", token,
                "{\"name\":\"x\",\"clientSecret\":\"" + rejectedSecret + "\",\"tenantDefault\":\"" + rejectedSecret + "\"}");
        assertEquals(400, wrongType.status());
        assertTrue(wrongType.body().contains("field 'tenantDefault' has the wrong type"), wrongType.body());
        seen.add(wrongType.body());
        WebClient.Response invalid = api("PUT", "/api/v1/connections/" + connectionId, token,
                "{\"name\":\"\",\"clientId\":\"" + rejectedSecret + "\",\"clientSecret\":\"" + rejectedSecret + "\"}");
        assertEquals(422, invalid.status());
        seen.add(invalid.body());

        for (String path : List.of("/admin/connections", connectionPath, "/admin/connections/new", "/admin/providers",
                "/admin/providers/" + providerId, "/admin/providers/new")) {
            WebClient.Response r = browser.get(path);
            assertEquals(200, r.status(), path);
            seen.add(r.body());
        }
        for (String path : List.of("/api/v1/connections", "/api/v1/connections/" + connectionId, "/api/v1/providers",
                "/api/v1/providers/" + providerId)) {
            WebClient.Response r = api("GET", path, token, null);
            assertEquals(200, r.status(), path);
            seen.add(r.body());
        }
        JsonNode connection = ok(api("GET", "/api/v1/connections/" + connectionId, token, null));
        assertTrue(connection.get("secretStored").asBoolean());
        assertFalse(connection.get("secretUpdatedAt").isNull());
        assertFalse(connection.has("clientSecret"));

        // at rest: sealed by the master key, never the plaintext
        String storedSecret = column("select client_secret_enc from calendar_connection where id = ?", connectionId);
        assertTrue(storedSecret.startsWith("v1:"));
        String storedProxy = column("select proxy_password_enc from calendar_provider where id = ?", providerId);
        assertTrue(storedProxy.startsWith("v1:"));
        seen.add(storedSecret + storedProxy);

        List<String> audit = app.app.tx.call(s -> s.createSelectionQuery(
                "select coalesce(changes, '') from AuditEntry where tenantId = :t", String.class).setParameter("t", t.id).getResultList());
        assertTrue(audit.stream().anyMatch(c -> c.contains("clientSecret: changed")), "the audit says a secret changed: " + audit);
        assertTrue(audit.stream().anyMatch(c -> c.contains("proxyPassword: changed")));
        seen.addAll(audit);

        String proxied = """
                {"name":"Proxied","entraTenantId":"secrets.onmicrosoft.com","proxyHost":"%s","proxyPort":3128,"proxyUser":"svc-rooms"}""";
        WebClient.Response kept = api("PUT", "/api/v1/providers/" + providerId, token, proxied.formatted("proxy.secrets.test"));
        assertTrue(ok(kept).get("proxyPasswordStored").asBoolean(), "the same proxy keeps its stored password");
        seen.add(kept.body());
        WebClient.Response moved = api("PUT", "/api/v1/providers/" + providerId, token, proxied.formatted("elsewhere.test"));
        assertFalse(ok(moved).get("proxyPasswordStored").asBoolean(), "a stored password never follows the proxy to another host");
        assertNull(app.app.providers.graphSettings(t.id, providerId).proxy().password());
        seen.add(moved.body());

        assertEquals(204, api("DELETE", "/api/v1/providers/" + providerId, token, null).status());
        assertEquals(204, api("DELETE", "/api/v1/connections/" + connectionId, token, null).status());

        List<String> logLines = new ArrayList<>();
        for (ILoggingEvent e : List.copyOf(logs.list)) {
            logLines.add(e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : " " + e.getThrowableProxy().getMessage()));
        }
        assertFalse(logLines.isEmpty(), "the log capture works");
        seen.addAll(logLines);
        for (String secret : List.of(clientSecret, proxyPassword, replacedSecret, rejectedSecret)) {
            for (String text : seen) {
                assertFalse(text.contains(secret), "a secret leaked into: " + text.substring(0, Math.min(300, text.length())));
            }
        }
        String unsealed = app.app.secrets.decrypt(storedSecret);
        assertEquals(clientSecret, unsealed, "what is stored is the secret, sealed");
    }

    @Test
    void a_certificate_connection_accepts_a_pkcs12_upload_or_pem_text_and_rejects_what_entra_would() throws Exception {
        byte[] p12 = resource("app.p12");
        String certPem = new String(resource("app-cert.pem"), StandardCharsets.US_ASCII);
        String keyPem = new String(resource("app-key.pem"), StandardCharsets.US_ASCII);
        String pkcs1Pem = new String(resource("app-key-pkcs1.pem"), StandardCharsets.US_ASCII);
        WebClient browser = app.client().signIn(acme.slug, admin.email);

        browser.get("/admin/connections/new");
        Map<String, String> form = Map.of("name", "Cert app", "kind", "APP_ONLY", "clientId", GUID, "credentialType", "CERTIFICATE",
                "certificateFormat", "PKCS12", "certificatePassword", "wrong password");
        WebClient.Response wrong = browser.postMultipart("/admin/connections", form, "certificatePkcs12", "app.p12", p12);
        assertEquals(400, wrong.status());
        assertTrue(wrong.body().contains("the password is not right"), wrong.body());

        Map<String, String> right = new HashMap<>(form);
        right.put("certificatePassword", P12_PASSWORD);
        WebClient.Response created = browser.postMultipart("/admin/connections", right, "certificatePkcs12", "app.p12", p12);
        assertEquals(303, created.status(), created.body());
        String path = created.header("Location");
        long id = Long.parseLong(path.substring(path.lastIndexOf('/') + 1));
        String page = browser.get(path).body();
        assertTrue(page.contains("CN=Roomsync Test App"), "the page shows the certificate's subject");
        assertTrue(page.contains("•••• stored (set "));
        assertFalse(page.contains(P12_PASSWORD));
        assertFalse(page.contains(Base64.getEncoder().encodeToString(p12).substring(0, 40)));

        ConnectionService.Credentials credentials = app.app.connections.credentialsFor(acme.id, id);
        assertEquals(CredentialType.CERTIFICATE, credentials.credentialType());
        assertEquals("RSA", credentials.certificate().privateKey().getAlgorithm());
        assertEquals("CN=Roomsync Test App", credentials.certificate().certificate().getSubjectX500Principal().getName());
        assertFalse(credentials.toString().contains(P12_PASSWORD));
        String thumbprint = Certificates.thumbprint(credentials.certificate().certificate());
        assertTrue(page.contains(thumbprint), "the thumbprint to match in Entra is shown");
        assertTrue(column("select certificate_enc from calendar_connection where id = ?", id).startsWith("v1:"));
        assertTrue(column("select certificate_password_enc from calendar_connection where id = ?", id).startsWith("v1:"));

        // PEM with a PKCS#1 key through the API, replacing the PKCS#12 file
        JsonNode pem = ok(api("PUT", "/api/v1/connections/" + id, adminToken, json(Map.of("name", "Cert app", "clientId", GUID,
                "credentialType", "CERTIFICATE", "certificateFormat", "PEM", "certificatePem", certPem + pkcs1Pem))));
        assertEquals("PEM", pem.get("certificateFormat").asText());
        assertEquals(thumbprint, pem.get("certificateThumbprint").asText());
        assertNull(column("select certificate_password_enc from calendar_connection where id = ?", id));
        assertArrayEquals(credentials.certificate().privateKey().getEncoded(),
                app.app.connections.credentialsFor(acme.id, id).certificate().privateKey().getEncoded());

        String other = new String(resource("other-cert.pem"), StandardCharsets.US_ASCII);
        assertFieldError(api("POST", "/api/v1/connections", adminToken, json(Map.of("name", "Mismatch", "kind", "APP_ONLY", "clientId", GUID,
                "credentialType", "CERTIFICATE", "certificatePem", other + keyPem))), "certificatePem", "does not belong to the certificate");
        String ec = new String(resource("ec-cert.pem"), StandardCharsets.US_ASCII) + new String(resource("ec-key.pem"), StandardCharsets.US_ASCII);
        assertFieldError(api("POST", "/api/v1/connections", adminToken, json(Map.of("name", "EC", "kind", "APP_ONLY", "clientId", GUID,
                "credentialType", "CERTIFICATE", "certificatePem", ec))), "certificatePem", "needs an RSA certificate");
        assertFieldError(api("POST", "/api/v1/connections", adminToken, json(Map.of("name", "No key", "kind", "APP_ONLY", "clientId", GUID,
                "credentialType", "CERTIFICATE", "certificatePem", certPem))), "certificatePem", "No private key found");
        JsonNode viaApi = created(api("POST", "/api/v1/connections", adminToken, json(Map.of("name", "P12 via API", "kind", "APP_ONLY",
                "clientId", GUID, "credentialType", "CERTIFICATE", "certificatePkcs12", Base64.getEncoder().encodeToString(p12),
                "certificatePassword", P12_PASSWORD))));
        assertEquals("PKCS12", viaApi.get("certificateFormat").asText());
        assertTrue(viaApi.get("secretStored").asBoolean());

        // switching back to a client secret destroys the stored certificate
        String secret = newSecret();
        ok(api("PUT", "/api/v1/connections/" + id, adminToken, json(Map.of("name", "Cert app", "clientId", GUID, "credentialType", "SECRET",
                "clientSecret", secret))));
        assertNull(column("select certificate_enc from calendar_connection where id = ?", id));
        assertEquals(secret, app.app.connections.credentialsFor(acme.id, id).clientSecret());
    }

    @Test
    void the_api_checks_connections_field_by_field() {
        WebClient.Response r = api("POST", "/api/v1/connections", adminToken, """
                {"name":"","kind":"SOMETIMES","clientId":"123","credentialType":"SECRET"}""");
        assertEquals(422, r.status());
        for (String field : List.of("name", "kind", "clientId", "clientSecret")) {
            assertTrue(r.body().contains("\"field\":\"" + field + "\""), field + " in " + r.body());
        }
        assertFieldError(api("POST", "/api/v1/connections", adminToken, """
                {"name":"Delegate","kind":"DELEGATED","clientId":"%s","clientSecret":"x","redirectUri":"http://rooms.example.com/cb"}"""
                .formatted(GUID)), "redirectUri", "must use https");
        assertFieldError(api("POST", "/api/v1/connections", adminToken, """
                {"name":"Delegate","kind":"DELEGATED","clientId":"%s","clientSecret":"x"}""".formatted(GUID)),
                "redirectUri", "Redirect URI is required");
        JsonNode c = created(api("POST", "/api/v1/connections", adminToken, appOnly("Kind fixed", newSecret())));
        assertFieldError(api("PUT", "/api/v1/connections/" + c.get("id").asLong(), adminToken, """
                {"name":"Kind fixed","kind":"DELEGATED","clientId":"%s"}""".formatted(GUID)), "kind", "cannot be changed");
        assertFieldError(api("POST", "/api/v1/connections", adminToken, appOnly("kind FIXED", newSecret())), "name", "already named");
        assertEquals(400, api("POST", "/api/v1/connections", adminToken, "{\"unknown\":1}").status());
        assertFieldError(api("POST", "/api/v1/connections", adminToken, ""), "", "needs a JSON body");
    }

    @Test
    void a_trusted_ca_is_parsed_shown_by_subject_and_can_be_removed() throws Exception {
        String ca = new String(resource("ca.pem"), StandardCharsets.US_ASCII);
        String expired = new String(resource("expired-ca.pem"), StandardCharsets.US_ASCII);
        String key = new String(resource("app-key.pem"), StandardCharsets.US_ASCII);
        assertFieldError(api("POST", "/api/v1/providers", adminToken, json(Map.of("name", "CA expired", "entraTenantId", "acme.onmicrosoft.com",
                "active", false, "trustedCaPem", expired))), "trustedCaPem", "expired on 2000-01-31");
        assertFieldError(api("POST", "/api/v1/providers", adminToken, json(Map.of("name", "CA with key", "entraTenantId", "acme.onmicrosoft.com",
                "active", false, "trustedCaPem", ca + key))), "trustedCaPem", "certificates only");

        JsonNode p = created(api("POST", "/api/v1/providers", adminToken, json(Map.of("name", "With CA", "entraTenantId", "acme.onmicrosoft.com",
                "active", false, "trustedCaPem", ca))));
        assertEquals("O=Roomsync Tests,CN=Roomsync Test CA", p.get("trustedCertificates").get(0).get("subject").asText());
        long id = p.get("id").asLong();
        assertEquals(1, app.app.providers.graphSettings(acme.id, id).trustedCertificates().size());

        WebClient browser = app.client().signIn(acme.slug, admin.email);
        String page = browser.get("/admin/providers/" + id).body();
        assertTrue(page.contains("O=Roomsync Tests,CN=Roomsync Test CA"));
        assertFalse(page.contains(ca.split("\n")[1]), "the PEM text itself is not shown");

        Map<String, String> keep = new HashMap<>(Map.of("name", "With CA", "cloud", "GLOBAL", "processor", "MICROSOFT_GRAPH",
                "entraTenantId", "acme.onmicrosoft.com", "trustedCaPem", ""));
        assertEquals(303, browser.post("/admin/providers/" + id, keep).status());
        assertEquals(1, app.app.providers.view(acme.id, id).trustedCertificates().size(), "an empty field keeps the stored CA");
        browser.get("/admin/providers/" + id);
        keep.put("removeTrustedCa", "on");
        assertEquals(303, browser.post("/admin/providers/" + id, keep).status());
        assertNull(app.app.providers.get(acme.id, id).trustedCaPem);
        List<String> audit = app.app.tx.call(s -> s.createSelectionQuery(
                "select changes from AuditEntry where entityType = 'CalendarProvider' and entityId = :id and changes is not null", String.class)
                .setParameter("id", id).getResultList());
        assertTrue(audit.stream().anyMatch(c -> c.contains("trustedCa: 'O=Roomsync Tests,CN=Roomsync Test CA (")), audit.toString());
    }

    // ----------------------------------------------------------------------------------- who sees what

    @Test
    void another_tenant_gets_404_employees_403_and_sync_admins_read_only() {
        JsonNode connection = created(api("POST", "/api/v1/connections", adminToken, appOnly("Acme only", newSecret())));
        JsonNode provider = created(api("POST", "/api/v1/providers", adminToken, """
                {"name":"Acme only","entraTenantId":"acme.onmicrosoft.com","active":false}"""));
        long cid = connection.get("id").asLong();
        long pid = provider.get("id").asLong();

        for (String path : List.of("/api/v1/providers/" + pid, "/api/v1/connections/" + cid)) {
            assertEquals(404, api("GET", path, globexToken, null).status(), path);
            assertEquals(404, api("DELETE", path, globexToken, null).status(), path);
            assertEquals(404, api("PUT", path, globexToken, "{\"name\":\"stolen\"}").status(), path);
            assertEquals(403, api("GET", path, employeeToken, null).status(), path);
            assertEquals(200, api("GET", path, syncToken, null).status(), path);
            assertEquals(403, api("DELETE", path, syncToken, null).status(), path);
        }
        assertFalse(api("GET", "/api/v1/providers", globexToken, null).body().contains("Acme only"));
        assertEquals(403, api("GET", "/api/v1/connections", employeeToken, null).status());
        assertEquals(401, api("GET", "/api/v1/connections", null, null).status());
        assertThrows(io.roomsync.common.NotFoundException.class, () -> app.app.connections.credentialsFor(globex.id, cid));

        WebClient other = app.client().signIn(globex.slug, globexAdmin.email);
        for (String path : List.of("/admin/providers/" + pid, "/admin/connections/" + cid)) {
            assertEquals(404, other.get(path).status(), path);
        }
        other.get("/admin/providers");
        assertEquals(404, other.post("/admin/providers/" + pid + "/delete", Map.of()).status());
        assertEquals(404, other.post("/admin/connections/" + cid, Map.of("name", "stolen")).status());
        assertFalse(other.get("/admin/connections").body().contains("Acme only"));

        WebClient emp = app.client().signIn(acme.slug, employee.email);
        assertEquals(403, emp.get("/admin/providers").status());
        assertEquals(403, emp.get("/admin/connections/" + cid).status());

        WebClient sync = app.client().signIn(acme.slug, syncAdmin.email);
        WebClient.Response view = sync.get("/admin/providers/" + pid);
        assertEquals(200, view.status());
        assertTrue(view.body().contains("Only tenant admins can change it."));
        assertFalse(view.body().contains("Delete provider"));
        assertEquals(200, sync.get("/admin/connections").status());
        assertEquals(403, sync.get("/admin/providers/new").status());
        assertEquals(403, sync.post("/admin/providers/" + pid + "/delete", Map.of()).status());
        assertEquals("Acme only", app.app.providers.get(acme.id, pid).name);
    }

    @Test
    void the_openapi_document_describes_providers_and_connections_without_secret_outputs() {
        JsonNode doc = ok(api("GET", "/api/openapi.json", null, null));
        JsonNode paths = doc.get("paths");
        for (String m : List.of("get", "post")) {
            assertTrue(paths.get("/api/v1/providers").has(m));
            assertTrue(paths.get("/api/v1/connections").has(m));
        }
        for (String m : List.of("get", "put", "delete")) {
            assertTrue(paths.get("/api/v1/providers/{id}").has(m));
            assertTrue(paths.get("/api/v1/connections/{id}").has(m));
        }
        JsonNode schemas = doc.get("components").get("schemas");
        assertTrue(schemas.get("ConnectionRequest").get("properties").has("clientSecret"));
        assertFalse(schemas.get("ConnectionResponse").get("properties").has("clientSecret"));
        assertTrue(schemas.get("ConnectionResponse").get("properties").has("secretStored"));
        assertFalse(schemas.get("ProviderResponse").get("properties").has("proxyPassword"));
        assertNotNull(schemas.get("ProviderResponse").get("properties").get("cloud").get("enum"));
    }

    // ----------------------------------------------------------------------------------------- helpers

    static final String GUID = "0f8fad5b-d9cb-469f-a165-70867728950e";
    static final String P12_PASSWORD = "p12-pass-Xy7";

    static String newSecret() {
        return "Sx8Q~" + Tokens.random(24);
    }

    static String appOnly(String name, String secret) {
        return """
                {"name":"%s","kind":"APP_ONLY","clientId":"%s","credentialType":"SECRET","clientSecret":"%s"}""".formatted(name, GUID, secret);
    }

    static WebClient.Response api(String method, String path, String token, String body) {
        return app.client().api(method, path, token, body);
    }

    static JsonNode created(WebClient.Response r) {
        assertEquals(201, r.status(), r.body());
        return parse(r.body());
    }

    static JsonNode ok(WebClient.Response r) {
        assertEquals(200, r.status(), r.body());
        return parse(r.body());
    }

    static void assertFieldError(WebClient.Response r, String field, String text) {
        assertEquals(422, r.status(), r.body());
        JsonNode errors = parse(r.body()).get("errors");
        for (JsonNode e : errors) {
            if (e.get("field").asText().equals(field)) {
                assertTrue(e.get("message").asText().contains(text), e.get("message").asText());
                return;
            }
        }
        throw new AssertionError("no error for " + field + " in " + r.body());
    }

    static JsonNode parse(String body) {
        try {
            return WebServer.JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    static String json(Map<String, Object> fields) {
        try {
            return WebServer.JSON.writeValueAsString(fields);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in = CalendarProvidersTest.class.getResourceAsStream("/calendar/" + name)) {
            return in.readAllBytes();
        }
    }

    static long count(String table) {
        return app.app.tx.call(s -> s.createNativeQuery("select count(*) from " + table, Long.class).getSingleResult());
    }

    static String column(String sql, long id) throws SQLException {
        try (Connection c = app.app.database.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                return rs.getString(1);
            }
        }
    }
}
