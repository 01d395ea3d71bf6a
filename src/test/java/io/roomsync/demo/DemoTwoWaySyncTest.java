package io.roomsync.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.roomsync.calendar.Subscription;
import io.roomsync.calendar.SubscriptionStatus;
import io.roomsync.calendar.SyncConfiguration;
import io.roomsync.calendar.WebhookRegistry;
import io.roomsync.sandbox.DemoDirectory;
import io.roomsync.sandbox.ExchangeSandbox;
import io.roomsync.support.TestApp;
import io.roomsync.support.TestDatabases;
import io.roomsync.tenant.Tenant;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Demo mode with ROOMSYNC_DEMO_SYNC: the demo rooms sync out of the box, and a restart keeps it so. */
class DemoTwoWaySyncTest {
    private static TestApp app;
    private static long contoso;
    private static int rooms;

    @BeforeAll
    static void start() throws Exception {
        app = TestApp.start(TestDatabases.Kind.MARIADB, Clock.systemUTC(), Map.of("ROOMSYNC_DEMO", "true", "ROOMSYNC_DEMO_SYNC", "true"));
        contoso = app.app.tx.call(s -> s.createSelectionQuery("from Tenant where slug = :s", Tenant.class)
                .setParameter("s", DemoSeeder.SLUG).getSingleResult().id);
        rooms = app.app.tx.call(s -> s.createSelectionQuery(
                        "select count(*) from Reservable where tenantId = :t and kind = :k and email is not null", Long.class)
                .setParameter("t", contoso).setParameter("k", io.roomsync.location.ReservableKind.ROOM).getSingleResult()).intValue();
        DemoTwoWaySync.Summary first = app.app.demoTwoWaySync.done().get(60, TimeUnit.SECONDS);
        assertEquals(new DemoTwoWaySync.Summary(rooms, 0, 0, 0), first, "every room with a mailbox configured and activated at start");
    }

    @AfterAll
    static void stop() {
        if (app != null) app.close();
    }

    @Test
    void every_demo_room_with_a_mailbox_syncs_through_the_webhook_at_the_servers_real_address() {
        assertEquals(app.baseUrl, app.app.webhookRegistry.callbackBase(contoso));
        List<Subscription> subscriptions = subscriptions();
        assertEquals(rooms, subscriptions.size());
        assertTrue(subscriptions.stream().allMatch(s -> s.status == SubscriptionStatus.ACTIVE), subscriptions.toString());
        assertTrue(configurations().stream().allMatch(c -> c.active));
        Map<String, String> inSandbox = sandboxUrls();
        for (Subscription s : subscriptions) {
            assertEquals(app.baseUrl + WebhookRegistry.NOTIFICATIONS_PATH, inSandbox.get(s.graphSubscriptionId), s.mailboxLower);
        }
    }

    @Test
    void a_restart_keeps_the_configurations_reactivates_a_deactivated_one_and_moves_subscriptions_to_a_new_address() {
        SyncConfiguration first = configurations().get(0);
        var admin = DemoExchange.demoAdmin(app.app.tx);
        assertTrue(app.app.syncConfigurations.deactivate(admin, "test", first.id).ok());

        DemoTwoWaySync.Summary again = newRun().run(app.baseUrl);

        assertEquals(new DemoTwoWaySync.Summary(0, 1, rooms - 1, 0), again);
        assertEquals(rooms, configurations().size(), "no second configuration for any room");
        assertTrue(configurations().stream().allMatch(c -> c.active));

        // As after a restart on another port: every subscription must call the new address.
        String otherAddress = app.baseUrl.replace("localhost", "127.0.0.1");
        Set<String> before = subscriptions().stream().map(s -> s.graphSubscriptionId).collect(Collectors.toSet());
        DemoTwoWaySync.Summary moved = newRun().run(otherAddress);

        assertEquals(new DemoTwoWaySync.Summary(0, rooms, 0, 0), moved);
        assertEquals(otherAddress, app.app.webhookRegistry.callbackBase(contoso));
        Map<String, String> inSandbox = sandboxUrls();
        for (Subscription s : subscriptions()) {
            assertFalse(before.contains(s.graphSubscriptionId), "a new Graph subscription for " + s.mailboxLower);
            assertEquals(otherAddress + WebhookRegistry.NOTIFICATIONS_PATH, inSandbox.get(s.graphSubscriptionId), s.mailboxLower);
        }
        assertEquals(rooms, inSandbox.size(), "the old subscriptions were deleted in the sandbox");
        assertEquals(new DemoTwoWaySync.Summary(0, 0, rooms, 0), newRun().run(otherAddress), "nothing to do the next time");
        assertEquals(new DemoTwoWaySync.Summary(0, rooms, 0, 0), newRun().run(app.baseUrl), "back at the first address");
    }

    private static DemoTwoWaySync newRun() {
        return new DemoTwoWaySync(app.app.tx, app.app.exchangeSandbox, app.app.webhookRegistry, app.app.syncConfigurations,
                app.app.subscriptions);
    }

    private static List<SyncConfiguration> configurations() {
        return app.app.tx.call(s -> s.createSelectionQuery("from SyncConfiguration where tenantId = :t order by id", SyncConfiguration.class)
                .setParameter("t", contoso).getResultList());
    }

    private static List<Subscription> subscriptions() {
        return app.app.tx.call(s -> s.createSelectionQuery("from Subscription where tenantId = :t order by id", Subscription.class)
                .setParameter("t", contoso).getResultList());
    }

    private static Map<String, String> sandboxUrls() {
        ExchangeSandbox sandbox = app.app.exchangeSandbox;
        return sandbox.subscriptionsOf(sandbox.tenant(DemoDirectory.TENANT_ID)).stream()
                .collect(Collectors.toMap(ExchangeSandbox.SubscriptionInfo::id, ExchangeSandbox.SubscriptionInfo::notificationUrl));
    }
}
