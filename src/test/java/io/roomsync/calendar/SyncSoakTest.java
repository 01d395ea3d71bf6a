package io.roomsync.calendar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.roomsync.location.Building;
import io.roomsync.location.Reservable;
import io.roomsync.reservation.Reservation;
import io.roomsync.reservation.ReservationService;
import io.roomsync.reservation.ReservationState;
import io.roomsync.reservation.Source;
import io.roomsync.sandbox.ExchangeSandbox;
import io.roomsync.support.DemoSync;
import io.roomsync.tenant.CurrentUser;
import io.roomsync.tenant.User;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Many mixed round trips at once: creates, moves and cancels from the portal and from Outlook, spread over several
 * rooms and days, through the real outbox, Graph, booking assistant, webhook and delta. Afterwards every room's
 * calendar and its reservations agree exactly.
 */
class SyncSoakTest {
    /** Round trips; each gets its own hour of one room on one day, so none is refused for a conflict. */
    private static final int ROUND_TRIPS = Integer.getInteger("soak.roundTrips", 1000);
    private static final int ROOMS = 8;
    private static final int FIRST_DAY = 20;
    private static final int FIRST_HOUR = 8;
    private static final int HOURS = 9;
    private static final int THREADS = 8;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static DemoSync sync;

    @BeforeAll
    static void start() {
        sync = DemoSync.start(Map.of());
    }

    @AfterAll
    static void stop() {
        sync.close();
    }

    private record Slot(Reservable room, ZoneId zone, LocalDate day, int hour) {
        LocalDateTime at(int minute) {
            return LocalDateTime.of(day, LocalTime.of(hour, 0)).plusMinutes(minute);
        }

        Instant instant(int minute) {
            return at(minute).atZone(zone).toInstant();
        }
    }

    @Test
    void a_thousand_mixed_round_trips_leave_no_duplicate_and_no_drift() throws Exception {
        List<Reservable> rooms = sync.rooms().subList(0, ROOMS);
        rooms.forEach(sync::activate);
        List<User> bookers = List.of("alex", "megan", "diego", "adele").stream()
                .map(p -> sync.person(p + "@contoso.example")).toList();
        List<User> organizers = List.of("johanna", "lukas", "megan", "diego").stream()
                .map(p -> sync.person(p + "@contoso.example")).toList();
        List<Slot> slots = new ArrayList<>();
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        for (int i = 0; slots.size() < ROUND_TRIPS; i++) {
            Reservable room = rooms.get(i % ROOMS);
            int dayAndHour = i / ROOMS;
            ZoneId zone = sync.app.app.tx.call(s -> s.find(Building.class, room.buildingId).zone());
            slots.add(new Slot(room, zone, today.plusDays(FIRST_DAY + dayAndHour / HOURS), FIRST_HOUR + dayAndHour % HOURS));
        }
        assertTrue(slots.get(slots.size() - 1).day.isBefore(today.plusDays(85)), "inside the booking window");

        long started = System.nanoTime();
        AtomicInteger cancelled = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int i = 0; i < slots.size(); i++) {
                Slot slot = slots.get(i);
                int kind = i % 6;
                User booker = bookers.get(i % bookers.size());
                User organizer = organizers.get(i % organizers.size());
                work.add(pool.submit(() -> {
                    roundTrip(kind, slot, booker, organizer, "Soak " + slot.room.name + " " + slot.day + " " + slot.hour);
                    if (kind == 2 || kind == 5) cancelled.incrementAndGet();
                    return null;
                }));
            }
            for (Future<?> f : work) f.get();
        } finally {
            pool.shutdownNow();
        }
        long submitted = System.nanoTime();
        SyncChecks.awaitQuiet(sync, Duration.ofMinutes(3));
        // Nothing left to tell: every portal booking has been confirmed by its room.
        DemoSync.await("every remaining reservation confirmed", Duration.ofMinutes(1), () -> count(
                "state = 'AWAITING_CONFIRMATION'") == 0);
        SyncChecks.awaitQuiet(sync, Duration.ofMinutes(1));
        long drained = System.nanoTime();

        System.out.printf("SyncSoakTest: %d round trips over %d rooms with %d threads: submitted in %d ms, drained and"
                        + " confirmed after %d ms%n", slots.size(), ROOMS, THREADS, (submitted - started) / 1_000_000,
                (drained - started) / 1_000_000);

        Instant from = today.plusDays(FIRST_DAY - 1).atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant to = slots.get(slots.size() - 1).day.plusDays(2).atStartOfDay(ZoneOffset.UTC).toInstant();
        for (Reservable room : rooms) SyncChecks.assertNoDrift(sync, room, from, to);
        assertEquals(slots.size() - cancelled.get(), countIn(from, to, "state = 'CONFIRMED'"), "one confirmed reservation per live meeting");
        assertEquals(0, countIn(from, to, "state not in ('CONFIRMED', 'CANCELLED')"), "nothing left waiting, rejected or conflicted");
        // A meeting cancelled in Outlook before any pull saw it never needs a reservation; one seen in between is cancelled.
        long cancelledReservations = countIn(from, to, "state = 'CANCELLED'");
        assertTrue(cancelledReservations >= cancelled.get() / 2 && cancelledReservations <= cancelled.get(),
                "cancelled round trips: " + cancelled.get() + ", cancelled reservations: " + cancelledReservations);
        assertEquals(0, count("syncState = 'ERROR'"), "no sync errors");
    }

    /**
     * 0 portal create, 1 portal create + move, 2 portal create + cancel, 3 Outlook create, 4 Outlook create + move,
     * 5 Outlook create + cancel. Moves stay inside the slot's hour; creates take its first half.
     */
    private static void roundTrip(int kind, Slot slot, User booker, User organizer, String subject) throws Exception {
        if (kind < 3) {
            CurrentUser actor = sync.app.fixtures.signedIn(booker);
            long id = sync.app.app.reservations.create(actor, new ReservationService.ReservationInput(slot.room.id,
                    slot.at(0), slot.at(30), subject, null, null, List.of()), Source.PORTAL).view().reservation().id;
            if (kind == 1) {
                retryingLostUpdates(() -> sync.app.app.reservations.update(actor, id, null, new ReservationService.ReservationInput(
                        null, slot.at(20), slot.at(50), null, null, null, null), Source.PORTAL));
            } else if (kind == 2) {
                retryingLostUpdates(() -> sync.app.app.reservations.cancel(actor, id, null, Source.PORTAL));
            }
            return;
        }
        String body = "{\"subject\":" + JSON.writeValueAsString(subject) + "," + times(slot.instant(0), slot.instant(30))
                + ",\"attendees\":[{\"type\":\"resource\",\"emailAddress\":{\"address\":\"" + slot.room.email + "\"}}]}";
        ExchangeSandbox.OutlookResult created = sync.sandbox.outlook(organizer.email, "POST", "events", body);
        assertEquals(201, created.status(), created.json());
        String eventId = JSON.readTree(created.json()).get("id").asText();
        if (kind == 4) {
            ExchangeSandbox.OutlookResult moved = sync.sandbox.outlook(organizer.email, "PATCH", "events/" + eventId,
                    "{" + times(slot.instant(20), slot.instant(50)) + "}");
            assertTrue(moved.ok(), moved.json());
        } else if (kind == 5) {
            ExchangeSandbox.OutlookResult gone = sync.sandbox.outlook(organizer.email, "POST", "events/" + eventId + "/cancel", "{}");
            assertEquals(202, gone.status(), gone.json());
        }
    }

    /** The inbound sync may confirm the reservation between our read and our write: the portal would retry too. */
    private static void retryingLostUpdates(Runnable change) {
        for (int attempt = 1; ; attempt++) {
            try {
                change.run();
                return;
            } catch (io.roomsync.common.ConflictException | jakarta.persistence.OptimisticLockException
                     | org.hibernate.StaleStateException e) {
                if (attempt >= 5) throw e;
            }
        }
    }

    private static String times(Instant start, Instant end) {
        return "\"start\":{\"dateTime\":\"" + LocalDateTime.ofInstant(start, ZoneOffset.UTC) + "\",\"timeZone\":\"UTC\"},"
                + "\"end\":{\"dateTime\":\"" + LocalDateTime.ofInstant(end, ZoneOffset.UTC) + "\",\"timeZone\":\"UTC\"}";
    }

    private static long count(String where) {
        return sync.app.app.tx.call(s -> s.createSelectionQuery("select count(*) from Reservation where tenantId = :t and "
                + where + " and startAt >= :f", Long.class).setParameter("t", sync.contoso.id)
                .setParameter("f", LocalDate.now(ZoneOffset.UTC).plusDays(FIRST_DAY - 1).atStartOfDay(ZoneOffset.UTC).toInstant())
                .getSingleResult());
    }

    private static long countIn(Instant from, Instant to, String where) {
        return sync.app.app.tx.call(s -> s.createSelectionQuery("select count(*) from Reservation where tenantId = :t and "
                        + where + " and startAt >= :f and startAt < :to", Long.class).setParameter("t", sync.contoso.id)
                .setParameter("f", from).setParameter("to", to).getSingleResult());
    }
}
