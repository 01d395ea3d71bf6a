package io.roomsync.calendar;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The sync health page and API count the tenant's own sync events and subscriptions, and nobody else's. */
class SyncHealthTest {
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
    void a_sync_admin_sees_counts_and_subscriptions_of_their_own_tenant_only() throws Exception {
        Tenant tenant = app.fixtures.tenant("Health");
        app.fixtures.user(tenant, "sync@health.test", Role.SYNC_ADMIN);
        Reservable aurora = syncedRoom(tenant, "Aurora", SubscriptionStatus.ACTIVE, "expired soon");
        syncedRoom(tenant, "Borealis", SubscriptionStatus.FAILED, "Graph said <no>");
        Instant now = Instant.now();
        event(tenant, aurora, SyncEvent.State.PROCESSED, null, now);
        event(tenant, aurora, SyncEvent.State.NEW, null, now);
        event(tenant, aurora, SyncEvent.State.ERROR, SyncEvent.ErrorOrigin.REJECTED, now);
        event(tenant, aurora, SyncEvent.State.ERROR, SyncEvent.ErrorOrigin.NOT_SENT, now.minus(Duration.ofDays(3)));
        Tenant other = app.fixtures.tenant("Elsewhere");
        event(other, syncedRoom(other, "Cirrus", SubscriptionStatus.FAILED, null), SyncEvent.State.ERROR,
                SyncEvent.ErrorOrigin.REJECTED, now);

        app.app.webhookCounters.count(tenant.id, WebhookCounters.Reason.FORGED, 3);
        app.app.webhookCounters.count(other.id, WebhookCounters.Reason.FORGED, 5);

        WebClient browser = app.client().signIn(tenant.slug, "sync@health.test");
        WebClient.Response page = browser.get("/admin/sync/health");
        assertEquals(200, page.status());
        assertTrue(page.body().contains("Aurora") && page.body().contains("Borealis") && !page.body().contains("Cirrus"), page.body());
        assertTrue(page.body().contains("Graph said &lt;no&gt;"), "errors are shown escaped");

        JsonNode health = new ObjectMapper().readTree(app.client().api("GET", "/api/v1/sync/health",
                app.fixtures.apiToken(app.fixtures.user(tenant, "sync2@health.test", Role.SYNC_ADMIN)), null).body());
        assertEquals(1, health.get("pending").asLong());
        assertEquals(1, health.get("errorsLast24Hours").asLong());
        assertEquals(1, health.get("errorsRejectedLast30Days").asLong());
        assertEquals(1, health.get("errorsNotSentLast30Days").asLong());
        assertEquals(1, health.get("subscriptionsByStatus").get("ACTIVE").asLong());
        assertEquals(1, health.get("subscriptionsByStatus").get("FAILED").asLong());
        assertEquals(2, health.get("subscriptions").size());
        JsonNode drops = health.get("webhookDropsLast7Days");
        assertEquals(1, drops.size(), drops.toString());
        assertEquals("FORGED", drops.get(0).get("reason").asText());
        assertEquals(3, drops.get(0).get("dropped").asLong(), "only this tenant's forged items");
    }

    @Test
    void employees_may_not_see_sync_health() {
        Tenant tenant = app.fixtures.tenant("Employees");
        app.fixtures.user(tenant, "ann@employees.test");
        assertEquals(403, app.client().signIn(tenant.slug, "ann@employees.test").get("/admin/sync/health").status());
    }

    private Reservable syncedRoom(Tenant tenant, String name, SubscriptionStatus status, String lastError) {
        Building building = app.fixtures.building(tenant, "HQ " + name);
        Reservable room = app.fixtures.room(building, app.fixtures.floor(building, "1"), name, 6);
        app.fixtures.subscription(room, name.toLowerCase() + "@rooms.test", status, sub -> {
            sub.expiresAt = Instant.now().plus(Duration.ofDays(2));
            sub.lastError = lastError;
        });
        return room;
    }

    private void event(Tenant tenant, Reservable room, SyncEvent.State state, SyncEvent.ErrorOrigin origin, Instant at) {
        app.app.tx.run(s -> {
            SyncEvent e = new SyncEvent();
            e.tenantId = tenant.id;
            e.direction = SyncEvent.Direction.OUTBOUND;
            e.eventType = SyncEvent.Type.CREATE;
            e.state = state;
            e.errorOrigin = origin;
            e.nextAttemptAt = at;
            e.createdAt = e.updatedAt = at;
            s.persist(e);
        });
    }
}
