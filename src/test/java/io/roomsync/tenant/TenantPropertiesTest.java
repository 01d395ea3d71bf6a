package io.roomsync.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.roomsync.audit.AuditEntry;
import io.roomsync.support.TestApp;
import io.roomsync.support.TestDatabases;
import io.roomsync.support.WebClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TenantPropertiesTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static TestApp app;

    @BeforeAll
    static void start() {
        app = TestApp.start(TestDatabases.Kind.MARIADB);
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    /** A tenant with an admin signed in on the properties page. */
    record Org(Tenant tenant, User admin, WebClient browser) {}

    Org org(String name) {
        Tenant t = app.fixtures.tenant(name);
        User admin = app.fixtures.user(t, "admin@" + t.slug + ".test", Role.TENANT_ADMIN);
        WebClient browser = app.client().signIn(t.slug, admin.email);
        return new Org(t, admin, browser);
    }

    /** Every property's current value as the form shows it, to post back with some changes. */
    static Map<String, String> form(long tenantId, Map<String, String> changes) {
        Map<String, String> form = new HashMap<>();
        for (TenantProperties.Current c : app.app.properties.list(tenantId)) {
            if (c.definition().type() == TenantProperties.Type.BOOLEAN) {
                if (c.value().equals("true")) form.put(c.definition().name(), "true");
            } else {
                form.put(c.definition().name(), c.value());
            }
        }
        form.putAll(changes);
        form.values().removeIf(v -> v == null);
        return form;
    }

    @Test
    void a_new_tenant_has_every_property_of_the_design_at_its_default() {
        Tenant t = app.fixtures.tenant("Defaults");
        List<TenantProperties.Current> all = app.app.properties.list(t.id);
        assertEquals(List.of("sync_integration_mode", "use_user_default_tz", "use_default_tz", "create_blocking_rsv",
                        "max_event_retry_count", "exchange_callback_time_limit", "cancel_unconfirmed_reservations", "blocker_user",
                        "time_when_reservation_cancelled_without_check_in"),
                all.stream().map(c -> c.definition().name()).toList());
        assertTrue(all.stream().allMatch(TenantProperties.Current::isDefault));

        TenantProperties p = app.app.properties;
        app.app.tx.run(s -> {
            assertEquals(SyncIntegrationMode.Normal, p.mode(s, t.id));
            assertFalse(p.useUserDefaultTz(s, t.id));
            assertTrue(p.useBuildingTz(s, t.id));
            assertTrue(p.createBlockingReservations(s, t.id));
            assertEquals(10, p.maxEventRetryCount(s, t.id));
            assertEquals(Duration.ofHours(5), p.exchangeCallbackTimeLimit(s, t.id));
            assertEquals(Duration.ofMinutes(360), p.cancelUnconfirmedReservations(s, t.id));
            assertEquals(Optional.empty(), p.blockerUser(s, t.id));
            assertEquals(Duration.ofMinutes(30), p.timeWhenReservationCancelledWithoutCheckIn(s, t.id));
        });
    }

    @Test
    void the_properties_page_shows_each_property_with_meaning_type_default_and_current_value() {
        Org o = org("Page");
        WebClient.Response page = o.browser.get("/admin/properties");
        assertEquals(200, page.status());
        for (TenantProperties.Definition d : TenantProperties.DEFINITIONS) {
            assertTrue(page.body().contains("<code>" + d.name() + "</code>"), d.name());
            assertTrue(page.body().contains(d.typeDescription()), d.typeDescription());
            assertTrue(page.body().contains("id=\"prop-" + d.name() + "-meaning\""), d.name());
        }
        assertTrue(page.body().contains("How many times a sync event that failed is tried again"));
        assertEquals(9, count(page.body(), "<span class=\"badge\">default</span>"));
        assertTrue(page.body().contains("Whole number, 1–72 hours"));
    }

    @Test
    void an_admin_saves_properties_and_the_change_is_audited_and_marked_as_not_default() {
        Org o = org("Save");
        User blocker = app.fixtures.user(o.tenant, "blocker@save.test");
        o.browser.get("/admin/properties");
        WebClient.Response saved = o.browser.post("/admin/properties", form(o.tenant.id, Map.of(
                "sync_integration_mode", "Strict", "max_event_retry_count", "12", "blocker_user", "BLOCKER@save.test",
                "use_default_tz", "utc")));
        assertEquals(303, saved.status(), saved.body());
        assertEquals("/admin/properties", saved.header("Location"));

        TenantProperties p = app.app.properties;
        assertEquals(SyncIntegrationMode.Strict, p.mode(o.tenant.id));
        assertEquals(12, p.maxEventRetryCount(o.tenant.id));
        app.app.tx.run(s -> {
            assertEquals(Optional.of(blocker.id), p.blockerUser(s, o.tenant.id));
            assertFalse(p.useBuildingTz(s, o.tenant.id));
        });
        WebClient.Response page = o.browser.get("/admin/properties");
        assertTrue(page.body().contains("Properties saved."));
        assertEquals(5, count(page.body(), "<span class=\"badge\">default</span>"));

        AuditEntry entry = app.app.tx.call(s -> s.createSelectionQuery(
                        "from AuditEntry where tenantId = :t and entityType = 'TenantProperties' order by id desc", AuditEntry.class)
                .setParameter("t", o.tenant.id).setMaxResults(1).uniqueResult());
        assertEquals(o.admin.id, entry.actorUserId);
        assertTrue(entry.changes.contains("max_event_retry_count: '10 retries' -> '12 retries'"), entry.changes);
        assertTrue(entry.changes.contains("blocker_user: 'None' -> 'blocker@save.test'"), entry.changes);

        // Back to the default value: the property is at its default again (no stored row).
        o.browser.post("/admin/properties", form(o.tenant.id, Map.of("max_event_retry_count", "10")));
        assertTrue(p.list(o.tenant.id).stream().filter(c -> c.definition().name().equals("max_event_retry_count"))
                .allMatch(TenantProperties.Current::isDefault));
    }

    @Test
    void invalid_values_are_refused_field_by_field_and_nothing_is_saved() {
        Org o = org("Invalid");
        Tenant other = app.fixtures.tenant("Elsewhere");
        app.fixtures.user(other, "stranger@elsewhere.test");
        User gone = app.fixtures.user(o.tenant, "gone@invalid.test");
        app.app.tx.run(s -> s.find(User.class, gone.id).active = false);

        o.browser.get("/admin/properties");
        WebClient.Response r = o.browser.post("/admin/properties", form(o.tenant.id, Map.of(
                "max_event_retry_count", "1000", "exchange_callback_time_limit", "soon",
                "blocker_user", "stranger@elsewhere.test", "create_blocking_rsv", "true", "cancel_unconfirmed_reservations", "20")));
        assertEquals(400, r.status());
        assertTrue(r.body().contains("Nothing was saved"));
        assertTrue(r.body().contains("Enter a whole number from 0 to 100 (retries)."));
        assertTrue(r.body().contains("Enter a whole number from 1 to 72 (hours)."));
        assertTrue(r.body().contains("There is no active user with the e-mail stranger@elsewhere.test in your organization."));
        assertTrue(r.body().contains("aria-invalid=\"true\""));
        assertTrue(r.body().contains("value=\"soon\""), "what was entered is shown again");
        assertTrue(app.app.properties.list(o.tenant.id).stream().allMatch(TenantProperties.Current::isDefault), "nothing saved");

        WebClient.Response inactive = o.browser.post("/admin/properties", form(o.tenant.id, Map.of("blocker_user", "gone@invalid.test")));
        assertEquals(400, inactive.status());
        assertTrue(inactive.body().contains("There is no active user with the e-mail gone@invalid.test"));
    }

    @Test
    void personal_mode_is_refused_until_personal_calendar_connections_exist() {
        Org o = org("Personal");
        o.browser.get("/admin/properties");
        WebClient.Response r = o.browser.post("/admin/properties", form(o.tenant.id, Map.of("sync_integration_mode", "Personal")));
        assertEquals(400, r.status());
        assertTrue(r.body().contains("Personal mode comes with personal calendar connections"));
        assertEquals(SyncIntegrationMode.Normal, app.app.properties.mode(o.tenant.id));
    }

    @Test
    void the_api_reads_and_changes_properties_with_per_field_problems() throws Exception {
        Org o = org("Api");
        String token = app.fixtures.apiToken(o.admin);
        WebClient api = app.client();

        JsonNode before = JSON.readTree(api.api("GET", "/api/v1/properties", token, null).body());
        assertEquals("Normal", before.get("sync_integration_mode").asText());
        assertEquals(10, before.get("max_event_retry_count").asInt());
        assertTrue(before.get("create_blocking_rsv").asBoolean());
        assertTrue(before.get("blocker_user").isNull());

        WebClient.Response put = api.api("PUT", "/api/v1/properties", token,
                "{\"create_blocking_rsv\": false, \"time_when_reservation_cancelled_without_check_in\": 45}");
        assertEquals(200, put.status(), put.body());
        JsonNode after = JSON.readTree(put.body());
        assertFalse(after.get("create_blocking_rsv").asBoolean());
        assertEquals(45, after.get("time_when_reservation_cancelled_without_check_in").asInt());
        assertEquals(10, after.get("max_event_retry_count").asInt(), "omitted properties keep their value");
        AuditEntry entry = app.app.tx.call(s -> s.createSelectionQuery(
                        "from AuditEntry where tenantId = :t and entityType = 'TenantProperties' order by id desc", AuditEntry.class)
                .setParameter("t", o.tenant.id).setMaxResults(1).uniqueResult());
        assertEquals("sn_wsd_rest_api", entry.source);

        WebClient.Response bad = api.api("PUT", "/api/v1/properties", token,
                "{\"max_event_retry_count\": -1, \"sync_integration_mode\": \"Chaos\"}");
        assertEquals(422, bad.status());
        assertEquals("application/problem+json", bad.header("Content-Type"));
        JsonNode problem = JSON.readTree(bad.body());
        assertEquals(422, problem.get("status").asInt());
        Map<String, String> errors = new HashMap<>();
        problem.get("errors").forEach(e -> errors.put(e.get("field").asText(), e.get("message").asText()));
        assertEquals("Enter a whole number from 0 to 100 (retries).", errors.get("max_event_retry_count"));
        assertEquals("Choose one of Normal, Strict, Personal.", errors.get("sync_integration_mode"));
        assertEquals(45, app.app.tx.call(s -> app.app.properties.timeWhenReservationCancelledWithoutCheckIn(s, o.tenant.id)).toMinutes());

        JsonNode definitions = JSON.readTree(api.api("GET", "/api/v1/properties/definitions", token, null).body());
        assertEquals(9, definitions.size());
        JsonNode retry = definitions.get(4);
        assertEquals("max_event_retry_count", retry.get("name").asText());
        assertEquals("integer", retry.get("type").asText());
        assertEquals("10", retry.get("defaultValue").asText());
        assertEquals(100, retry.get("max").asInt());
        assertTrue(retry.get("usesDefault").asBoolean());
        assertFalse(definitions.get(3).get("usesDefault").asBoolean());
    }

    @Test
    void properties_belong_to_one_tenant_and_employees_cannot_change_them() {
        Org a = org("Alpha");
        Org b = org("Beta");
        b.browser.get("/admin/properties");
        assertEquals(303, b.browser.post("/admin/properties", form(b.tenant.id, Map.of("max_event_retry_count", "3"))).status());
        assertEquals(3, app.app.properties.maxEventRetryCount(b.tenant.id));
        assertEquals(10, app.app.properties.maxEventRetryCount(a.tenant.id));

        User employee = app.fixtures.user(a.tenant, "employee@alpha.test");
        WebClient browser = app.client().signIn(a.tenant.slug, employee.email);
        assertEquals(403, browser.get("/admin/properties").status());
        String token = app.fixtures.apiToken(employee);
        WebClient.Response put = app.client().api("PUT", "/api/v1/properties", token, "{\"max_event_retry_count\": 1}");
        assertEquals(403, put.status());
        assertEquals("application/problem+json", put.header("Content-Type"));
        assertEquals(10, app.app.properties.maxEventRetryCount(a.tenant.id));
    }

    static int count(String haystack, String needle) {
        int n = 0;
        for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) n++;
        return n;
    }
}
