package io.roomsync.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.roomsync.audit.AuditEntry;
import io.roomsync.common.Tokens;
import io.roomsync.support.Fixtures;
import io.roomsync.support.TestApp;
import io.roomsync.support.TestDatabases;
import io.roomsync.support.WebClient;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ApiTokenTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Pattern SHOWN_TOKEN = Pattern.compile("value=\"(rs_[A-Za-z0-9_-]{43})\"");
    static TestApp app;
    static Tenant acme;

    @BeforeAll
    static void start() {
        app = TestApp.start(TestDatabases.Kind.MARIADB);
        acme = app.fixtures.tenant("Acme");
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    /** Creates a token on the settings page and returns it as the page showed it. */
    static String createToken(WebClient browser, String name) {
        browser.get("/settings/tokens");
        WebClient.Response r = browser.post("/settings/tokens", Map.of("name", name));
        assertEquals(200, r.status(), r.body());
        Matcher m = SHOWN_TOKEN.matcher(r.body());
        assertTrue(m.find(), "the new token is shown");
        return m.group(1);
    }

    static List<ApiToken> tokensOf(User u) {
        return app.app.tx.call(s -> s.createSelectionQuery("from ApiToken where userId = :u order by id", ApiToken.class)
                .setParameter("u", u.id).getResultList());
    }

    @Test
    void a_token_is_shown_once_stored_only_as_a_hash_and_acts_as_its_user() throws Exception {
        User ann = app.fixtures.user(acme, "ann@acme.test", Role.SYNC_ADMIN);
        WebClient browser = app.client().signIn(acme.slug, ann.email);
        String token = createToken(browser, "Room report");

        ApiToken stored = tokensOf(ann).get(0);
        assertEquals(Tokens.sha256(token), stored.tokenHash);
        assertEquals(token.substring(0, 8), stored.tokenPrefix);
        assertEquals("Room report", stored.name);
        assertEquals(acme.id, stored.tenantId);
        long withToken = app.app.tx.call(s -> s.createNativeQuery(
                "select count(*) from api_token where token_hash = :t or token_prefix = :t or name = :t", Long.class)
                .setParameter("t", token).getSingleResult());
        assertEquals(0, withToken, "the token itself is stored nowhere");

        WebClient.Response later = browser.get("/settings/tokens");
        assertFalse(later.body().contains(token), "never shown again");
        assertTrue(later.body().contains("Room report"));
        assertTrue(later.body().contains(stored.tokenPrefix));

        WebClient.Response me = app.client().api("GET", "/api/v1/me", token, null);
        assertEquals(200, me.status());
        JsonNode json = JSON.readTree(me.body());
        assertEquals("ann@acme.test", json.get("email").asText());
        assertEquals("[\"EMPLOYEE\",\"SYNC_ADMIN\"]", json.get("roles").toString());
        assertNotNull(tokensOf(ann).get(0).lastUsedAt);
        assertTrue(browser.get("/settings/tokens").body().contains("Active"));

        AuditEntry created = app.app.tx.call(s -> app.app.audit.forEntity(s, acme.id, "ApiToken", stored.id)).get(0);
        assertEquals("create", created.action);
        assertFalse(created.changes.contains(token));
    }

    @Test
    void a_revoked_token_gets_a_401_problem_document() throws Exception {
        User bob = app.fixtures.user(acme, "bob@acme.test");
        WebClient browser = app.client().signIn(acme.slug, bob.email);
        String token = createToken(browser, "CI");
        assertEquals(200, app.client().api("GET", "/api/v1/me", token, null).status());

        ApiToken stored = tokensOf(bob).get(0);
        browser.get("/settings/tokens");
        WebClient.Response revoke = browser.post("/settings/tokens/" + stored.id + "/revoke", Map.of());
        assertEquals(303, revoke.status());
        assertNotNull(tokensOf(bob).get(0).revokedAt);
        assertTrue(browser.get("/settings/tokens").body().contains("Revoked"));

        WebClient.Response refused = app.client().api("GET", "/api/v1/me", token, null);
        assertEquals(401, refused.status());
        assertEquals("application/problem+json", refused.header("Content-Type"));
        assertEquals("Bearer", refused.header("WWW-Authenticate"));
        JsonNode problem = JSON.readTree(refused.body());
        assertEquals("about:blank", problem.get("type").asText());
        assertEquals("Unauthorized", problem.get("title").asText());
        assertEquals(401, problem.get("status").asInt());
        assertEquals("/api/v1/me", problem.get("instance").asText());
        assertTrue(problem.get("detail").asText().contains("Authorization: Bearer"));
        assertEquals(401, app.client().api("GET", "/api/v1/me", null, null).status());
        assertEquals(401, app.client().api("GET", "/api/v1/me", "rs_made-up", null).status());
    }

    @Test
    void nobody_revokes_someone_elses_token() {
        Tenant other = app.fixtures.tenant("Other");
        User cleo = app.fixtures.user(acme, "cleo@acme.test");
        User dave = app.fixtures.user(acme, "dave@acme.test", Role.TENANT_ADMIN);
        User olga = app.fixtures.user(other, "olga@other.test", Role.TENANT_ADMIN);
        String token = app.fixtures.apiToken(cleo);
        long id = tokensOf(cleo).get(0).id;

        for (WebClient browser : List.of(app.client().signIn(acme.slug, dave.email), app.client().signIn(other.slug, olga.email))) {
            browser.get("/settings/tokens");
            assertEquals(404, browser.post("/settings/tokens/" + id + "/revoke", Map.of()).status());
            assertFalse(browser.get("/settings/tokens").body().contains("cleo"));
        }
        assertNull(tokensOf(cleo).get(0).revokedAt);
        assertEquals(200, app.client().api("GET", "/api/v1/me", token, null).status());
    }

    @Test
    void a_token_needs_a_name() {
        User erin = app.fixtures.user(acme, "erin@acme.test");
        WebClient browser = app.client().signIn(acme.slug, erin.email);
        browser.get("/settings/tokens");
        WebClient.Response r = browser.post("/settings/tokens", Map.of("name", "  "));
        assertEquals(400, r.status());
        assertTrue(r.body().contains("Give the token a name"));
        assertTrue(tokensOf(erin).isEmpty());
    }

    @Test
    void a_user_changes_their_password_with_the_current_one_and_other_sessions_end() {
        User fay = app.fixtures.user(acme, "fay@acme.test");
        String token = app.fixtures.apiToken(fay);
        assertEquals(200, app.client().api("GET", "/api/v1/me", token, null).status());
        WebClient laptop = app.client().signIn(acme.slug, fay.email);
        WebClient phone = app.client().signIn(acme.slug, fay.email);

        laptop.get("/settings/tokens");
        WebClient.Response wrong = laptop.post("/settings/password", Map.of("current", "not-my-password", "password", "new-password-123",
                "confirm", "new-password-123"));
        assertEquals(400, wrong.status());
        assertTrue(wrong.body().contains("This is not your current password."));
        WebClient.Response mismatch = laptop.post("/settings/password", Map.of("current", Fixtures.PASSWORD, "password", "new-password-123",
                "confirm", "new-password-124"));
        assertEquals(400, mismatch.status());
        assertTrue(mismatch.body().contains("The two new passwords are not the same."));

        WebClient.Response ok = laptop.post("/settings/password", Map.of("current", Fixtures.PASSWORD, "password", "new-password-123",
                "confirm", "new-password-123"));
        assertEquals(303, ok.status(), ok.body());
        assertEquals(200, laptop.get("/settings/tokens").status(), "this session stays");
        assertTrue(phone.get("/settings/tokens").header("Location").startsWith("/login"), "other sessions end");
        assertEquals(401, app.client().api("GET", "/api/v1/me", token, null).status(), "API tokens made before end too");
        app.client().signIn(acme.slug, fay.email, "new-password-123");
        AuditEntry entry = app.app.tx.call(s -> app.app.audit.forEntity(s, acme.id, "User", fay.id)).get(0);
        assertEquals("password: changed", entry.changes);
    }

    @Test
    void the_api_reports_bad_input_as_problem_documents_with_field_errors() throws Exception {
        User gil = app.fixtures.user(acme, "gil@acme.test", Role.TENANT_ADMIN);
        String token = app.fixtures.apiToken(gil);
        WebClient.Response r = app.client().api("POST", "/api/v1/users", token,
                "{\"email\": \"not-an-email\", \"displayName\": \"Hal\", \"timeZone\": \"Nowhere/Land\", \"password\": \"long-enough-password\"}");
        assertEquals(422, r.status());
        assertEquals("application/problem+json", r.header("Content-Type"));
        JsonNode problem = JSON.readTree(r.body());
        assertEquals(422, problem.get("status").asInt());
        assertEquals("https://roomsync.io/problems/validation", problem.get("type").asText());
        assertEquals("/api/v1/users", problem.get("instance").asText());
        Map<String, String> errors = new java.util.HashMap<>();
        problem.get("errors").forEach(e -> errors.put(e.get("field").asText(), e.get("message").asText()));
        assertEquals(java.util.Set.of("email", "timeZone"), errors.keySet());
        assertTrue(errors.get("email").startsWith("Enter a valid e-mail address"), errors.get("email"));
        assertTrue(errors.get("timeZone").startsWith("Enter an IANA time zone"), errors.get("timeZone"));

        WebClient.Response notJson = app.client().api("POST", "/api/v1/users", token, "{\"email\": ");
        assertEquals(400, notJson.status());
        assertEquals("application/problem+json", notJson.header("Content-Type"));
        WebClient.Response unknownField = app.client().api("PUT", "/api/v1/properties", token, "{\"max_retries\": 3}");
        assertEquals(400, unknownField.status());
        WebClient.Response empty = app.client().api("POST", "/api/v1/users", token, "");
        assertEquals(422, empty.status());
    }
}
