package io.roomsync.calendar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.roomsync.location.Reservable;
import io.roomsync.reservation.Reservation;
import io.roomsync.reservation.ReservationService;
import io.roomsync.reservation.ReservationState;
import io.roomsync.reservation.Source;
import io.roomsync.support.DemoSync;
import io.roomsync.tenant.User;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Round trips through everything: the portal, the outbox, Graph, the room's booking assistant, the webhook, delta. */
class SyncRoundTripTest {
    private static final Duration WITHIN = Duration.ofSeconds(20);
    private static DemoSync sync;

    @BeforeAll
    static void start() {
        sync = DemoSync.start(Map.of());
    }

    @AfterAll
    static void stop() {
        sync.close();
    }

    @Test
    void a_portal_booking_lands_in_the_users_calendar_and_is_confirmed_when_the_room_accepts() {
        Reservable room = sync.rooms().get(0);
        sync.activate(room);
        User alex = sync.person("alex@contoso.example");
        LocalDate day = LocalDate.now().plusDays(2);
        ReservationService.Saved saved = sync.app.app.reservations.create(sync.app.fixtures.signedIn(alex),
                new ReservationService.ReservationInput(room.id, LocalDateTime.of(day, LocalTime.of(10, 0)),
                        LocalDateTime.of(day, LocalTime.of(11, 0)), "Roadmap review", "Bring the numbers", null, List.of()),
                Source.PORTAL);
        long id = saved.view().reservation().id;
        assertEquals(ReservationState.AWAITING_CONFIRMATION, saved.view().reservation().state);

        DemoSync.await("the room's acceptance confirms the reservation", WITHIN,
                () -> reservation(id).state == ReservationState.CONFIRMED);
        Reservation confirmed = reservation(id);
        Instant from = confirmed.startAt.minusSeconds(60);
        Instant to = confirmed.endAt.plusSeconds(60);
        assertEquals(1, sync.sandbox.calendar(alex.email, from, to).stream()
                .filter(e -> e.subject().equals("Roadmap review")).count(), "exactly one event in Alex's calendar");
        assertEquals(1, sync.sandbox.calendar(room.email, from, to).size(), "the room holds one copy");
        assertEquals(1L, (long) sync.app.app.tx.<Long>call(s -> s.createSelectionQuery(
                "select count(*) from Reservation where reservableId = :r and startAt = :s and state <> 'CANCELLED'", Long.class)
                .setParameter("r", room.id).setParameter("s", confirmed.startAt).getSingleResult()), "and one reservation");
        assertTrue(confirmed.externalIcalUid != null && confirmed.externalEventId != null);
    }

    private static Reservation reservation(long id) {
        return sync.app.app.tx.call(s -> s.find(Reservation.class, id));
    }
}
