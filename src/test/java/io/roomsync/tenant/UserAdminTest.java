package io.roomsync.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.roomsync.audit.AuditEntry;
import io.roomsync.support.Fixtures;
import io.roomsync.support.TestApp;
import io.roomsync.support.TestDatabases;
import io.roomsync.support.WebClient;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class UserAdminTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String NEW_PASSWORD = "a-brand-new-password";
    static TestApp app;

    @BeforeAll
    static void start() {
        app = TestApp.start(TestDatabases.Kind.MARIADB);
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    record Org(Tenant tenant, User admin, WebClient browser, String token) {}

    Org org(String name) {
        Tenant t = app.fixtures.tenant(name);
        User admin = app.fixtures.user(t, "admin@" + t.slug + ".test", Role.TENANT_ADMIN);
        return new Org(t, admin, app.client().signIn(t.slug, admin.email), app.fixtures.apiToken(admin));
    }

    static User reload(long id) {
        return app.app.tx.call(s -> s.find(User.class, id));
    }

    static List<AuditEntry> audit(long tenantId, long userId) {
        return app.app.tx.call(s -> app.app.audit.forEntity(s, tenantId, "User", userId));
    }

    @Test
    void an_admin_adds_a_user_who_can_then_sign_in_with_the_initial_password() {
        Org o = org("Create");
        o.browser.get("/admin/users/new");
        WebClient.Response r = o.browser.post("/admin/users", Map.of("email", "Carla@create.test", "displayName", "Carla Diaz",
                "timeZone", "Europe/Zurich", "syncAdmin", "on", "password", NEW_PASSWORD));
        assertEquals(303, r.status(), r.body());
        User carla = app.app.tx.call(s -> s.createSelectionQuery("from User where tenantId = :t and emailLower = 'carla@create.test'", User.class)
                .setParameter("t", o.tenant.id).uniqueResult());
        assertEquals("/admin/users/" + carla.id, r.header("Location"));
        assertEquals(Set.of(Role.EMPLOYEE, Role.SYNC_ADMIN), carla.roles);
        assertEquals("Europe/Zurich", carla.timeZone);

        app.client().signIn(o.tenant.slug, "carla@create.test", NEW_PASSWORD);

        WebClient.Response detail = o.browser.get("/admin/users/" + carla.id);
        assertTrue(detail.body().contains("Carla Diaz was added."));
        assertTrue(detail.body().contains("Calendar sync admin"));
        assertFalse(detail.body().contains("argon2"), "no password hash on pages");
        List<AuditEntry> entries = audit(o.tenant.id, carla.id);
        assertEquals("create", entries.get(0).action);
        assertTrue(entries.get(0).changes.contains("password: changed"));
        assertFalse(entries.get(0).changes.contains(carla.passwordHash));
        assertFalse(entries.get(0).changes.contains("argon2"));
    }

    @Test
    void the_new_user_form_explains_every_problem_at_once() {
        Org o = org("Problems");
        app.fixtures.user(o.tenant, "taken@problems.test");
        o.browser.get("/admin/users/new");
        WebClient.Response r = o.browser.post("/admin/users", Map.of("email", "TAKEN@problems.test", "displayName", "",
                "timeZone", "Mars/Olympus", "password", "short"));
        assertEquals(400, r.status());
        assertTrue(r.body().contains("A user with this e-mail already exists."));
        assertTrue(r.body().contains("Enter a name."));
        assertTrue(r.body().contains("Enter an IANA time zone"));
        assertTrue(r.body().contains("Use at least 10 characters."));
        assertTrue(r.body().contains("value=\"Mars/Olympus\""));
        assertEquals(2L, (long) app.app.tx.call(s -> s.createSelectionQuery("select count(*) from User where tenantId = :t", Long.class)
                .setParameter("t", o.tenant.id).getSingleResult()));
    }

    @Test
    void the_user_list_searches_names_and_emails_and_shows_roles_and_status() {
        Org o = org("Listing");
        app.fixtures.user(o.tenant, "zoe.sync@listing.test", Role.SYNC_ADMIN);
        User old = app.fixtures.user(o.tenant, "old.timer@listing.test");
        app.app.tx.run(s -> s.find(User.class, old.id).active = false);

        WebClient.Response all = o.browser.get("/admin/users");
        assertEquals(200, all.status());
        assertTrue(all.body().contains("zoe.sync@listing.test"));
        assertTrue(all.body().contains("<span class=\"badge role\">Calendar sync admin</span>"));
        assertTrue(all.body().contains("<span class=\"badge bad\">Inactive</span>"));
        assertTrue(all.body().contains("3 users"));

        WebClient.Response search = o.browser.get("/admin/users?q=ZOE");
        assertTrue(search.body().contains("zoe.sync@listing.test"));
        assertFalse(search.body().contains("old.timer@listing.test"));
        WebClient.Response none = o.browser.get("/admin/users?q=nobody-like-this");
        assertTrue(none.body().contains("No user matches"));
        assertTrue(o.browser.get("/admin/users?q=_").body().contains("No user matches"), "wildcards are searched literally");
        assertTrue(o.browser.get("/admin/users?q=%25").body().contains("No user matches"), "wildcards are searched literally");
    }

    @Test
    void an_admin_changes_roles_and_cannot_demote_or_deactivate_themselves() {
        Org o = org("Roles");
        User dan = app.fixtures.user(o.tenant, "dan@roles.test");
        o.browser.get("/admin/users/" + dan.id);
        WebClient.Response r = o.browser.post("/admin/users/" + dan.id, Map.of("displayName", "Dan Brown", "timeZone", "",
                "tenantAdmin", "on"));
        assertEquals(303, r.status(), r.body());
        assertEquals(Set.of(Role.EMPLOYEE, Role.TENANT_ADMIN), reload(dan.id).roles);
        assertEquals("Dan Brown", reload(dan.id).displayName);
        assertTrue(audit(o.tenant.id, dan.id).get(0).changes.contains("roles: 'Employee' -> 'Employee, Tenant admin'"));

        o.browser.get("/admin/users/" + o.admin.id);
        WebClient.Response demote = o.browser.post("/admin/users/" + o.admin.id, Map.of("displayName", "Me", "timeZone", ""));
        assertEquals(400, demote.status());
        assertTrue(demote.body().contains("You cannot remove your own Tenant admin role."));
        assertTrue(reload(o.admin.id).has(Role.TENANT_ADMIN));

        WebClient.Response deactivate = o.browser.post("/admin/users/" + o.admin.id + "/deactivate", Map.of());
        assertEquals(400, deactivate.status());
        assertTrue(reload(o.admin.id).active);

        WebClient.Response api = app.client().api("PUT", "/api/v1/users/" + o.admin.id, o.token, "{\"active\": false}");
        assertEquals(422, api.status());
        assertTrue(api.body().contains("\"field\":\"active\""));
    }

    @Test
    void a_deactivated_user_is_signed_out_cannot_sign_in_and_their_tokens_get_401_until_reactivated() {
        Org o = org("Deactivate");
        User eve = app.fixtures.user(o.tenant, "eve@deactivate.test");
        WebClient eveBrowser = app.client().signIn(o.tenant.slug, eve.email);
        String eveToken = app.fixtures.apiToken(eve);
        assertEquals(200, app.client().api("GET", "/api/v1/me", eveToken, null).status());

        o.browser.get("/admin/users/" + eve.id);
        WebClient.Response r = o.browser.post("/admin/users/" + eve.id + "/deactivate", Map.of());
        assertEquals(303, r.status());
        assertFalse(reload(eve.id).active);

        assertTrue(eveBrowser.get("/settings/tokens").header("Location").startsWith("/login"), "session ended");
        WebClient again = app.client();
        again.get("/login");
        assertEquals(401, again.post("/login", Map.of("organization", o.tenant.slug, "email", eve.email, "password", Fixtures.PASSWORD)).status());
        WebClient.Response refused = app.client().api("GET", "/api/v1/me", eveToken, null);
        assertEquals(401, refused.status());
        assertEquals("application/problem+json", refused.header("Content-Type"));
        assertEquals("deactivate", audit(o.tenant.id, eve.id).get(0).action);

        o.browser.get("/admin/users/" + eve.id);
        assertEquals(303, o.browser.post("/admin/users/" + eve.id + "/reactivate", Map.of()).status());
        assertEquals(200, app.client().api("GET", "/api/v1/me", eveToken, null).status());
    }

    @Test
    void an_admin_resets_a_password_and_the_old_one_stops_working() {
        Org o = org("Reset");
        User finn = app.fixtures.user(o.tenant, "finn@reset.test");
        String finnToken = app.fixtures.apiToken(finn);
        WebClient finnBrowser = app.client().signIn(o.tenant.slug, finn.email);
        o.browser.get("/admin/users/" + finn.id);
        assertEquals(400, o.browser.post("/admin/users/" + finn.id + "/password", Map.of("password", "short")).status());
        assertEquals(303, o.browser.post("/admin/users/" + finn.id + "/password", Map.of("password", NEW_PASSWORD)).status());

        assertTrue(finnBrowser.get("/settings/tokens").header("Location").startsWith("/login"), "old sessions end");
        assertEquals(401, app.client().api("GET", "/api/v1/me", finnToken, null).status(), "and so do API tokens");
        WebClient old = app.client();
        old.get("/login");
        assertEquals(401, old.post("/login", Map.of("organization", o.tenant.slug, "email", finn.email, "password", Fixtures.PASSWORD)).status());
        app.client().signIn(o.tenant.slug, finn.email, NEW_PASSWORD);
        assertTrue(audit(o.tenant.id, finn.id).get(0).changes.contains("password: changed"));
    }

    @Test
    void the_users_api_lists_creates_reads_and_changes_users_without_ever_showing_a_hash() throws Exception {
        Org o = org("UsersApi");
        WebClient api = app.client();
        WebClient.Response created = api.api("POST", "/api/v1/users", o.token, "{\"email\": \"gus@usersapi.test\", "
                + "\"displayName\": \"Gus\", \"timeZone\": \"America/New_York\", \"roles\": [\"SYNC_ADMIN\"], \"password\": \"" + NEW_PASSWORD + "\"}");
        assertEquals(201, created.status(), created.body());
        JsonNode gus = JSON.readTree(created.body());
        long id = gus.get("id").asLong();
        assertEquals("/api/v1/users/" + id, created.header("Location"));
        assertEquals("[\"EMPLOYEE\",\"SYNC_ADMIN\"]", gus.get("roles").toString());
        assertTrue(gus.get("active").asBoolean());

        WebClient.Response duplicate = api.api("POST", "/api/v1/users", o.token, "{\"email\": \"GUS@usersapi.test\", "
                + "\"displayName\": \"\", \"password\": \"x\"}");
        assertEquals(422, duplicate.status());
        Map<String, String> errors = new HashMap<>();
        JSON.readTree(duplicate.body()).get("errors").forEach(e -> errors.put(e.get("field").asText(), e.get("message").asText()));
        assertEquals(Set.of("email", "displayName", "password"), errors.keySet());
        assertEquals("A user with this e-mail already exists.", errors.get("email"));

        WebClient.Response list = api.api("GET", "/api/v1/users?q=gus", o.token, null);
        assertEquals(200, list.status());
        assertEquals(1, JSON.readTree(list.body()).size());

        WebClient.Response changed = api.api("PUT", "/api/v1/users/" + id, o.token,
                "{\"displayName\": \"Gus Grant\", \"roles\": [\"TENANT_ADMIN\"], \"timeZone\": \"\"}");
        assertEquals(200, changed.status(), changed.body());
        JsonNode after = JSON.readTree(changed.body());
        assertEquals("Gus Grant", after.get("displayName").asText());
        assertTrue(after.get("timeZone").isNull());
        assertEquals("[\"EMPLOYEE\",\"TENANT_ADMIN\"]", after.get("roles").toString());
        assertEquals("sn_wsd_rest_api", audit(o.tenant.id, id).get(0).source);

        WebClient.Response badRole = api.api("PUT", "/api/v1/users/" + id, o.token, "{\"roles\": [\"PLATFORM_OPERATOR\"]}");
        assertEquals(422, badRole.status());
        assertFalse(reload(id).has(Role.PLATFORM_OPERATOR));

        for (String body : List.of(created.body(), list.body(), changed.body(), api.api("GET", "/api/v1/users/" + id, o.token, null).body())) {
            assertFalse(body.contains("password"), body);
            assertFalse(body.contains("argon2"), body);
        }
        assertEquals(404, api.api("GET", "/api/v1/users/not-a-number", o.token, null).status());
    }

    @Test
    void me_tells_any_user_who_their_token_acts_as() throws Exception {
        Org o = org("MeToo");
        User ida = app.fixtures.user(o.tenant, "ida@metoo.test");
        JsonNode me = JSON.readTree(app.client().api("GET", "/api/v1/me", app.fixtures.apiToken(ida), null).body());
        assertEquals(ida.id.longValue(), me.get("id").asLong());
        assertEquals("ida@metoo.test", me.get("email").asText());
        assertEquals(o.tenant.slug, me.get("organization").asText());
        assertEquals("[\"EMPLOYEE\"]", me.get("roles").toString());
    }

    @Test
    void a_user_of_another_tenant_is_not_found_in_pages_and_api() throws Exception {
        Org a = org("TenantA");
        Org b = org("TenantB");
        User annA = app.fixtures.user(a.tenant, "ann@tenanta.test");

        assertEquals(404, b.browser.get("/admin/users/" + annA.id).status());
        b.browser.get("/admin/users");
        assertEquals(404, b.browser.post("/admin/users/" + annA.id, Map.of("displayName", "Hijacked", "timeZone", "")).status());
        assertEquals(404, b.browser.post("/admin/users/" + annA.id + "/deactivate", Map.of()).status());
        assertEquals(404, b.browser.post("/admin/users/" + annA.id + "/password", Map.of("password", NEW_PASSWORD)).status());
        assertFalse(b.browser.get("/admin/users").body().contains("ann@tenanta.test"));

        WebClient api = app.client();
        WebClient.Response get = api.api("GET", "/api/v1/users/" + annA.id, b.token, null);
        assertEquals(404, get.status());
        assertEquals("application/problem+json", get.header("Content-Type"));
        JsonNode problem = JSON.readTree(get.body());
        assertEquals(404, problem.get("status").asInt());
        assertNotNull(problem.get("title"));
        assertEquals("/api/v1/users/" + annA.id, problem.get("instance").asText());
        assertEquals(404, api.api("PUT", "/api/v1/users/" + annA.id, b.token, "{\"active\": false}").status());
        assertFalse(JSON.readTree(api.api("GET", "/api/v1/users", b.token, null).body()).toString().contains("tenanta.test"));

        User after = reload(annA.id);
        assertEquals("ann", after.displayName);
        assertTrue(after.active);
        assertTrue(audit(a.tenant.id, annA.id).isEmpty());
    }

    @Test
    void an_employee_gets_403_on_admin_pages_and_admin_api_calls() {
        Org o = org("Staff");
        User joe = app.fixtures.user(o.tenant, "joe@staff.test");
        WebClient browser = app.client().signIn(o.tenant.slug, joe.email);
        assertEquals(403, browser.get("/admin/users").status());
        assertEquals(403, browser.get("/admin/users/" + o.admin.id).status());
        browser.get("/settings/tokens");
        assertEquals(403, browser.post("/admin/users/" + joe.id, Map.of("displayName", "Joe", "tenantAdmin", "on")).status());
        assertFalse(reload(joe.id).has(Role.TENANT_ADMIN));

        String token = app.fixtures.apiToken(joe);
        assertEquals(403, app.client().api("GET", "/api/v1/users", token, null).status());
        assertEquals(403, app.client().api("POST", "/api/v1/users", token, "{\"email\": \"x@staff.test\"}").status());
        assertEquals(403, app.client().api("PUT", "/api/v1/users/" + joe.id, token, "{\"roles\": [\"TENANT_ADMIN\"]}").status());
        assertFalse(reload(joe.id).has(Role.TENANT_ADMIN));
    }
}
