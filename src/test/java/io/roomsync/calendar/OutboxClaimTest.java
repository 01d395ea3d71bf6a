package io.roomsync.calendar;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.roomsync.support.TestApp;
import io.roomsync.support.TestDatabases;
import io.roomsync.tenant.Tenant;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The outbox claim (SELECT ... FOR UPDATE SKIP LOCKED plus the per-reservation order) on every database the app
 * runs on: H2 in MySQL mode and MariaDB.
 */
class OutboxClaimTest {

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void only_the_oldest_unfinished_event_of_a_reservation_is_claimed_and_a_live_claim_is_never_taken_twice(TestDatabases.Kind kind) {
        // The app's own worker lives in 2001 and finds nothing due; the workers of this test live now.
        Clock past = Clock.fixed(Instant.parse("2001-01-01T00:00:00Z"), ZoneOffset.UTC);
        try (TestApp app = TestApp.start(kind, past, java.util.Map.of())) {
            Tenant tenant = app.fixtures.tenant("Claims");
            long create = event(app, tenant, 1_000_001L, SyncEvent.Type.CREATE);
            long update = event(app, tenant, 1_000_001L, SyncEvent.Type.UPDATE);
            long other = event(app, tenant, 1_000_002L, SyncEvent.Type.CREATE);
            OutboxWorker worker = new OutboxWorker(app.app.tx, Clock.systemUTC(), app.app.providerClients, app.app.graphEvents,
                    app.app.properties, app.app.notifications, "test");

            assertEquals(List.of(create, other), worker.claim("node-a", 10), "the update waits for its reservation's create");
            assertEquals(List.of(), worker.claim("node-b", 10), "claimed events are not claimed again");

            app.app.tx.run(s -> s.find(SyncEvent.class, create).state = SyncEvent.State.PROCESSED);
            assertEquals(List.of(update), worker.claim("node-b", 10), "once the create is done, the update is next");

            app.app.tx.run(s -> s.find(SyncEvent.class, other).claimedUntil = Instant.now().minusSeconds(1));
            assertEquals(List.of(other), worker.claim("node-c", 10), "an expired claim (a dead node) is taken over");
            assertEquals("node-c", app.app.tx.call(s -> s.find(SyncEvent.class, other).claimedBy));
        }
    }

    private static long event(TestApp app, Tenant tenant, long reservationId, SyncEvent.Type type) {
        return app.app.tx.call(s -> {
            Instant now = Instant.now().minusSeconds(5);
            SyncEvent e = new SyncEvent();
            e.tenantId = tenant.id;
            e.reservationId = reservationId;
            e.direction = SyncEvent.Direction.OUTBOUND;
            e.eventType = type;
            e.state = SyncEvent.State.NEW;
            e.nextAttemptAt = now;
            e.createdAt = now;
            e.updatedAt = now;
            s.persist(e);
            return e.id;
        });
    }
}
