package io.roomsync.calendar;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.roomsync.location.Building;
import io.roomsync.location.Reservable;
import io.roomsync.support.TestApp;
import io.roomsync.support.TestDatabases;
import io.roomsync.tenant.Tenant;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The lifecycle job claims its items with FOR UPDATE SKIP LOCKED, which H2 2.x (the embedded default) supports too. */
class LifecycleClaimH2Test {

    @Test
    void lifecycle_items_are_claimed_and_handled_on_h2() {
        try (TestApp app = TestApp.start(TestDatabases.Kind.H2)) {
            Tenant t = app.fixtures.tenant("Embedded");
            Building building = app.fixtures.building(t, "HQ");
            Reservable room = app.fixtures.room(building, app.fixtures.floor(building, "1"), "Aurora", 4);
            long sub = app.fixtures.subscription(room, "aurora@rooms.test", SubscriptionStatus.ACTIVE, row -> { }).id;
            app.app.tx.run(s -> {
                Instant now = Instant.now();
                for (int i = 0; i < 3; i++) {
                    InboxItem item = new InboxItem();
                    item.tenantId = t.id;
                    item.subscriptionId = sub;
                    item.kind = InboxItem.Kind.LIFECYCLE;
                    item.lifecycleEvent = "missed";
                    item.receivedAt = item.nextAttemptAt = now;
                    s.persist(item);
                }
            });

            app.app.jobs.runNow(SubscriptionService.LIFECYCLE_JOB);

            assertEquals(0L, count(app, sub, InboxItem.Kind.LIFECYCLE));
            assertEquals(3L, count(app, sub, InboxItem.Kind.RESYNC), "each missed event asks for a resync");
        }
    }

    private static long count(TestApp app, long sub, InboxItem.Kind kind) {
        return app.app.tx.call(s -> s.createSelectionQuery("select count(*) from InboxItem where subscriptionId = :s and kind = :k", Long.class)
                .setParameter("s", sub).setParameter("k", kind).getSingleResult());
    }
}
