package io.roomsync.calendar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.roomsync.graph.GraphDelta;
import io.roomsync.notify.Notification;
import io.roomsync.reservation.Attendee;
import io.roomsync.reservation.Reservation;
import io.roomsync.reservation.ReservationService;
import io.roomsync.reservation.ReservationState;
import io.roomsync.reservation.Source;
import io.roomsync.reservation.SyncState;
import io.roomsync.support.DemoSync;
import io.roomsync.support.Outlook;
import io.roomsync.support.SyncSandboxInbound;
import io.roomsync.support.WebClient;
import io.roomsync.tenant.CurrentUser;
import io.roomsync.location.Reservable;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Exchange -> Roomsync on MariaDB against the Exchange sandbox over HTTPS through the real Graph SDK: meetings made
 * in Outlook become, change and cancel reservations after a notification and one run of the "inbox" job. Tests
 * share one sandbox and app, each on its own day, so they never see each other's meetings.
 */
class InboundSyncTest {
    private static SyncSandboxInbound sync;

    @BeforeAll
    static void start() {
        sync = new SyncSandboxInbound();
    }

    @AfterAll
    static void stop() {
        if (sync != null) sync.close();
    }

    private static Instant at(int daysAhead, int hour, int minute) {
        return LocalDate.now(ZoneOffset.UTC).plusDays(daysAhead).atTime(hour, minute).toInstant(ZoneOffset.UTC);
    }

    /** The reservations of a room that start on the given day (each test books its own day). */
    private static List<Reservation> on(Reservable room, int daysAhead) {
        Instant from = at(daysAhead, 0, 0);
        Instant to = from.plus(Duration.ofDays(1));
        return sync.reservations(room).stream().filter(r -> !r.startAt.isBefore(from) && r.startAt.isBefore(to)).toList();
    }

    private static Reservation only(Reservable room, int daysAhead) {
        List<Reservation> list = on(room, daysAhead);
        assertEquals(1, list.size(), "reservations on day " + daysAhead + ": " + list.size());
        return list.get(0);
    }

    private static List<Attendee> attendees(Reservation r) {
        return sync.app.app.tx.call(s -> s.createSelectionQuery("from Attendee where reservationId = :r order by id", Attendee.class)
                .setParameter("r", r.id).getResultList());
    }

    /** Leaves our reservation as outbound sync does after creating its meeting (the room invited). */
    private static void sentToTheRoom(SyncSandboxInbound world, Reservation ours, Outlook.Meeting meeting) {
        world.app.app.tx.run(s -> {
            Reservation r = s.find(Reservation.class, ours.id);
            r.state = ReservationState.AWAITING_CONFIRMATION;
            r.syncState = SyncState.ENQUEUED;
            r.externalEventId = meeting.id();
            r.externalIcalUid = meeting.iCalUId();
        });
    }

    private static List<SyncEvent> reads() {
        return sync.app.app.tx.call(s -> s.createSelectionQuery("from SyncEvent where direction = :d and eventType = :t order by id", SyncEvent.class)
                .setParameter("d", SyncEvent.Direction.INBOUND).setParameter("t", SyncEvent.Type.READ).getResultList());
    }

    /**
     * As outbound sync leaves a reservation whose create another node has sent to the mailbox without having recorded
     * Graph's answer yet: Awaiting confirmation, the create Processing under a live claim. Returns the create's id.
     */
    private static long createSentNotRecorded(Reservation ours, String mailbox) {
        return sync.app.app.tx.call(s -> {
            Reservation r = s.find(Reservation.class, ours.id);
            r.state = ReservationState.AWAITING_CONFIRMATION;
            r.syncState = SyncState.ENQUEUED;
            SyncEvent e = new SyncEvent();
            e.tenantId = r.tenantId;
            e.reservationId = r.id;
            e.providerId = sync.provider.id;
            e.mailbox = mailbox;
            e.direction = SyncEvent.Direction.OUTBOUND;
            e.eventType = SyncEvent.Type.CREATE;
            e.state = SyncEvent.State.PROCESSING;
            e.claimedBy = "another node";
            e.claimedUntil = Instant.now().plus(Duration.ofHours(1));
            e.attempts = 1;
            e.nextAttemptAt = e.createdAt = e.updatedAt = Instant.now();
            s.persist(e);
            return e.id;
        });
    }

    /** The create of {@link #createSentNotRecorded} is done: nothing of it is on its way any more. */
    private static void createRecorded(long create) {
        sync.app.app.tx.run(s -> {
            SyncEvent e = s.find(SyncEvent.class, create);
            e.state = SyncEvent.State.PROCESSED;
            e.claimedBy = null;
            e.claimedUntil = null;
        });
    }

    private static Reservation reservation(long id) {
        return sync.app.app.tx.call(s -> s.find(Reservation.class, id));
    }

    private static void move(CurrentUser who, long id, Reservable to) {
        sync.app.app.reservations.update(who, id, null, new ReservationService.ReservationInput(to.id, null, null, null, null, null, null),
                Source.PORTAL);
    }

    /** Waits until the reservation's n-th outbound sync event is done (outbound sync runs in the background). */
    private static void awaitOutbound(long id, int events) {
        DemoSync.await("outbound sync event " + events + " of reservation " + id + " done", Duration.ofSeconds(20), () -> {
            List<SyncEvent> list = sync.app.app.tx.call(s -> s.createSelectionQuery("from SyncEvent where reservationId = :r"
                    + " and direction = :d order by id", SyncEvent.class).setParameter("r", id).setParameter("d", SyncEvent.Direction.OUTBOUND)
                    .getResultList());
            return list.size() == events && list.stream().noneMatch(e -> e.state == SyncEvent.State.NEW || e.state == SyncEvent.State.PROCESSING);
        });
        try {
            // and the room has answered the change
            assertTrue(sync.sandbox.awaitIdle(Duration.ofSeconds(20)));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void a_meeting_booked_in_outlook_becomes_a_reservation_of_the_organizer() {
        sync.outlook.book("ann@contoso.test", "Planning", at(2, 9, 0), at(2, 10, 0), "aurora@contoso.test", "bob@contoso.test");
        int readsBefore = reads().size();

        sync.sync(sync.auroraSubscription);

        Reservation r = only(sync.aurora, 2);
        assertEquals(ReservationState.CONFIRMED, r.state);
        assertEquals(Source.EXCHANGE, r.createdSource);
        assertEquals(Source.EXCHANGE, r.updatedSource);
        assertEquals(sync.ann.id, r.requestedForId, "organizer matched case-insensitively (Ann@Contoso.test)");
        assertEquals(sync.ann.id, r.requestedById);
        assertNull(r.externalOrganizerEmail);
        assertEquals("Ann Archer", r.subject, "the room copy's subject is the organizer's name, as the booking assistant left it");
        assertEquals(at(2, 9, 0), r.startAt);
        assertEquals(at(2, 10, 0), r.endAt);
        assertEquals(SyncState.SYNCHRONIZED, r.syncState);
        assertNotNull(r.externalIcalUid);
        assertNotNull(r.roomEventId);
        List<Attendee> people = attendees(r);
        assertEquals(1, people.size());
        assertEquals("bob@contoso.test", people.get(0).email);
        assertEquals(sync.bob.id, people.get(0).userId);
        assertTrue(sync.inbox().isEmpty(), "the item is gone once its pull committed");
        List<SyncEvent> reads = reads();
        assertEquals(readsBefore + 1, reads.size(), "one READ sync event per pull");
        SyncEvent read = reads.get(reads.size() - 1);
        assertEquals(SyncEvent.State.PROCESSED, read.state);
        assertEquals("aurora@contoso.test", read.mailbox);
        assertNotNull(read.graphRequestId);
        assertTrue(read.providerPayload.contains("created reservation " + r.id), read.providerPayload);
        assertNotNull(sync.subscription(sync.auroraSubscription).deltaLink);
        String audit = sync.app.app.tx.call(s -> s.createSelectionQuery("select source from AuditEntry where entityType = 'Reservation' and entityId = :id", String.class)
                .setParameter("id", r.id).getResultList().get(0));
        assertEquals("EXCHANGE", audit);
    }

    @Test
    void moving_and_cancelling_in_outlook_moves_and_cancels_the_reservation() {
        String id = sync.outlook.book("bob@contoso.test", "Review", at(3, 9, 0), at(3, 10, 0), "aurora@contoso.test").id();
        sync.sync(sync.auroraSubscription);
        Reservation booked = only(sync.aurora, 3);

        sync.outlook.move("bob@contoso.test", id, at(3, 14, 0), at(3, 15, 30));
        sync.sync(sync.auroraSubscription);
        Reservation moved = only(sync.aurora, 3);
        assertEquals(booked.id, moved.id);
        assertEquals(at(3, 14, 0), moved.startAt);
        assertEquals(at(3, 15, 30), moved.endAt);
        assertEquals(ReservationState.CONFIRMED, moved.state);

        sync.outlook.cancel("bob@contoso.test", id);
        sync.sync(sync.auroraSubscription);
        Reservation cancelled = only(sync.aurora, 3);
        assertEquals(booked.id, cancelled.id);
        assertEquals(ReservationState.CANCELLED, cancelled.state);
        assertEquals(Source.EXCHANGE, cancelled.updatedSource);
    }

    @Test
    void an_organizer_without_a_roomsync_account_is_shown_as_external() {
        sync.outlook.book("carol@contoso.test", "Supplier visit", at(4, 13, 0), at(4, 14, 0), "borealis@contoso.test");
        sync.sync(sync.borealisSubscription);

        Reservation r = only(sync.borealis, 4);
        assertNull(r.requestedForId);
        assertNull(r.requestedById);
        assertEquals("carol@contoso.test", r.externalOrganizerEmail);
        assertEquals("Carol Cole", r.externalOrganizerName);
        assertEquals(ReservationState.CONFIRMED, r.state);
    }

    @Test
    void duplicate_and_out_of_order_notifications_leave_exactly_one_reservation() {
        String id = sync.outlook.book("ann@contoso.test", "Standup", at(5, 8, 0), at(5, 8, 30), "borealis@contoso.test").id();
        sync.outlook.move("ann@contoso.test", id, at(5, 9, 0), at(5, 9, 30));
        // created + updated + a duplicate, all arriving before the first pull; then a replay of the first item
        int readsBefore = reads().size();
        sync.notifyChange(sync.borealisSubscription, 3);
        sync.drain();
        assertEquals(readsBefore + 1, reads().size(), "three items for one mailbox are one pull");
        sync.sync(sync.borealisSubscription);

        Reservation r = only(sync.borealis, 5);
        assertEquals(at(5, 9, 0), r.startAt, "the latest state wins whatever order the notifications came in");

        // a full-window resync sees the meeting again: still one reservation
        sync.app.app.tx.run(s -> s.createMutationQuery("update Subscription set deltaLink = null where id = :id")
                .setParameter("id", sync.borealisSubscription.id).executeUpdate());
        sync.sync(sync.borealisSubscription);
        assertEquals(r.id, only(sync.borealis, 5).id);
    }

    @Test
    void a_foreign_meeting_overlapping_a_confirmed_reservation_is_conflicted_and_sync_admins_are_told() {
        Reservation portal = sync.app.fixtures.reservation(sync.aurora, sync.bob, at(6, 9, 0), at(6, 10, 0), Source.PORTAL);
        sync.outlook.book("ann@contoso.test", "Overlap", at(6, 9, 30), at(6, 10, 30), "aurora@contoso.test");

        sync.sync(sync.auroraSubscription);

        List<Reservation> day = on(sync.aurora, 6);
        assertEquals(2, day.size(), "nothing silently dropped");
        Reservation foreign = day.stream().filter(r -> r.createdSource == Source.EXCHANGE).findFirst().orElseThrow();
        assertEquals(ReservationState.CONFLICTED, foreign.state);
        assertEquals(ReservationState.CONFIRMED, day.stream().filter(r -> r.id.equals(portal.id)).findFirst().orElseThrow().state);
        List<Notification> notices = sync.app.app.tx.call(s -> s.createSelectionQuery("from Notification where userId = :u and link = :l", Notification.class)
                .setParameter("u", sync.syncAdmin.id).setParameter("l", "/reservations/" + foreign.id).getResultList());
        assertEquals(1, notices.size());
        assertEquals("reservation-conflicted", notices.get(0).kind);
    }

    @Test
    void a_meeting_booked_in_outlook_for_longer_than_the_portal_allows_still_keeps_the_room_from_portal_bookings() {
        sync.sandbox.updateRoom("aurora@contoso.test", r -> r.maximumDurationInMinutes = 7 * 24 * 60);
        try {
            sync.outlook.book("ann@contoso.test", "Offsite week", at(20, 8, 0), at(24, 18, 0), "aurora@contoso.test");
            sync.sync(sync.auroraSubscription);
            assertEquals(ReservationState.CONFIRMED, only(sync.aurora, 20).state);

            // Three days into the meeting, longer ago than any portal booking can last.
            java.time.ZoneId berlin = java.time.ZoneId.of(sync.building.timeZone);
            java.time.LocalDateTime noon = at(23, 12, 0).atZone(berlin).toLocalDateTime();
            CurrentUser bob = sync.app.fixtures.signedIn(sync.bob);
            io.roomsync.common.ConflictException refused = org.junit.jupiter.api.Assertions.assertThrows(io.roomsync.common.ConflictException.class,
                    () -> sync.app.app.reservations.create(bob, new ReservationService.ReservationInput(sync.aurora.id, noon,
                            noon.plusHours(1), "Squeezed in", null, null, List.of()), Source.PORTAL));
            assertTrue(refused.getMessage().contains("Aurora is already booked"), refused.getMessage());
            var free = sync.app.app.availability.find(sync.tenant.id, new io.roomsync.reservation.AvailabilityService.Query(sync.building.id,
                    noon.toLocalDate(), noon.toLocalTime(), 60, 1, java.util.Set.of(), null)).free();
            assertTrue(free.stream().noneMatch(f -> f.reservableId() == sync.aurora.id), "Aurora is not offered: " + free);
        } finally {
            sync.sandbox.updateRoom("aurora@contoso.test", r -> r.maximumDurationInMinutes = 1440);
        }
    }

    @Test
    void an_expired_delta_token_resyncs_the_whole_window_without_duplicates() {
        sync.outlook.book("bob@contoso.test", "Before expiry", at(7, 9, 0), at(7, 10, 0), "borealis@contoso.test");
        sync.sync(sync.borealisSubscription);
        Reservation before = only(sync.borealis, 7);
        String oldLink = sync.subscription(sync.borealisSubscription).deltaLink;
        assertNotNull(oldLink);
        long exchangeBefore = sync.reservations(sync.borealis).stream().filter(r -> r.createdSource == Source.EXCHANGE).count();

        sync.outlook.book("bob@contoso.test", "After expiry", at(7, 11, 0), at(7, 12, 0), "borealis@contoso.test");
        sync.sandbox.expireDeltaTokens();
        sync.sync(sync.borealisSubscription);

        List<Reservation> day = on(sync.borealis, 7);
        assertEquals(2, day.size());
        assertTrue(day.stream().anyMatch(r -> r.id.equals(before.id)));
        long exchangeAfter = sync.reservations(sync.borealis).stream().filter(r -> r.createdSource == Source.EXCHANGE).count();
        assertEquals(exchangeBefore + 1, exchangeAfter, "the full resync found the old meetings, added none twice");
        String newLink = sync.subscription(sync.borealisSubscription).deltaLink;
        assertNotNull(newLink);
        assertNotEquals(oldLink, newLink);
        assertTrue(sync.inbox().isEmpty());
    }

    @Test
    void a_meeting_cancelled_in_outlook_while_the_delta_state_was_lost_is_cancelled_by_the_full_resync() {
        String id = sync.outlook.book("ann@contoso.test", "Cancelled unseen", at(17, 9, 0), at(17, 10, 0), "aurora@contoso.test").id();
        sync.sync(sync.auroraSubscription);
        Reservation booked = only(sync.aurora, 17);
        assertEquals(ReservationState.CONFIRMED, booked.state);
        // ours, its meeting not yet in the room's calendar: no room copy to miss
        Reservation waiting = sync.app.fixtures.reservation(sync.aurora, sync.bob, at(17, 13, 0), at(17, 14, 0), Source.PORTAL);
        sync.app.app.tx.run(s -> s.find(Reservation.class, waiting.id).state = ReservationState.AWAITING_CONFIRMATION);

        sync.outlook.cancel("ann@contoso.test", id);
        sync.sandbox.expireDeltaTokens();
        sync.sync(sync.auroraSubscription);

        Reservation cancelled = sync.app.app.tx.call(s -> s.find(Reservation.class, booked.id));
        assertEquals(ReservationState.CANCELLED, cancelled.state, "the full round no longer met its room copy");
        assertEquals(Source.EXCHANGE, cancelled.updatedSource);
        List<String> actions = sync.app.app.tx.call(s -> s.createSelectionQuery(
                        "select action from AuditEntry where entityType = 'Reservation' and entityId = :id and source = 'EXCHANGE' order by id", String.class)
                .setParameter("id", booked.id).getResultList());
        assertEquals(List.of("create", "cancel"), actions);
        assertEquals(ReservationState.AWAITING_CONFIRMATION, sync.app.app.tx.call(s -> s.find(Reservation.class, waiting.id)).state);
        assertTrue(sync.inbox().isEmpty());
    }

    @Test
    void the_delta_window_moves_with_the_booking_horizon_and_imports_what_it_reaches_once() {
        try (SyncSandboxInbound moving = new SyncSandboxInbound()) {
            int horizon = 30;
            LocalDate today = LocalDate.now(ZoneOffset.UTC);
            moving.app.app.tx.run(s -> {
                s.createMutationQuery("update ReservableModule set bookingWindowDays = :d where tenantId = :t")
                        .setParameter("d", horizon).setParameter("t", moving.tenant.id).executeUpdate();
                s.createMutationQuery("update Subscription set syncStart = :start") // as activation sets it
                        .setParameter("start", today.minusDays(1)).executeUpdate();
            });
            moving.outlook.book("ann@contoso.test", "Before", hour(today.plusDays(2), 9), hour(today.plusDays(2), 10), "aurora@contoso.test");
            moving.sync(moving.auroraSubscription);
            Reservation before = moving.reservations(moving.aurora).get(0);

            moving.clock.advance(Duration.ofDays(horizon + 10));
            LocalDate lastDay = today.plusDays(horizon + 10 + horizon - 1);
            moving.outlook.book("ann@contoso.test", "Near the horizon", hour(lastDay, 9), hour(lastDay, 10), "aurora@contoso.test");
            // a portal booking of Bob's whose meeting outbound sync has sent to the room
            Reservation ours = moving.app.fixtures.reservation(moving.aurora, moving.bob, hour(lastDay, 13), hour(lastDay, 14), Source.PORTAL);
            Outlook.Meeting meeting = moving.outlook.book("bob@contoso.test", "Ours", hour(lastDay, 13), hour(lastDay, 14), "aurora@contoso.test");
            sentToTheRoom(moving, ours, meeting);
            moving.sync(moving.auroraSubscription);

            List<Reservation> all = moving.reservations(moving.aurora);
            assertEquals(3, all.size());
            Reservation imported = all.stream().filter(r -> r.createdSource == Source.EXCHANGE && r.startAt.equals(hour(lastDay, 9))).findFirst().orElseThrow();
            assertEquals(ReservationState.CONFIRMED, imported.state);
            assertEquals(ReservationState.CONFIRMED, moving.app.app.tx.call(s -> s.find(Reservation.class, ours.id)).state);
            assertEquals(ReservationState.CONFIRMED, moving.app.app.tx.call(s -> s.find(Reservation.class, before.id)).state,
                    "behind the new window: neither seen nor swept");

            moving.clock.advance(Duration.ofDays(InboundSync.WINDOW_AHEAD_DAYS));
            moving.sync(moving.auroraSubscription);

            assertEquals(all.stream().map(r -> r.id).toList(), moving.reservations(moving.aurora).stream().map(r -> r.id).toList(),
                    "the window moved again over the same meetings: nothing added twice");
            assertEquals(ReservationState.CONFIRMED, moving.app.app.tx.call(s -> s.find(Reservation.class, imported.id)).state);
            assertEquals(hour(today.plusDays(horizon + 10 + InboundSync.WINDOW_AHEAD_DAYS + horizon + InboundSync.WINDOW_AHEAD_DAYS), 0),
                    moving.subscription(moving.auroraSubscription).deltaWindowEnd);
            assertTrue(moving.inbox().isEmpty());
        }
    }

    private static Instant hour(LocalDate day, int hour) {
        return day.atTime(hour, 0).toInstant(ZoneOffset.UTC);
    }

    @Test
    void a_throttled_pull_reschedules_its_items_and_loses_nothing() throws InterruptedException {
        sync.outlook.book("ann@contoso.test", "Throttled", at(8, 9, 0), at(8, 10, 0), "aurora@contoso.test");
        // Short enough to wait out: GraphCalls also keeps calls to the mailbox back until Retry-After has passed.
        Duration retryAfter = Duration.ofSeconds(5);
        sync.sandbox.injectFaults(429, 1, retryAfter, "aurora@contoso.test");
        Instant before = Instant.now();

        sync.sync(sync.auroraSubscription);

        assertTrue(on(sync.aurora, 8).isEmpty());
        List<InboxItem> items = sync.inbox();
        assertEquals(1, items.size(), "the item waits for its retry");
        InboxItem item = items.get(0);
        assertNull(item.claimedBy);
        assertTrue(!item.nextAttemptAt.isBefore(before.plus(retryAfter)), "due after Retry-After: " + item.nextAttemptAt);
        SyncEvent failed = reads().get(reads().size() - 1);
        assertEquals(SyncEvent.State.ERROR, failed.state);
        assertTrue(failed.errorMessage.startsWith("THROTTLED"), failed.errorMessage);

        sync.drain();
        assertEquals(1, sync.inbox().size(), "not due yet: the job does not retry early");

        // Made due at once, the item is pulled again as soon as GraphCalls lets calls to the mailbox through.
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!sync.inbox().isEmpty() && System.nanoTime() < deadline) {
            sync.app.app.tx.run(s -> s.createMutationQuery("update InboxItem set nextAttemptAt = :now").setParameter("now", Instant.now()).executeUpdate());
            sync.drain();
            if (!sync.inbox().isEmpty()) Thread.sleep(200);
        }
        assertEquals(ReservationState.CONFIRMED, only(sync.aurora, 8).state);
        assertTrue(sync.inbox().isEmpty());
    }

    @Test
    void our_own_reservation_is_confirmed_when_the_room_copy_arrives() {
        Reservation ours = sync.app.fixtures.reservation(sync.borealis, sync.ann, at(9, 9, 0), at(9, 10, 0), Source.PORTAL);
        Outlook.Meeting meeting = sync.outlook.book("ann@contoso.test", "Fixture meeting", at(9, 9, 0), at(9, 10, 0), "borealis@contoso.test");
        sentToTheRoom(sync, ours, meeting);

        sync.sync(sync.borealisSubscription);

        Reservation confirmed = only(sync.borealis, 9);
        assertEquals(ours.id, confirmed.id, "no second reservation for our own meeting");
        assertEquals(ReservationState.CONFIRMED, confirmed.state);
        assertEquals(SyncState.SYNCHRONIZED, confirmed.syncState);
        assertEquals(Source.PORTAL, confirmed.createdSource);
        assertEquals("Fixture meeting", confirmed.subject, "the room copy's subject (the organizer's name) does not replace ours");
        assertNotNull(confirmed.roomEventId);
    }

    @Test
    void a_room_copy_of_ours_that_arrives_before_its_create_is_recorded_waits_instead_of_becoming_a_duplicate() {
        // Outbound sync has sent the create (Ann's calendar, the room invited) but not yet recorded Graph's answer,
        // and Ann moved the reservation in the portal meanwhile, so the room's copy is at the old time.
        Reservation ours = sync.app.fixtures.reservation(sync.borealis, sync.ann, at(12, 14, 0), at(12, 15, 0), Source.PORTAL);
        Outlook.Meeting meeting = sync.outlook.book("ann@contoso.test", "Moved meanwhile", at(12, 9, 0), at(12, 10, 0), "borealis@contoso.test");
        long create = createSentNotRecorded(ours, "ann@contoso.test");

        sync.sync(sync.borealisSubscription);
        assertEquals(List.of(ours.id), on(sync.borealis, 12).stream().map(r -> r.id).toList(), "no foreign reservation for our copy");
        assertFalse(sync.inbox().isEmpty(), "the pull waits for the record");

        sync.app.app.tx.run(s -> { // what outbound sync records when Graph's answer arrives
            Reservation r = s.find(Reservation.class, ours.id);
            r.externalEventId = meeting.id();
            r.externalIcalUid = meeting.iCalUId();
        });
        createRecorded(create);
        sync.app.app.tx.run(s -> s.createMutationQuery("update InboxItem set nextAttemptAt = :now").setParameter("now", Instant.now()).executeUpdate());
        sync.drain();

        Reservation confirmed = only(sync.borealis, 12);
        assertEquals(ours.id, confirmed.id);
        assertEquals(ReservationState.CONFIRMED, confirmed.state);
        assertTrue(sync.inbox().isEmpty());
    }

    @Test
    void a_reservation_booked_in_outlook_is_read_only_in_the_portal() {
        sync.outlook.book("ann@contoso.test", "Read only", at(10, 9, 0), at(10, 10, 0), "aurora@contoso.test");
        sync.sync(sync.auroraSubscription);
        Reservation r = only(sync.aurora, 10);
        WebClient ann = sync.app.client().signIn(sync.tenant.slug, "ann@contoso.test");

        WebClient.Response details = ann.get("/reservations/" + r.id);
        assertEquals(200, details.status());
        assertTrue(details.body().contains("Booked in Outlook: change it there."));
        assertFalse(details.body().contains("Cancel reservation"));
        assertTrue(ann.get("/reservations").body().contains("Booked in Outlook: change it there."));
        String schedule = ann.get("/schedule?building=" + sync.building.id + "&date=" + LocalDate.now(ZoneOffset.UTC).plusDays(10)).body();
        assertTrue(schedule.contains("href=\"/reservations/" + r.id + "\""), "the slot is on the schedule");
        assertTrue(schedule.contains("slot dimmed"), "shown dimmed");
        assertTrue(schedule.contains("Booked in Outlook: change it there."), "with the reason");

        WebClient.Response cancel = ann.post("/reservations/" + r.id + "/cancel", Map.of("version", Long.toString(r.version)));
        assertEquals(403, cancel.status());
        assertEquals(ReservationState.CONFIRMED, only(sync.aurora, 10).state);
    }

    @Test
    void the_safety_net_pulls_mailboxes_that_were_not_pulled_recently() {
        sync.outlook.book("bob@contoso.test", "No notification", at(11, 9, 0), at(11, 10, 0), "aurora@contoso.test");
        sync.app.app.tx.run(s -> s.createMutationQuery("update Subscription set lastDeltaAt = :old")
                .setParameter("old", Instant.now().minus(Duration.ofHours(1))).executeUpdate());

        assertEquals(2, sync.app.app.inboundSync.safetyNet(), "one RESYNC item per subscription");
        assertEquals(0, sync.app.app.inboundSync.safetyNet(), "no second item while one waits");
        sync.app.app.jobs.runNow(InboundSync.SAFETY_NET_JOB);
        sync.drain();

        assertEquals(ReservationState.CONFIRMED, only(sync.aurora, 11).state);
        assertTrue(sync.inbox().isEmpty());
        assertEquals(0, sync.app.app.inboundSync.safetyNet(), "both were just pulled");
    }

    @Test
    void the_room_copy_of_our_meeting_confirms_it_even_before_outbound_sync_stored_its_ical_uid() {
        Reservation ours = sync.app.fixtures.reservation(sync.aurora, sync.bob, at(12, 9, 0), at(12, 10, 0), Source.PORTAL);
        createSentNotRecorded(ours, "bob@contoso.test");
        sync.outlook.book("bob@contoso.test", "Fixture meeting", at(12, 9, 0), at(12, 10, 0), "aurora@contoso.test");

        sync.sync(sync.auroraSubscription);

        Reservation confirmed = only(sync.aurora, 12);
        assertEquals(ours.id, confirmed.id);
        assertEquals(ReservationState.CONFIRMED, confirmed.state);
        assertNotNull(confirmed.externalIcalUid, "adopted from the room copy; outbound sync writes the same value");
    }

    @Test
    void a_room_copy_at_the_same_time_from_another_organizer_is_a_foreign_meeting_and_ours_keeps_waiting() {
        // Bob's booking awaits Aurora, his create on its way to his mailbox; Carol books the same hour in Outlook.
        Reservation bobs = sync.app.fixtures.reservation(sync.aurora, sync.bob, at(15, 9, 0), at(15, 10, 0), Source.PORTAL);
        long create = createSentNotRecorded(bobs, "Bob@Contoso.test");
        sync.outlook.book("carol@contoso.test", "Same hour", at(15, 9, 0), at(15, 10, 0), "aurora@contoso.test");

        sync.sync(sync.auroraSubscription);

        List<Reservation> day = on(sync.aurora, 15);
        assertEquals(2, day.size(), "Carol's meeting is a reservation of its own");
        Reservation carols = day.stream().filter(r -> r.createdSource == Source.EXCHANGE).findFirst().orElseThrow();
        assertEquals("carol@contoso.test", carols.externalOrganizerEmail);
        assertEquals(ReservationState.CONFLICTED, carols.state, "it overlaps Bob's");
        Reservation still = day.stream().filter(r -> r.id.equals(bobs.id)).findFirst().orElseThrow();
        assertEquals(ReservationState.AWAITING_CONFIRMATION, still.state, "not confirmed by someone else's meeting");
        assertNull(still.roomEventId);
        assertNull(still.externalIcalUid);
        assertTrue(sync.inbox().isEmpty(), "the copy is not ours, so nothing waits for our create");
        createRecorded(create);
    }

    @Test
    void a_reservation_moved_off_its_synced_room_and_back_stays_one_reservation_when_the_new_room_copy_comes_before_the_create_is_recorded()
            throws InterruptedException {
        Reservable plain = sync.app.fixtures.room(sync.building, null, "Plain room", 6);
        CurrentUser ann = sync.app.fixtures.signedIn(sync.ann);
        LocalDate day = LocalDate.now(ZoneOffset.UTC).plusDays(16);
        long id = sync.app.app.reservations.create(ann, new ReservationService.ReservationInput(sync.borealis.id, day.atTime(9, 0),
                day.atTime(10, 0), "Wandering", null, null, List.of()), Source.PORTAL).view().reservation().id;
        awaitOutbound(id, 1);
        sync.sync(sync.borealisSubscription);
        String firstCopy = only(sync.borealis, 16).roomEventId;
        assertNotNull(firstCopy, "confirmed by Borealis's copy");

        move(ann, id, plain);
        awaitOutbound(id, 2);
        Reservation off = reservation(id);
        assertEquals(SyncState.NOT_SYNCED, off.syncState);
        assertNull(off.roomEventId, "Borealis's copy is gone with the event");
        sync.sync(sync.borealisSubscription);

        // Graph makes the new event and the room accepts it, but outbound sync has not recorded Graph's answer yet.
        String mailbox = "ann@contoso.test";
        sync.sandbox.holdResponses(mailbox);
        try {
            move(ann, id, sync.borealis);
            DemoSync.await("Borealis accepted the new event", Duration.ofSeconds(20), () -> sync.sandbox.calendar(sync.borealis.email,
                    off.startAt, off.endAt).stream().anyMatch(e -> !e.id().equals(firstCopy) && mailbox.equalsIgnoreCase(e.organizerAddress())));
            assertTrue(sync.sandbox.awaitIdle(Duration.ofSeconds(20)));
            sync.sync(sync.borealisSubscription);
        } finally {
            sync.sandbox.releaseResponses(mailbox);
        }
        awaitOutbound(id, 3);

        Reservation back = only(sync.borealis, 16);
        assertEquals(id, back.id, "no foreign reservation for our own copy");
        assertEquals(ReservationState.CONFIRMED, back.state);
        assertEquals(SyncState.SYNCHRONIZED, back.syncState, "Graph's answer recorded without a clash");
        assertTrue(sync.inbox().isEmpty());
    }

    @Test
    void occurrences_of_a_series_become_reservations_linked_by_series_id() {
        // The sandbox books single meetings only, so the changes are given as Graph's delta returns occurrences.
        InboundChanges changes = new InboundChanges(sync.app.app.audit, sync.app.app.notifications, java.time.Clock.systemUTC());
        InboundChanges.Room room = new InboundChanges.Room(sync.tenant.id, sync.borealis.id, "borealis@contoso.test");
        GraphDelta.Person organizer = new GraphDelta.Person("Ann Archer", "ann@contoso.test");
        List<GraphDelta.Change> series = List.of(
                new GraphDelta.Change("occ-1", false, "uid-occ-1", "master-1", "occurrence", "Ann Archer", at(13, 9, 0), at(13, 10, 0),
                        false, false, organizer, List.of(), null),
                new GraphDelta.Change("occ-2", false, "uid-occ-2", "master-1", "occurrence", "Ann Archer", at(14, 9, 0), at(14, 10, 0),
                        false, false, organizer, List.of(), null),
                new GraphDelta.Change("master-1", false, "uid-master", null, "seriesMaster", "Ann Archer", at(13, 9, 0), at(13, 10, 0),
                        false, false, organizer, List.of(), null));

        sync.app.app.tx.run(s -> changes.apply(s, room, series));
        sync.app.app.tx.run(s -> changes.apply(s, room, series.subList(0, 1)));

        Reservation first = only(sync.borealis, 13);
        Reservation second = only(sync.borealis, 14);
        assertEquals("master-1", first.seriesId);
        assertEquals("master-1", second.seriesId);
        assertNotEquals(first.id, second.id);

        sync.app.app.tx.run(s -> changes.apply(s, room, List.of(GraphDelta.Change.removed("occ-2"))));
        assertEquals(ReservationState.CANCELLED, only(sync.borealis, 14).state);
        assertEquals(ReservationState.CONFIRMED, only(sync.borealis, 13).state);
    }
}
