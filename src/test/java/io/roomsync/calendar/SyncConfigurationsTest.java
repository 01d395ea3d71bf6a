package io.roomsync.calendar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.roomsync.location.Building;
import io.roomsync.location.Reservable;
import io.roomsync.support.TestApp;
import io.roomsync.support.TestDatabases;
import io.roomsync.support.WebClient;
import io.roomsync.tenant.Role;
import io.roomsync.tenant.Tenant;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The rules of sync configurations and the webhook registry, and that tenants never see each other's. */
class SyncConfigurationsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestApp app;

    @BeforeAll
    static void start() {
        app = TestApp.start(TestDatabases.Kind.MARIADB);
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void saving_fills_the_rooms_empty_mailbox_email_and_refuses_a_different_one() throws Exception {
        Tenant t = app.fixtures.tenant("Fill");
        String token = app.fixtures.apiToken(app.fixtures.user(t, "sync@fill.test", Role.SYNC_ADMIN));
        long provider = provider(t, "Exchange", true);
        Reservable empty = room(t, "Aurora", null);
        Reservable withEmail = room(t, "Borealis", "borealis@rooms.test");

        WebClient.Response filled = app.client().api("POST", "/api/v1/sync-configurations", token,
                "{\"reservableId\":" + empty.id + ",\"providerId\":" + provider + ",\"mailboxEmail\":\"Aurora@Rooms.test\"}");
        assertEquals(201, filled.status(), filled.body());
        assertEquals("Aurora@Rooms.test", app.app.tx.call(s -> s.find(Reservable.class, empty.id)).email);

        WebClient.Response refused = app.client().api("POST", "/api/v1/sync-configurations", token,
                "{\"reservableId\":" + withEmail.id + ",\"providerId\":" + provider + ",\"mailboxEmail\":\"other@rooms.test\"}");
        assertEquals(422, refused.status(), refused.body());
        assertTrue(refused.body().contains("borealis@rooms.test"), refused.body());

        // The form says so next to the field.
        WebClient browser = app.client().signIn(t.slug, "sync@fill.test");
        browser.get("/admin/sync/configurations/new");
        WebClient.Response form = browser.post("/admin/sync/configurations", Map.of("reservableId", String.valueOf(withEmail.id),
                "providerId", String.valueOf(provider), "mailboxEmail", "other@rooms.test"));
        assertEquals(400, form.status());
        assertTrue(form.body().contains("aria-invalid=\"true\"") && form.body().contains("borealis@rooms.test"), form.body());

        WebClient.Response same = app.client().api("POST", "/api/v1/sync-configurations", token,
                "{\"reservableId\":" + withEmail.id + ",\"providerId\":" + provider + "}");
        assertEquals(201, same.status(), same.body());
        JsonNode body = JSON.readTree(same.body());
        assertEquals("borealis@rooms.test", body.get("mailboxEmail").asText(), "an empty e-mail takes the room's");
        assertEquals(false, body.get("active").asBoolean());
    }

    @Test
    void configurations_of_an_inactive_provider_can_be_neither_activated_nor_deactivated() throws Exception {
        Tenant t = app.fixtures.tenant("Inactive");
        String token = app.fixtures.apiToken(app.fixtures.user(t, "sync@inactive.test", Role.SYNC_ADMIN));
        long provider = provider(t, "Old Exchange", false);
        long config = JSON.readTree(app.client().api("POST", "/api/v1/sync-configurations", token,
                "{\"reservableId\":" + room(t, "Cirrus", "cirrus@rooms.test").id + ",\"providerId\":" + provider + "}").body()).get("id").asLong();
        for (String action : new String[] {"activate", "deactivate"}) {
            WebClient.Response r = app.client().api("POST", "/api/v1/sync-configurations/" + config + "/" + action, token, null);
            assertEquals(409, r.status(), r.body());
            assertTrue(r.body().contains("Old Exchange") && r.body().contains("inactive"), r.body());
        }
        WebClient browser = app.client().signIn(t.slug, "sync@inactive.test");
        browser.get("/admin/sync/configurations/" + config);
        WebClient.Response page = browser.post("/admin/sync/configurations/" + config + "/activate", Map.of());
        assertEquals(409, page.status());
        assertTrue(page.body().contains("is inactive"), page.body());
    }

    @Test
    void editing_a_configuration_clears_the_stored_delta_state() throws Exception {
        Tenant t = app.fixtures.tenant("Delta");
        String token = app.fixtures.apiToken(app.fixtures.user(t, "sync@delta.test", Role.SYNC_ADMIN));
        long provider = provider(t, "Exchange", true);
        Reservable room = room(t, "Delta", "delta@rooms.test");
        long config = JSON.readTree(app.client().api("POST", "/api/v1/sync-configurations", token,
                "{\"reservableId\":" + room.id + ",\"providerId\":" + provider + "}").body()).get("id").asLong();
        long sub = app.app.tx.call(s -> {
            Subscription row = new Subscription();
            row.tenantId = t.id;
            row.syncConfigurationId = config;
            row.providerId = provider;
            row.mailboxLower = "delta@rooms.test";
            row.status = SubscriptionStatus.FAILED;
            row.deltaLink = "https://graph.example/delta?token=1";
            row.createdAt = row.updatedAt = Instant.now();
            s.persist(row);
            return row.id;
        });
        WebClient.Response r = app.client().api("PUT", "/api/v1/sync-configurations/" + config, token,
                "{\"reservableId\":" + room.id + ",\"providerId\":" + provider + ",\"noRequest\":true}");
        assertEquals(200, r.status(), r.body());
        assertTrue(JSON.readTree(r.body()).get("noRequest").asBoolean());
        assertNull(app.app.tx.call(s -> s.find(Subscription.class, sub)).deltaLink);
    }

    @Test
    void the_callback_url_must_be_https_unless_the_host_is_loopback() throws Exception {
        Tenant t = app.fixtures.tenant("Hooks");
        String token = app.fixtures.apiToken(app.fixtures.user(t, "admin@hooks.test", Role.TENANT_ADMIN));
        assertEquals(422, app.client().api("PUT", "/api/v1/webhook", token, "{\"callbackBaseUrl\":\"http://roomsync.example.com\"}").status());
        assertEquals(200, app.client().api("PUT", "/api/v1/webhook", token, "{\"callbackBaseUrl\":\"http://127.0.0.1:8080/\"}").status());
        JsonNode ok = JSON.readTree(app.client().api("PUT", "/api/v1/webhook", token,
                "{\"callbackBaseUrl\":\"https://roomsync.example.com/\"}").body());
        assertEquals("https://roomsync.example.com/webhooks/graph/notifications", ok.get("notificationUrl").asText());
        assertEquals("NEVER_NOTIFIED", ok.get("status").asText());
        JsonNode back = JSON.readTree(app.client().api("PUT", "/api/v1/webhook", token, "{\"callbackBaseUrl\":null}").body());
        assertTrue(back.get("isDefault").asBoolean());
        assertEquals(app.app.settings.baseUrl(), back.get("callbackBaseUrl").asText());
    }

    @Test
    void another_tenants_configurations_and_subscriptions_are_not_found() throws Exception {
        Tenant mine = app.fixtures.tenant("Mine");
        Tenant theirs = app.fixtures.tenant("Theirs");
        String myToken = app.fixtures.apiToken(app.fixtures.user(mine, "sync@mine.test", Role.SYNC_ADMIN));
        String theirToken = app.fixtures.apiToken(app.fixtures.user(theirs, "sync@theirs.test", Role.SYNC_ADMIN));
        long config = JSON.readTree(app.client().api("POST", "/api/v1/sync-configurations", theirToken,
                "{\"reservableId\":" + room(theirs, "Stratus", "stratus@rooms.test").id + ",\"providerId\":" + provider(theirs, "X", true) + "}")
                .body()).get("id").asLong();
        assertEquals(404, app.client().api("GET", "/api/v1/sync-configurations/" + config, myToken, null).status());
        assertEquals(404, app.client().api("POST", "/api/v1/sync-configurations/" + config + "/activate", myToken, null).status());
        assertEquals(404, app.client().api("DELETE", "/api/v1/sync-configurations/" + config, myToken, null).status());
        assertEquals(0, JSON.readTree(app.client().api("GET", "/api/v1/sync-configurations", myToken, null).body()).size());
        // Someone else's room or provider can't be used either.
        WebClient.Response borrowed = app.client().api("POST", "/api/v1/sync-configurations", myToken,
                "{\"reservableId\":" + room(theirs, "Nimbus", "nimbus@rooms.test").id + ",\"providerId\":" + provider(mine, "Y", true) + "}");
        assertEquals(422, borrowed.status());
        WebClient browser = app.client().signIn(mine.slug, "sync@mine.test");
        assertEquals(404, browser.get("/admin/sync/configurations/" + config).status());
        app.fixtures.user(mine, "ann@mine.test");
        assertEquals(403, app.client().signIn(mine.slug, "ann@mine.test").get("/admin/sync/configurations").status());
    }

    private static long provider(Tenant tenant, String name, boolean active) {
        return app.fixtures.provider(tenant, name, active).id;
    }

    private static Reservable room(Tenant tenant, String name, String email) {
        Building building = app.fixtures.building(tenant, "HQ " + name);
        Reservable room = app.fixtures.room(building, app.fixtures.floor(building, "1"), name, 6);
        app.app.tx.run(s -> s.find(Reservable.class, room.id).email = email);
        return room;
    }
}
