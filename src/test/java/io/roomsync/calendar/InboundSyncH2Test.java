package io.roomsync.calendar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.roomsync.reservation.Reservation;
import io.roomsync.reservation.ReservationState;
import io.roomsync.support.SyncSandboxInbound;
import io.roomsync.support.TestDatabases;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The inbox claim (FOR UPDATE SKIP LOCKED) and the delta pull on the embedded default database, H2 in MySQL mode. */
class InboundSyncH2Test {

    @Test
    void an_outlook_meeting_is_pulled_and_cancelled_on_h2() {
        try (SyncSandboxInbound sync = new SyncSandboxInbound(TestDatabases.Kind.H2)) {
            Instant start = LocalDate.now(ZoneOffset.UTC).plusDays(2).atTime(9, 0).toInstant(ZoneOffset.UTC);
            String id = sync.outlook.book("ann@contoso.test", "On H2", start, start.plusSeconds(3600), "aurora@contoso.test").id();
            sync.sync(sync.auroraSubscription);
            List<Reservation> booked = sync.reservations(sync.aurora);
            assertEquals(1, booked.size());
            assertEquals(ReservationState.CONFIRMED, booked.get(0).state);

            sync.outlook.cancel("ann@contoso.test", id);
            sync.sync(sync.auroraSubscription);
            assertEquals(ReservationState.CANCELLED, sync.reservations(sync.aurora).get(0).state);
            assertTrue(sync.inbox().isEmpty());
        }
    }
}
