package io.roomsync.calendar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.roomsync.location.Building;
import io.roomsync.location.Reservable;
import io.roomsync.notify.Notification;
import io.roomsync.reservation.Reservation;
import io.roomsync.reservation.ReservationService;
import io.roomsync.reservation.ReservationState;
import io.roomsync.reservation.Source;
import io.roomsync.reservation.SyncMailbox;
import io.roomsync.sandbox.DemoDirectory;
import io.roomsync.sandbox.ExchangeSandbox;
import io.roomsync.support.DemoSync;
import io.roomsync.tenant.User;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Round trips through everything: the portal, the outbox, Graph, the room's booking assistant, the webhook, delta. */
class SyncRoundTripTest {
    private static final Duration WITHIN = Duration.ofSeconds(20);
    /** Outbound retries wait at least 10 s (backoff), so a retried call needs longer. */
    private static final Duration AFTER_RETRIES = Duration.ofSeconds(45);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static DemoSync sync;
    private static List<Reservable> rooms;

    @BeforeAll
    static void start() {
        sync = DemoSync.start(Map.of());
        rooms = sync.rooms();
    }

    @AfterAll
    static void stop() {
        sync.close();
    }

    @Test
    void a_portal_booking_lands_in_the_users_calendar_and_is_confirmed_when_the_room_accepts() {
        Reservable room = rooms.get(0);
        sync.activate(room);
        User alex = sync.person("alex@contoso.example");
        // After the demo's seeded week, so the slot is free.
        LocalDate day = LocalDate.now().plusDays(11);
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
        assertEquals(1L, (long) sync.app.app.tx.call(s -> s.createSelectionQuery(
                "select count(*) from Reservation where reservableId = :r and startAt = :s and state <> 'CANCELLED'", Long.class)
                .setParameter("r", room.id).setParameter("s", confirmed.startAt).getSingleResult()), "and one reservation");
        assertTrue(confirmed.externalIcalUid != null && confirmed.externalEventId != null);
    }

    @Test
    void a_portal_booking_moved_and_then_cancelled_follows_in_the_users_and_the_rooms_calendar() {
        Reservable room = rooms.get(1);
        sync.activate(room);
        User alex = sync.person("alex@contoso.example");
        LocalDate day = LocalDate.now().plusDays(12);
        long id = book(alex, room, day, 9, 10, "Design sync");
        DemoSync.await("confirmed", WITHIN, () -> reservation(id).state == ReservationState.CONFIRMED);
        Instant dayStart = day.atStartOfDay(zone(room)).toInstant();
        Instant dayEnd = dayStart.plus(Duration.ofDays(1));
        assertEquals(List.of("Design sync"), subjects(alex.email, dayStart, dayEnd));

        sync.app.app.reservations.update(sync.app.fixtures.signedIn(alex), id, null, new ReservationService.ReservationInput(
                null, LocalDateTime.of(day, LocalTime.of(14, 0)), LocalDateTime.of(day, LocalTime.of(15, 30)),
                null, null, null, null), Source.PORTAL);
        Instant newStart = LocalDateTime.of(day, LocalTime.of(14, 0)).atZone(zone(room)).toInstant();
        Instant newEnd = newStart.plus(Duration.ofMinutes(90));
        DemoSync.await("the move reaches Alex's calendar", WITHIN, () -> times(alex.email, dayStart, dayEnd)
                .equals(List.of(List.of(newStart, newEnd))));
        DemoSync.await("and the room's calendar", WITHIN, () -> times(room.email, dayStart, dayEnd)
                .equals(List.of(List.of(newStart, newEnd))));
        DemoSync.await("the reservation stays confirmed at the new time", WITHIN, () -> {
            Reservation r = reservation(id);
            return r.state == ReservationState.CONFIRMED && r.startAt.equals(newStart) && r.endAt.equals(newEnd);
        });

        sync.app.app.reservations.cancel(sync.app.fixtures.signedIn(alex), id, null, Source.PORTAL);
        DemoSync.await("the cancel empties Alex's calendar", WITHIN, () -> sync.sandbox.calendar(alex.email, dayStart, dayEnd).isEmpty());
        DemoSync.await("and the room's", WITHIN, () -> sync.sandbox.calendar(room.email, dayStart, dayEnd).isEmpty());
        awaitQuiet();
        assertEquals(ReservationState.CANCELLED, reservation(id).state, "the room's cancelled copy doesn't revive it");
    }

    @Test
    void a_change_the_room_declines_rejects_the_reservation_and_tells_the_user_and_one_it_accepts_confirms_it_again()
            throws Exception {
        Reservable room = rooms.get(9);
        sync.activate(room);
        sync.sandbox.updateRoom(room.email, s -> s.maximumDurationInMinutes = 60);
        User alex = sync.person("alex@contoso.example");
        var signedIn = sync.app.fixtures.signedIn(alex);
        LocalDate day = LocalDate.now().plusDays(19);
        long moved = book(alex, room, day, 9, 10, "Moved within the policy");
        long lengthened = book(alex, room, day, 13, 14, "Lengthened past the policy");
        DemoSync.await("both confirmed", WITHIN, () -> reservation(moved).state == ReservationState.CONFIRMED
                && reservation(lengthened).state == ReservationState.CONFIRMED);

        ReservationService.Saved changed = sync.app.app.reservations.update(signedIn, moved, null, new ReservationService.ReservationInput(
                null, LocalDateTime.of(day, LocalTime.of(11, 0)), LocalDateTime.of(day, LocalTime.of(12, 0)), null, null, null, null),
                Source.PORTAL);
        assertEquals(ReservationState.AWAITING_CONFIRMATION, changed.view().reservation().state, "the room has to accept the new time");
        Instant newStart = LocalDateTime.of(day, LocalTime.of(11, 0)).atZone(zone(room)).toInstant();
        DemoSync.await("the room's acceptance confirms it again", WITHIN, () -> {
            Reservation r = reservation(moved);
            return r.state == ReservationState.CONFIRMED && r.startAt.equals(newStart);
        });

        sync.app.app.reservations.update(signedIn, lengthened, null, new ReservationService.ReservationInput(null, null,
                LocalDateTime.of(day, LocalTime.of(15, 0)), null, null, null, null), Source.PORTAL);
        DemoSync.await("the room's decline rejects it", WITHIN, () -> reservation(lengthened).state == ReservationState.REJECTED);
        List<Notification> told = sync.app.app.tx.call(s -> s.createSelectionQuery(
                "from Notification where userId = :u and kind = 'reservation-rejected'", Notification.class)
                .setParameter("u", alex.id).getResultList());
        assertTrue(told.stream().anyMatch(n -> n.title.contains("Lengthened past the policy")), told.toString());
        awaitQuiet();
        assertEquals(ReservationState.REJECTED, reservation(lengthened).state, "never cancelled as if removed in Outlook");

        // The organizer cancelling in Outlook still cancels the confirmed one.
        String eventId = reservation(moved).externalEventId;
        assertEquals(202, sync.sandbox.outlook(alex.email, "POST", "events/" + eventId + "/cancel", "{}").status());
        DemoSync.await("the Outlook cancel reaches the reservation", WITHIN, () -> reservation(moved).state == ReservationState.CANCELLED);
    }

    @Test
    void in_strict_mode_the_event_is_written_to_the_delegated_mailbox_with_the_user_invited() {
        Reservable room = rooms.get(2);
        sync.activate(room);
        String delegate = delegatedMailbox();
        User alex = sync.person("alex@contoso.example");
        LocalDate day = LocalDate.now().plusDays(13);
        setMode("STRICT");
        try {
            long id = book(alex, room, day, 9, 10, "Strict planning");
            DemoSync.await("confirmed by the room", WITHIN, () -> reservation(id).state == ReservationState.CONFIRMED);
            Instant dayStart = day.atStartOfDay(zone(room)).toInstant();
            Instant dayEnd = dayStart.plus(Duration.ofDays(1));
            List<ExchangeSandbox.OutlookEvent> delegated = sync.sandbox.calendar(delegate, dayStart, dayEnd);
            assertEquals(1, delegated.size(), "one event in the delegated mailbox");
            assertTrue(delegated.get(0).organizer());
            assertTrue(delegated.get(0).attendees().stream().anyMatch(a -> a.address().equalsIgnoreCase(alex.email)),
                    "Alex is invited");
            assertEquals(List.of("Strict planning"), subjects(alex.email, dayStart, dayEnd), "Alex has the invitation");
            assertEquals(1, sync.sandbox.calendar(room.email, dayStart, dayEnd).size());
            assertEquals(SyncMailbox.OTHER, reservation(id).syncMailbox);
        } finally {
            setMode("NORMAL");
        }
    }

    @Test
    void a_weekly_meeting_booked_in_outlook_becomes_one_reservation_per_occurrence_linked_by_its_series() throws Exception {
        Reservable room = rooms.get(8);
        sync.activate(room);
        User megan = sync.person("megan@contoso.example");
        LocalDate first = LocalDate.now().plusDays(21);
        Instant start = LocalDateTime.of(first, LocalTime.of(16, 0)).atZone(zone(room)).toInstant();
        LocalDateTime utc = LocalDateTime.ofInstant(start, java.time.ZoneOffset.UTC);
        String body = """
                {"subject": "Weekly sync",
                 "start": {"dateTime": "%s", "timeZone": "UTC"}, "end": {"dateTime": "%s", "timeZone": "UTC"},
                 "attendees": [{"type": "resource", "emailAddress": {"address": "%s"}}],
                 "recurrence": {"pattern": {"type": "weekly", "interval": 1, "daysOfWeek": ["%s"]},
                                "range": {"type": "numbered", "startDate": "%s", "numberOfOccurrences": 3}}}
                """.formatted(utc, utc.plusMinutes(30), room.email, utc.getDayOfWeek().name().toLowerCase(), utc.toLocalDate());
        ExchangeSandbox.OutlookResult created = sync.sandbox.outlook(megan.email, "POST", "events", body);
        assertEquals(201, created.status(), created.json());

        Instant until = start.plus(Duration.ofDays(15));
        DemoSync.await("three occurrences become reservations", WITHIN, () -> reservationsOf(room, start, until).size() == 3);
        List<Reservation> occurrences = reservationsOf(room, start, until);
        for (int week = 0; week < 3; week++) {
            Reservation r = occurrences.get(week);
            assertEquals(start.plus(Duration.ofDays(7L * week)), r.startAt, "occurrence " + week);
            assertEquals(ReservationState.CONFIRMED, r.state);
            assertEquals(Source.EXCHANGE, r.createdSource);
            assertEquals(megan.id, r.requestedForId);
            assertTrue(r.seriesId != null && r.seriesId.equals(occurrences.get(0).seriesId), "linked by the series id");
        }
        awaitQuiet();
        assertEquals(3, reservationsOf(room, start, until).size(), "never a duplicate");
    }

    @Test
    void a_meeting_made_moved_and_cancelled_in_outlook_is_followed_by_its_reservation() throws Exception {
        Reservable room = rooms.get(3);
        sync.activate(room);
        User megan = sync.person("megan@contoso.example");
        LocalDate day = LocalDate.now().plusDays(14);
        Instant start = LocalDateTime.of(day, LocalTime.of(11, 0)).atZone(zone(room)).toInstant();
        String eventId = outlookMeeting(megan.email, room, "Budget", start, start.plusSeconds(3600));

        Reservation created = awaitReservation(room, start, "the meeting becomes a reservation");
        assertEquals(Source.EXCHANGE, created.createdSource);
        assertEquals(megan.id, created.requestedForId, "the organizer is matched to the tenant's user");
        assertEquals(ReservationState.CONFIRMED, created.state);

        Instant moved = start.plus(Duration.ofHours(3));
        assertTrue(sync.sandbox.outlook(megan.email, "PATCH", "events/" + eventId, times(moved, moved.plusSeconds(1800))).ok());
        DemoSync.await("the move reaches the reservation", WITHIN, () -> {
            Reservation r = reservation(created.id);
            return r.startAt.equals(moved) && r.endAt.equals(moved.plusSeconds(1800)) && r.state == ReservationState.CONFIRMED;
        });

        assertEquals(202, sync.sandbox.outlook(megan.email, "POST", "events/" + eventId + "/cancel", "{}").status());
        DemoSync.await("the cancel reaches the reservation", WITHIN,
                () -> reservation(created.id).state == ReservationState.CANCELLED);
        Instant dayStart = day.atStartOfDay(zone(room)).toInstant();
        assertEquals(1, reservationsOf(room, dayStart, dayStart.plus(Duration.ofDays(1))).size(),
                "never a second reservation");
    }

    @Test
    void a_meeting_by_someone_roomsync_does_not_know_is_shown_as_external() throws Exception {
        Reservable room = rooms.get(7);
        sync.activate(room);
        String visitor = "visitor." + System.nanoTime() + "@" + DemoDirectory.DOMAIN;
        sync.sandbox.addUser(sync.sandbox.tenant(DemoDirectory.TENANT_ID), visitor, "Vera Visitor");
        Instant start = LocalDateTime.of(LocalDate.now().plusDays(15), LocalTime.of(9, 0)).atZone(zone(room)).toInstant();
        outlookMeeting(visitor, room, "Supplier visit", start, start.plusSeconds(3600));

        Reservation r = awaitReservation(room, start, "the visitor's meeting becomes a reservation");
        assertNull(r.requestedForId);
        assertEquals(visitor, r.externalOrganizerEmail.toLowerCase());
        assertEquals("Vera Visitor", r.externalOrganizerName);
        assertEquals(ReservationState.CONFIRMED, r.state);
    }

    @Test
    void duplicate_batched_and_out_of_order_notifications_make_exactly_one_reservation_each() throws Exception {
        Reservable room = rooms.get(4);
        sync.activate(room);
        User megan = sync.person("megan@contoso.example");
        User alex = sync.person("alex@contoso.example");
        LocalDate day = LocalDate.now().plusDays(16);
        sync.sandbox.setDuplicateNotifications(1.0, 42);
        sync.sandbox.setNotificationBatchWindow(Duration.ofMillis(400));
        try {
            long ours = book(alex, room, day, 8, 9, "Standup");
            Instant a = LocalDateTime.of(day, LocalTime.of(10, 0)).atZone(zone(room)).toInstant();
            outlookMeeting(megan.email, room, "Batched one", a, a.plusSeconds(1800));
            outlookMeeting(megan.email, room, "Batched two", a.plusSeconds(3600), a.plusSeconds(5400));

            // Held back, the create and the later move arrive together, in whatever order Graph batches them.
            sync.sandbox.pauseNotifications();
            Instant b = LocalDateTime.of(day, LocalTime.of(13, 0)).atZone(zone(room)).toInstant();
            String late = outlookMeeting(megan.email, room, "Moved before told", b, b.plusSeconds(1800));
            Instant moved = b.plus(Duration.ofHours(2));
            assertTrue(sync.sandbox.outlook(megan.email, "PATCH", "events/" + late, times(moved, moved.plusSeconds(1800))).ok());
            assertTrue(sync.sandbox.awaitIdle(WITHIN));
            sync.sandbox.resumeNotifications();

            Instant dayStart = day.atStartOfDay(zone(room)).toInstant();
            Instant dayEnd = dayStart.plus(Duration.ofDays(1));
            DemoSync.await("four reservations, our own confirmed", WITHIN, () ->
                    reservationsOf(room, dayStart, dayEnd).size() == 4 && reservation(ours).state == ReservationState.CONFIRMED
                            && reservationsOf(room, dayStart, dayEnd).stream().anyMatch(r -> r.startAt.equals(moved)));
            awaitQuiet();
            List<Reservation> all = reservationsOf(room, dayStart, dayEnd);
            assertEquals(4, all.size(), "exactly one reservation per meeting: " + all.stream().map(r -> r.subject).toList());
            assertNoDrift(room, dayStart, dayEnd);
        } finally {
            sync.sandbox.resumeNotifications();
            sync.sandbox.setDuplicateNotifications(0, 1);
            sync.sandbox.setNotificationBatchWindow(Duration.ofMillis(50));
        }
    }

    @Test
    void graph_answering_503_for_a_stretch_then_recovering_loses_nothing() throws Exception {
        Reservable room = rooms.get(5);
        sync.activate(room);
        User alex = sync.person("alex@contoso.example");
        User megan = sync.person("megan@contoso.example");
        LocalDate day = LocalDate.now().plusDays(17);
        Instant dayStart = day.atStartOfDay(zone(room)).toInstant();
        Instant dayEnd = dayStart.plus(Duration.ofDays(1));
        long served = sync.sandbox.injectedFaultsServed();

        // Outbound: the create into Alex's mailbox fails once and is retried later (never slept on).
        sync.sandbox.injectFaults(503, 1, Duration.ofSeconds(1), alex.email);
        long id = book(alex, room, day, 9, 10, "Through the outage");
        // Inbound: the room's pulls fail a few times in a row, each retried after Graph's Retry-After.
        sync.sandbox.injectFaults(503, 3, Duration.ofSeconds(1), room.email);
        Instant start = LocalDateTime.of(day, LocalTime.of(12, 0)).atZone(zone(room)).toInstant();
        outlookMeeting(megan.email, room, "Also through the outage", start, start.plusSeconds(3600));

        DemoSync.await("both reservations confirmed after the outage", AFTER_RETRIES, () ->
                reservation(id).state == ReservationState.CONFIRMED && reservationsOf(room, dayStart, dayEnd).size() == 2);
        assertTrue(sync.sandbox.injectedFaultsServed() - served >= 4, "the faults were served");
        assertEquals(List.of("Through the outage"), subjects(alex.email, dayStart, dayEnd), "one event, not two");
        awaitQuiet();
        assertNoDrift(room, dayStart, dayEnd);
    }

    @Test
    void a_429_storm_is_honoured_and_loses_nothing() throws Exception {
        Reservable room = rooms.get(6);
        sync.activate(room);
        User megan = sync.person("megan@contoso.example");
        LocalDate day = LocalDate.now().plusDays(18);
        Instant dayStart = day.atStartOfDay(zone(room)).toInstant();
        Instant dayEnd = dayStart.plus(Duration.ofDays(1));
        long served = sync.sandbox.injectedFaultsServed();
        sync.sandbox.injectFaults(429, 3, Duration.ofSeconds(1), room.email);
        for (int h = 8; h < 14; h++) {
            Instant start = LocalDateTime.of(day, LocalTime.of(h, 0)).atZone(zone(room)).toInstant();
            outlookMeeting(megan.email, room, "Storm " + h, start, start.plusSeconds(1800));
        }
        DemoSync.await("all six meetings arrive", AFTER_RETRIES, () -> reservationsOf(room, dayStart, dayEnd).size() == 6);
        assertEquals(3, sync.sandbox.injectedFaultsServed() - served, "every throttled answer was met");
        long throttledReads = sync.app.app.tx.call(s -> s.createSelectionQuery(
                        "select count(*) from SyncEvent where syncConfigurationId = (select id from SyncConfiguration"
                                + " where reservableId = :r) and eventType = 'READ' and state = 'ERROR'", Long.class)
                .setParameter("r", room.id).getSingleResult());
        assertTrue(throttledReads >= 1, "the throttled pulls are in the work log");
        awaitQuiet();
        assertNoDrift(room, dayStart, dayEnd);
    }

    // ---- helpers ---------------------------------------------------------------------------------------------------

    private static long book(User who, Reservable room, LocalDate day, int fromHour, int toHour, String subject) {
        return sync.app.app.reservations.create(sync.app.fixtures.signedIn(who),
                new ReservationService.ReservationInput(room.id, LocalDateTime.of(day, LocalTime.of(fromHour, 0)),
                        LocalDateTime.of(day, LocalTime.of(toHour, 0)), subject, null, null, List.of()),
                Source.PORTAL).view().reservation().id;
    }

    /** A person books the room in Outlook: a meeting with the room as resource attendee. Returns the organizer's event id. */
    static String outlookMeeting(String organizer, Reservable room, String subject, Instant start, Instant end) throws Exception {
        String body = "{\"subject\":" + JSON.writeValueAsString(subject) + "," + times(start, end).substring(1, times(start, end).length() - 1)
                + ",\"attendees\":[{\"type\":\"resource\",\"emailAddress\":{\"address\":\"" + room.email + "\"}}]}";
        ExchangeSandbox.OutlookResult created = sync.sandbox.outlook(organizer, "POST", "events", body);
        assertEquals(201, created.status(), created.json());
        return JSON.readTree(created.json()).get("id").asText();
    }

    private static String times(Instant start, Instant end) {
        return "{\"start\":{\"dateTime\":\"" + LocalDateTime.ofInstant(start, java.time.ZoneOffset.UTC) + "\",\"timeZone\":\"UTC\"},"
                + "\"end\":{\"dateTime\":\"" + LocalDateTime.ofInstant(end, java.time.ZoneOffset.UTC) + "\",\"timeZone\":\"UTC\"}}";
    }

    private static void setMode(String mode) {
        sync.app.app.properties.save(sync.app.fixtures.signedIn(sync.person("adele@contoso.example")), "test",
                Map.of("sync_integration_mode", mode));
    }

    /** The provider's delegated user; the demo directory may not have that mailbox, so add it as Exchange would have it. */
    private static String delegatedMailbox() {
        String address = sync.app.app.tx.call(s -> s.find(CalendarProvider.class, sync.providerId).delegatedUserEmail);
        assertTrue(address != null && !address.isBlank(), "the demo provider names a delegated user");
        try {
            sync.sandbox.mailbox(address);
        } catch (RuntimeException missing) {
            sync.sandbox.addUser(sync.sandbox.tenant(DemoDirectory.TENANT_ID), address, "Roomsync delegate");
        }
        return address;
    }

    private static ZoneId zone(Reservable room) {
        return sync.app.app.tx.call(s -> s.find(Building.class, room.buildingId).zone());
    }

    private static List<String> subjects(String mailbox, Instant from, Instant to) {
        return sync.sandbox.calendar(mailbox, from, to).stream().map(ExchangeSandbox.OutlookEvent::subject).toList();
    }

    private static List<List<Instant>> times(String mailbox, Instant from, Instant to) {
        return sync.sandbox.calendar(mailbox, from, to).stream().map(e -> List.of(e.start(), e.end())).toList();
    }

    private static Reservation awaitReservation(Reservable room, Instant start, String what) {
        DemoSync.await(what, WITHIN, () -> reservationsOf(room, start, start.plusSeconds(1)).size() == 1);
        return reservationsOf(room, start, start.plusSeconds(1)).get(0);
    }

    /** Reservations of the room starting in [from, to), cancelled ones too, oldest first. */
    private static List<Reservation> reservationsOf(Reservable room, Instant from, Instant to) {
        return sync.app.app.tx.call(s -> s.createSelectionQuery(
                        "from Reservation where reservableId = :r and startAt >= :f and startAt < :t order by id", Reservation.class)
                .setParameter("r", room.id).setParameter("f", from).setParameter("t", to).getResultList());
    }

    /** Waits until Graph has told everything and our queues are drained. */
    private static void awaitQuiet() {
        SyncChecks.awaitQuiet(sync, WITHIN);
    }

    private static void assertNoDrift(Reservable room, Instant from, Instant to) {
        SyncChecks.assertNoDrift(sync, room, from, to);
    }

    private static Reservation reservation(long id) {
        return sync.app.app.tx.call(s -> s.find(Reservation.class, id));
    }
}
