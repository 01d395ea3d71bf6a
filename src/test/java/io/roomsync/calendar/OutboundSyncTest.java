package io.roomsync.calendar;

import static io.roomsync.support.SyncSandboxOutbound.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.roomsync.graph.GraphEvents;
import io.roomsync.location.Reservable;
import io.roomsync.notify.Notification;
import io.roomsync.reservation.Reservation;
import io.roomsync.reservation.ReservationService;
import io.roomsync.reservation.ReservationState;
import io.roomsync.reservation.Source;
import io.roomsync.reservation.SyncMailbox;
import io.roomsync.reservation.SyncState;
import io.roomsync.sandbox.ExchangeSandbox;
import io.roomsync.support.SyncSandboxOutbound;
import io.roomsync.support.WebClient;
import io.roomsync.tenant.User;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Roomsync -> Exchange: reservations made in Roomsync become events in the sandbox over real HTTPS through the real
 * Graph SDK, per integration mode, exactly once through faults, throttling and crashed workers.
 */
class OutboundSyncTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static SyncSandboxOutbound fx;
    /** Days count from here: the tests move the clock forward by hours. */
    private static LocalDate today;

    @BeforeAll
    static void start() {
        fx = new SyncSandboxOutbound("outbound.test");
        today = LocalDate.ofInstant(fx.clock.instant(), BERLIN);
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    @Test
    void a_booking_in_the_portal_becomes_an_event_in_the_users_calendar_with_the_room_which_accepts_follows_changes_and_cancels()
            throws Exception {
        LocalDate day = day(3);
        WebClient browser = fx.app.client().signIn(fx.tenant.slug, fx.ann.email);
        browser.get("/find");
        WebClient.Response booked = browser.post("/reservations", Map.of("reservable", fx.aurora.id.toString(),
                "date", day.toString(), "start", "10:00", "end", "11:00", "subject", "Planning", "notes", "Bring <slides>\nand coffee"));
        assertEquals(303, booked.status(), booked.body());
        long id = Long.parseLong(booked.header("Location").replaceAll("\\D+", ""));
        assertEquals(ReservationState.AWAITING_CONFIRMATION, fx.reservation(id).state, "a synced room confirms in Exchange");

        Reservation r = awaitSynchronized(id, 1);
        assertEquals(SyncMailbox.USER, r.syncMailbox);
        assertNotNull(r.externalIcalUid);
        JsonNode event = graphEvent(fx.ann.email, r.externalEventId);
        assertEquals("Planning", event.get("subject").asText());
        assertEquals("rs-" + id, event.get("transactionId").asText());
        assertEquals(Long.toString(id), event.get("singleValueExtendedProperties").get(0).get("value").asText());
        assertTrue(event.get("body").get("content").asText().contains("Bring &lt;slides&gt;<br>and coffee"), event.toString());
        assertEquals("busy", event.get("showAs").asText());
        JsonNode room = attendee(event, fx.aurora.email);
        assertEquals("resource", room.get("type").asText());

        fx.awaitSandboxIdle();
        assertEquals("accepted", attendee(graphEvent(fx.ann.email, r.externalEventId), fx.aurora.email).get("status").get("response").asText());
        List<ExchangeSandbox.OutlookEvent> roomCopies = roomCalendar(fx.aurora, day);
        assertEquals(1, roomCopies.size(), "the room's copy is in the room calendar");
        assertEquals(at(day, 10), roomCopies.get(0).start());

        fx.app.app.reservations.update(fx.app.fixtures.signedIn(fx.ann), id, null, new ReservationService.ReservationInput(null,
                day.atTime(14, 0), day.atTime(15, 30), "Planning (moved)", null, null, List.of(fx.bob.email)), Source.PORTAL);
        r = awaitSynchronized(id, 2);
        event = graphEvent(fx.ann.email, r.externalEventId);
        assertEquals("Planning (moved)", event.get("subject").asText());
        assertNotNull(attendee(event, fx.bob.email), "new attendees are invited");
        fx.awaitSandboxIdle();
        roomCopies = roomCalendar(fx.aurora, day);
        assertEquals(1, roomCopies.size());
        assertEquals(at(day, 14), roomCopies.get(0).start(), "the room's copy moved with the PATCH");

        fx.app.app.reservations.cancel(fx.app.fixtures.signedIn(fx.ann), id, null, Source.PORTAL);
        awaitSynchronized(id, 3);
        assertTrue(fx.sandbox.event(fx.ann.email, r.externalEventId).isEmpty(), "cancelled in the user's calendar");
        fx.awaitSandboxIdle();
        assertTrue(roomCalendar(fx.aurora, day).isEmpty(), "and gone from the room's calendar");
        List<SyncEvent> events = fx.events(id);
        assertEquals(List.of(SyncEvent.Type.CREATE, SyncEvent.Type.UPDATE, SyncEvent.Type.DELETE),
                events.stream().map(e -> e.eventType).toList());
        assertTrue(events.stream().allMatch(e -> e.state == SyncEvent.State.PROCESSED && e.attempts == 1));
        assertTrue(events.get(0).ourPayload.contains("\"subject\" : \"Planning\""), events.get(0).ourPayload);
        assertTrue(events.get(0).providerPayload.contains(GraphEvents.RESERVATION_ID_PROPERTY));
    }

    @Test
    void strict_mode_puts_the_event_in_the_delegated_mailbox_and_invites_the_user() throws Exception {
        fx.mode("Strict");
        try {
            Reservation r = book(fx.bob, fx.borealis, 4, 9, "Strict meeting", List.of(fx.ann.email));
            r = awaitSynchronized(r.id, 1);
            assertEquals(SyncMailbox.OTHER, r.syncMailbox);
            JsonNode event = graphEvent(fx.delegate, r.externalEventId);
            assertNotNull(attendee(event, fx.bob.email), "the requested-for user is invited");
            assertNotNull(attendee(event, fx.ann.email), "and the attendees");
            assertEquals("resource", attendee(event, fx.borealis.email).get("type").asText());
            // The user holds the invitation (the sandbox delivers them), but no event of their own.
            assertTrue(fx.sandbox.calendar(fx.bob.email, at(day(4), 0), at(day(5), 0)).stream()
                    .noneMatch(io.roomsync.sandbox.ExchangeSandbox.OutlookEvent::organizer),
                    "nothing was written into the user's own calendar");
        } finally {
            fx.mode("Normal");
        }
    }

    @Test
    void a_no_request_configuration_stores_the_graph_payload_and_sends_nothing() throws Exception {
        fx.configure(fx.borealis, true);
        try {
            Reservation r = book(fx.ann, fx.borealis, 5, 9, "Dry run", List.of());
            assertEquals(ReservationState.CONFIRMED, r.state, "nothing is sent, so nobody would ever confirm it");
            awaitSynchronized(r.id, 1);
            SyncEvent e = fx.events(r.id).get(0);
            assertEquals(SyncEvent.State.PROCESSED, e.state);
            JsonNode payload = JSON.readTree(e.providerPayload);
            assertEquals("Dry run", payload.get("subject").asText());
            assertEquals("rs-" + r.id, payload.get("transactionId").asText());
            assertTrue(e.providerPayload.contains("\n  \"subject\""), "stored formatted");
            assertNull(e.providerResponse);
            assertNull(fx.reservation(r.id).externalEventId);
            assertTrue(fx.sandbox.calendar(fx.ann.email, at(day(5), 0), at(day(6), 0)).isEmpty(), "the sandbox saw nothing");
        } finally {
            fx.configure(fx.borealis, false);
        }
    }

    @Test
    void graph_answering_503_for_a_while_is_retried_later_and_makes_exactly_one_event() throws Exception {
        fx.sandbox.injectFaults(503, 3, null, fx.bob.email);
        Reservation r = book(fx.bob, fx.aurora, 6, 9, "Through an outage", List.of());
        for (int attempt = 1; attempt <= 3; attempt++) {
            int n = attempt;
            await("attempt " + n + " failed and was rescheduled", () -> {
                SyncEvent e = fx.events(r.id).get(0);
                return e.attempts == n && e.state == SyncEvent.State.NEW;
            });
            SyncEvent e = fx.events(r.id).get(0);
            assertTrue(e.nextAttemptAt.isAfter(fx.clock.instant()), "retried later, not at once");
            assertEquals(SyncEvent.ErrorOrigin.REJECTED, e.errorOrigin);
            fx.clock.advance(Duration.ofMinutes(61));
            fx.app.app.jobs.wake(SyncOutbox.JOB);
        }
        Reservation done = awaitSynchronized(r.id, 1);
        assertEquals(4, fx.events(r.id).get(0).attempts);
        assertEquals(1, fx.outlook.eventsWithTransaction(fx.bob.email, "rs-" + r.id), "exactly one event");
        assertNotNull(done.externalEventId);
    }

    @Test
    void a_429_storm_is_rescheduled_after_retry_after_without_waiting_on_a_thread() throws Exception {
        fx.sandbox.injectFaults(429, 2, Duration.ofSeconds(300), fx.ann.email);
        Reservation r = book(fx.ann, fx.aurora, 7, 9, "Throttled", List.of());
        await("the first attempt was throttled", () -> fx.events(r.id).get(0).attempts == 1);
        SyncEvent e = fx.events(r.id).get(0);
        assertEquals(SyncEvent.State.NEW, e.state);
        assertFalse(e.nextAttemptAt.isBefore(e.updatedAt.plus(Duration.ofSeconds(300))), "Retry-After is honoured");
        assertTrue(e.providerResponse.contains("429"), e.providerResponse);
        fx.clock.advance(Duration.ofSeconds(301));
        fx.app.app.jobs.wake(SyncOutbox.JOB);
        await("the second attempt was throttled", () -> fx.events(r.id).get(0).attempts == 2);
        fx.clock.advance(Duration.ofSeconds(301));
        fx.app.app.jobs.wake(SyncOutbox.JOB);
        awaitSynchronized(r.id, 1);
        assertEquals(1, fx.outlook.eventsWithTransaction(fx.ann.email, "rs-" + r.id));
    }

    @Test
    void a_worker_that_dies_after_claiming_loses_its_claim_and_the_retry_still_makes_exactly_one_event() throws Exception {
        String mailbox = fx.bob.email;
        fx.sandbox.holdMailbox(mailbox);
        Thread nodeB = null;
        try {
            Reservation r = book(fx.bob, fx.borealis, 8, 9, "Crash course", List.of());
            // Node A claimed the event, committed the claim and is stuck before Graph answered: as good as dead.
            assertTrue(fx.sandbox.awaitInFlight(mailbox, 1, Duration.ofSeconds(20)));
            SyncEvent claimed = fx.events(r.id).get(0);
            assertEquals(SyncEvent.State.PROCESSING, claimed.state);
            assertNotNull(claimed.claimedBy);
            OutboxWorker other = new OutboxWorker(fx.app.app.tx, fx.clock, fx.app.app.providerClients, fx.app.app.graphEvents,
                    fx.app.app.properties, fx.app.app.notifications, "node-b");
            assertTrue(other.claim("node-b", 10).isEmpty(), "a live claim is not taken over");
            fx.clock.advance(OutboxWorker.CLAIM.plusSeconds(1));
            nodeB = new Thread(other::drain);
            nodeB.start();
            assertTrue(fx.sandbox.awaitInFlight(mailbox, 2, Duration.ofSeconds(20)), "node B took the expired claim over");
            fx.sandbox.releaseMailbox(mailbox);
            nodeB.join(20_000);
            Reservation done = awaitSynchronized(r.id, 1);
            fx.awaitSandboxIdle();
            // Both nodes created with the same transactionId: Graph made one event, and only node B's outcome counts.
            assertEquals(1, fx.outlook.eventsWithTransaction(mailbox, "rs-" + r.id), "exactly one event");
            SyncEvent e = fx.events(r.id).get(0);
            assertEquals(SyncEvent.State.PROCESSED, e.state);
            assertEquals(done.externalEventId, e.externalEventId);
        } finally {
            fx.sandbox.releaseMailbox(mailbox);
        }
    }

    @Test
    void sending_a_create_again_after_its_outcome_was_lost_finds_the_same_event() throws Exception {
        Reservation r = book(fx.ann, fx.borealis, 9, 9, "Lost answer", List.of());
        Reservation first = awaitSynchronized(r.id, 1);
        SyncEvent create = fx.events(r.id).get(0);
        // As if the commit after the Graph call had been lost: the same create goes to Graph once more.
        assertEquals(1, fx.app.app.syncEvents.reprocess(fx.tenant.id, List.of(create.id)));
        await("the create was sent again", () -> fx.events(r.id).get(0).state == SyncEvent.State.PROCESSED
                && fx.events(r.id).get(0).attempts == 1 && fx.reservation(r.id).syncState == SyncState.SYNCHRONIZED);
        assertEquals(first.externalEventId, fx.reservation(r.id).externalEventId);
        assertEquals(1, fx.outlook.eventsWithTransaction(fx.ann.email, "rs-" + r.id), "exactly one event");
    }

    @Test
    void a_room_that_declines_makes_the_reservation_rejected_and_tells_the_user() throws Exception {
        fx.sandbox.updateRoom(fx.aurora.email, s -> s.maximumDurationInMinutes = 60);
        try {
            Reservation r = book(fx.bob, fx.aurora, 10, 9, "Too long for the room", List.of(), 2);
            awaitSynchronized(r.id, 1);
            fx.awaitSandboxIdle();
            fx.app.app.jobs.runNow(UnconfirmedCleanup.JOB);
            assertEquals(ReservationState.REJECTED, fx.reservation(r.id).state);
            List<Notification> told = notifications(fx.bob);
            assertTrue(told.stream().anyMatch(n -> n.kind.equals("reservation-rejected") && n.title.contains("Too long for the room")), told.toString());
        } finally {
            fx.sandbox.updateRoom(fx.aurora.email, s -> s.maximumDurationInMinutes = 1440);
        }
    }

    @Test
    void retries_that_run_out_end_in_error_and_tell_the_sync_admins() throws Exception {
        fx.app.app.properties.save(fx.app.fixtures.signedIn(fx.admin), "test", Map.of("max_event_retry_count", "1"));
        // Ann's mailbox fails until the end of the test: other work for her mailbox (left by earlier tests and woken
        // by the moved clock) must not use up the faults meant for this booking's create.
        fx.sandbox.injectFaults(503, 1_000, null, fx.ann.email);
        try {
            Reservation r = book(fx.ann, fx.aurora, 11, 9, "Doomed", List.of());
            await("the first attempt failed", () -> fx.events(r.id).get(0).attempts == 1);
            fx.clock.advance(Duration.ofMinutes(61));
            fx.app.app.jobs.wake(SyncOutbox.JOB);
            await("the retry failed too", () -> fx.events(r.id).get(0).state == SyncEvent.State.ERROR);
            SyncEvent e = fx.events(r.id).get(0);
            assertEquals(2, e.attempts);
            assertEquals(SyncEvent.ErrorOrigin.REJECTED, e.errorOrigin);
            assertEquals(SyncState.ERROR, fx.reservation(r.id).syncState);
            assertTrue(notifications(fx.syncAdmin).stream().anyMatch(n -> n.kind.equals("sync-event-error")
                    && n.link.equals("/admin/sync/events/" + e.id)));
            assertTrue(notifications(fx.ann).stream().noneMatch(n -> n.kind.equals("sync-event-error")), "only sync admins");
        } finally {
            fx.sandbox.clearFaults();
            fx.app.app.properties.save(fx.app.fixtures.signedIn(fx.admin), "test", Map.of("max_event_retry_count", "10"));
        }
    }

    @Test
    void a_reservation_nobody_confirms_is_rejected_after_the_time_limit_and_cancelled_later_also_in_exchange() throws Exception {
        fx.sandbox.updateRoom(fx.borealis.email, s -> s.automateProcessing = io.roomsync.sandbox.Directory.RoomSettings.Processing.NONE);
        try {
            Reservation r = book(fx.ann, fx.borealis, 14, 9, "Unanswered", List.of());
            Reservation synced = awaitSynchronized(r.id, 1);
            fx.awaitSandboxIdle();
            fx.app.app.jobs.runNow(UnconfirmedCleanup.JOB);
            assertEquals(ReservationState.AWAITING_CONFIRMATION, fx.reservation(r.id).state, "still within the time limit");

            fx.clock.advance(Duration.ofHours(5).plusMinutes(1));
            fx.app.app.jobs.runNow(UnconfirmedCleanup.JOB);
            assertEquals(ReservationState.REJECTED, fx.reservation(r.id).state);
            assertTrue(notifications(fx.ann).stream().anyMatch(n -> n.kind.equals("reservation-rejected") && n.title.contains("Unanswered")));
            assertTrue(fx.sandbox.event(fx.ann.email, synced.externalEventId).isPresent(), "rejected, not yet cancelled");

            fx.clock.advance(Duration.ofMinutes(60));
            fx.app.app.jobs.runNow(UnconfirmedCleanup.JOB);
            assertEquals(ReservationState.CANCELLED, fx.reservation(r.id).state, "cancelled after cancel_unconfirmed_reservations");
            awaitSynchronized(r.id, 2);
            assertTrue(fx.sandbox.event(fx.ann.email, synced.externalEventId).isEmpty(), "and its Exchange event cancelled");
        } finally {
            fx.sandbox.updateRoom(fx.borealis.email, s -> s.automateProcessing = io.roomsync.sandbox.Directory.RoomSettings.Processing.AUTO_ACCEPT);
        }
    }

    @Test
    void the_time_limits_of_a_reservation_moved_onto_a_synced_room_count_from_the_move_not_from_the_booking() throws Exception {
        Reservable plain = fx.app.fixtures.room(fx.building, null, "Unsynced room", 6);
        fx.sandbox.updateRoom(fx.borealis.email, s -> s.automateProcessing = io.roomsync.sandbox.Directory.RoomSettings.Processing.NONE);
        try {
            Reservation r = book(fx.ann, plain, 18, 9, "Booked early, moved late", List.of());
            assertEquals(ReservationState.CONFIRMED, r.state, "nobody confirms on an unsynced room");
            fx.clock.advance(Duration.ofHours(6));
            fx.app.app.reservations.update(fx.app.fixtures.signedIn(fx.ann), r.id, null, new ReservationService.ReservationInput(
                    fx.borealis.id, null, null, null, null, null, null), Source.PORTAL);
            awaitSynchronized(r.id, 1);
            fx.awaitSandboxIdle();
            fx.app.app.jobs.runNow(UnconfirmedCleanup.JOB);
            assertEquals(ReservationState.AWAITING_CONFIRMATION, fx.reservation(r.id).state, "the room was asked only just now");

            fx.clock.advance(Duration.ofHours(5).plusMinutes(1));
            fx.app.app.jobs.runNow(UnconfirmedCleanup.JOB);
            assertEquals(ReservationState.REJECTED, fx.reservation(r.id).state, "no answer within the limit after the move");
            assertTrue(notifications(fx.ann).stream().anyMatch(n -> n.kind.equals("reservation-rejected")
                    && n.title.contains("Booked early, moved late")));
        } finally {
            fx.sandbox.updateRoom(fx.borealis.email, s -> s.automateProcessing = io.roomsync.sandbox.Directory.RoomSettings.Processing.AUTO_ACCEPT);
        }
    }

    @Test
    void in_strict_mode_a_reservation_whose_event_is_in_the_users_own_calendar_can_no_longer_be_changed() {
        Reservation r = book(fx.bob, fx.borealis, 13, 9, "Made in Normal mode", List.of());
        awaitSynchronized(r.id, 1);
        fx.mode("Strict");
        try {
            // the policy keeps the mode for a moment; wait until it has seen the change
            await("the policy sees Strict mode", () -> !fx.app.app.reservations.get(fx.app.fixtures.signedIn(fx.bob), r.id).change().allowed());
            WebClient browser = fx.app.client().signIn(fx.tenant.slug, fx.bob.email);
            assertTrue(browser.get("/reservations/" + r.id).body().contains("In Strict mode Roomsync changes only"), "the portal says why");
            var view = fx.app.app.reservations.get(fx.app.fixtures.signedIn(fx.bob), r.id);
            assertFalse(view.change().allowed());
            assertTrue(view.change().reason().contains("Strict mode"), view.change().reason());
            org.junit.jupiter.api.Assertions.assertThrows(io.roomsync.common.ForbiddenException.class,
                    () -> fx.app.app.reservations.cancel(fx.app.fixtures.signedIn(fx.bob), r.id, null, Source.PORTAL));
            Reservation strict = book(fx.bob, fx.borealis, 13, 11, "Made in Strict mode", List.of());
            assertTrue(fx.app.app.reservations.get(fx.app.fixtures.signedIn(fx.bob), strict.id).change().allowed(),
                    "the delegated mailbox's reservations stay changeable");
        } finally {
            fx.mode("Normal");
            await("the policy sees Normal mode again", () -> fx.app.app.reservations.get(fx.app.fixtures.signedIn(fx.bob), r.id).change().allowed());
        }
    }

    @Test
    void sync_admins_list_filter_read_and_re_process_sync_events_in_pages_and_api_of_their_own_tenant_only() throws Exception {
        Reservation r = book(fx.ann, fx.aurora, 12, 9, "Logged <work>", List.of());
        awaitSynchronized(r.id, 1);
        long eventId = fx.events(r.id).get(0).id;

        WebClient admin = fx.app.client().signIn(fx.tenant.slug, fx.syncAdmin.email);
        WebClient.Response list = admin.get("/admin/sync/events");
        assertEquals(200, list.status());
        assertTrue(list.body().contains("/admin/sync/events/" + eventId), "today's events by default");
        WebClient.Response filtered = admin.get("/admin/sync/events?from=&to=&state=ERROR&reservationId=" + r.id);
        assertFalse(filtered.body().contains("/admin/sync/events/" + eventId + "\""), "filtered out by state");
        WebClient.Response detail = admin.get("/admin/sync/events/" + eventId);
        assertEquals(200, detail.status());
        assertTrue(detail.body().contains("Logged &lt;work&gt;"), "payloads are shown escaped");
        assertTrue(detail.body().contains("RoomsyncReservationId"));
        WebClient.Response again = admin.post("/admin/sync/events/" + eventId + "/reprocess", Map.of());
        assertEquals(303, again.status());
        await("re-processed from the page", () -> fx.events(r.id).get(0).state == SyncEvent.State.PROCESSED
                && fx.reservation(r.id).syncState == SyncState.SYNCHRONIZED);
        admin.get("/admin/sync/events");
        assertEquals(303, admin.post("/admin/sync/events/reprocess", Map.of("ids", Long.toString(eventId))).status());

        String token = fx.app.fixtures.apiToken(fx.syncAdmin);
        JsonNode rows = JSON.readTree(fx.app.client().api("GET", "/api/v1/sync-events?from=&to=&reservationId=" + r.id, token, null).body());
        assertEquals(1, rows.size());
        assertEquals("CREATE", rows.get(0).get("type").asText());
        JsonNode one = JSON.readTree(fx.app.client().api("GET", "/api/v1/sync-events/" + eventId, token, null).body());
        assertTrue(one.get("providerPayload").asText().contains("transactionId"));
        await("the bulk re-process from the page is done", () -> fx.events(r.id).get(0).state == SyncEvent.State.PROCESSED);
        WebClient.Response queued = fx.app.client().api("POST", "/api/v1/sync-events/reprocess", token, "{\"ids\":[" + eventId + "]}");
        assertEquals(200, queued.status(), queued.body());
        assertEquals(1, JSON.readTree(queued.body()).get("queued").asInt());
        await("re-processed through the API", () -> fx.events(r.id).get(0).state == SyncEvent.State.PROCESSED);
        assertEquals(200, fx.app.client().api("POST", "/api/v1/sync-events/" + eventId + "/reprocess", token, null).status());
        assertEquals(422, fx.app.client().api("POST", "/api/v1/sync-events/reprocess", token, "{\"ids\":[]}").status());
        await("re-processed once more", () -> fx.events(r.id).get(0).state == SyncEvent.State.PROCESSED);
        assertEquals(1, fx.outlook.eventsWithTransaction(fx.ann.email, "rs-" + r.id), "re-processing never makes a second event");

        assertEquals(403, fx.app.client().signIn(fx.tenant.slug, fx.bob.email).get("/admin/sync/events").status(), "not for employees");
        io.roomsync.tenant.Tenant other = fx.app.fixtures.tenant("Elsewhere");
        User stranger = fx.app.fixtures.user(other, "sync@elsewhere.test", io.roomsync.tenant.Role.SYNC_ADMIN);
        String strangerToken = fx.app.fixtures.apiToken(stranger);
        assertEquals(404, fx.app.client().api("GET", "/api/v1/sync-events/" + eventId, strangerToken, null).status());
        assertEquals(404, fx.app.client().api("POST", "/api/v1/sync-events/" + eventId + "/reprocess", strangerToken, null).status());
        assertEquals(0, JSON.readTree(fx.app.client().api("GET", "/api/v1/sync-events?from=&to=", strangerToken, null).body()).size());
        WebClient strangerBrowser = fx.app.client().signIn(other.slug, stranger.email);
        assertEquals(404, strangerBrowser.get("/admin/sync/events/" + eventId).status());
        assertFalse(strangerBrowser.get("/admin/sync/events?from=&to=").body().contains("Logged"));
    }

    @Test
    void events_are_written_in_the_users_zone_or_the_default_zone_and_show_as_the_module_says() throws Exception {
        fx.configure(fx.borealis, true);
        var admin = fx.app.fixtures.signedIn(fx.admin);
        fx.app.app.tx.run(s -> s.find(User.class, fx.bob.id).timeZone = "America/New_York");
        fx.app.app.tx.run(s -> s.find(io.roomsync.location.ReservableModule.class,
                s.find(Reservable.class, fx.borealis.id).moduleId).showAs = io.roomsync.location.ShowAs.FREE);
        try {
            fx.app.app.properties.save(admin, "test", Map.of("use_user_default_tz", "true"));
            JsonNode inUserZone = payloadOf(book(fx.bob, fx.borealis, 15, 9, "New York time", List.of()));
            assertEquals("America/New_York", inUserZone.get("start").get("timeZone").asText());
            assertEquals(day(15).atTime(9, 0).atZone(BERLIN).withZoneSameInstant(ZoneId.of("America/New_York")).toLocalDateTime()
                    .toString() + ":00", inUserZone.get("start").get("dateTime").asText());
            assertEquals("free", inUserZone.get("showAs").asText());

            fx.app.app.properties.save(admin, "test", Map.of("use_user_default_tz", "false", "use_default_tz", "utc"));
            JsonNode inUtc = payloadOf(book(fx.bob, fx.borealis, 15, 11, "UTC time", List.of()));
            assertEquals("UTC", inUtc.get("start").get("timeZone").asText());

            fx.app.app.properties.save(admin, "test", Map.of("use_default_tz", "building"));
            JsonNode inBuildingZone = payloadOf(book(fx.bob, fx.borealis, 15, 13, "Berlin time", List.of()));
            assertEquals("Europe/Berlin", inBuildingZone.get("start").get("timeZone").asText());
            assertEquals(day(15) + "T13:00:00", inBuildingZone.get("start").get("dateTime").asText());
        } finally {
            fx.app.app.properties.save(admin, "test", Map.of("use_user_default_tz", "false", "use_default_tz", "building"));
            fx.app.app.tx.run(s -> s.find(io.roomsync.location.ReservableModule.class,
                    s.find(Reservable.class, fx.borealis.id).moduleId).showAs = io.roomsync.location.ShowAs.BUSY);
            fx.configure(fx.borealis, false);
        }
    }

    @Test
    void a_mailbox_graph_refuses_is_an_error_at_once_with_graphs_request_id() {
        fx.sandbox.setMailboxEnabled(fx.bob.email, false);
        try {
            Reservation r = book(fx.bob, fx.aurora, 16, 9, "No mailbox", List.of());
            await("the create failed", () -> fx.events(r.id).get(0).state == SyncEvent.State.ERROR);
            SyncEvent e = fx.events(r.id).get(0);
            assertEquals(1, e.attempts, "not retried");
            assertEquals(SyncEvent.ErrorOrigin.REJECTED, e.errorOrigin);
            assertNotNull(e.graphRequestId);
            assertTrue(e.providerResponse.contains("MailboxNotEnabledForRESTAPI"), e.providerResponse);
            assertEquals(SyncState.ERROR, fx.reservation(r.id).syncState);
        } finally {
            fx.sandbox.setMailboxEnabled(fx.bob.email, true);
        }
    }

    private static JsonNode payloadOf(Reservation r) throws Exception {
        awaitSynchronized(r.id, 1);
        return JSON.readTree(fx.events(r.id).get(0).providerPayload);
    }

    @Test
    void moving_off_the_synced_rooms_removes_the_event_and_moving_back_makes_a_new_one() throws Exception {
        Reservable plain = fx.app.fixtures.room(fx.building, null, "Plain room", 6);
        var ann = fx.app.fixtures.signedIn(fx.ann);
        Reservation r = book(fx.ann, fx.aurora, 17, 9, "Wandering", List.of());
        Reservation synced = awaitSynchronized(r.id, 1);

        fx.app.app.reservations.update(ann, r.id, null, new ReservationService.ReservationInput(plain.id, null, null, null, null,
                null, null), Source.PORTAL);
        await("the event was removed", () -> fx.events(r.id).size() == 2 && fx.events(r.id).get(1).state == SyncEvent.State.PROCESSED);
        Reservation off = fx.reservation(r.id);
        assertEquals(SyncEvent.Type.DELETE, fx.events(r.id).get(1).eventType);
        assertEquals(SyncState.NOT_SYNCED, off.syncState);
        assertNull(off.externalEventId);
        assertEquals(ReservationState.CONFIRMED, off.state, "nobody is left to confirm it");
        assertTrue(fx.sandbox.event(fx.ann.email, synced.externalEventId).isEmpty());

        fx.app.app.reservations.update(ann, r.id, null, new ReservationService.ReservationInput(fx.borealis.id, null, null, null,
                null, null, null), Source.PORTAL);
        assertEquals(ReservationState.AWAITING_CONFIRMATION, fx.reservation(r.id).state, "the new room has to accept it");
        Reservation back = awaitSynchronized(r.id, 3);
        assertEquals(SyncEvent.Type.CREATE, fx.events(r.id).get(2).eventType);
        JsonNode event = graphEvent(fx.ann.email, back.externalEventId);
        assertEquals("rs-" + r.id + "-" + fx.events(r.id).get(2).id, event.get("transactionId").asText(), "a new create, a new transactionId");
        assertNotNull(attendee(event, fx.borealis.email));
    }

    @Test
    void moving_onto_a_synced_room_forgets_the_room_copy_of_an_earlier_event() {
        Reservable plain = fx.app.fixtures.room(fx.building, null, "Plain room for a comeback", 6);
        Reservation r = book(fx.ann, plain, 18, 9, "Comeback", List.of());
        // As a move off the synced rooms left a reservation before it cleared the room copy's id as well.
        fx.app.app.tx.run(s -> s.find(Reservation.class, r.id).roomEventId = "room-copy-of-an-earlier-event");

        fx.app.app.reservations.update(fx.app.fixtures.signedIn(fx.ann), r.id, null, new ReservationService.ReservationInput(fx.aurora.id,
                null, null, null, null, null, null), Source.PORTAL);

        Reservation moved = fx.reservation(r.id);
        assertEquals(ReservationState.AWAITING_CONFIRMATION, moved.state);
        assertNull(moved.roomEventId, "the new event's room copy is still to come");
        awaitSynchronized(r.id, 1);
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static LocalDate day(int daysAhead) {
        return today.plusDays(daysAhead);
    }

    private static Instant at(LocalDate day, int hour) {
        return day.atTime(hour, 0).atZone(BERLIN).toInstant();
    }

    private static Reservation book(User who, Reservable room, int daysAhead, int hour, String subject, List<String> attendees) {
        return book(who, room, daysAhead, hour, subject, attendees, 1);
    }

    private static Reservation book(User who, Reservable room, int daysAhead, int hour, String subject, List<String> attendees, int hours) {
        LocalDate d = day(daysAhead);
        LocalDateTime start = d.atTime(hour, 0);
        return fx.app.app.reservations.create(fx.app.fixtures.signedIn(who), new ReservationService.ReservationInput(room.id,
                start, start.plusHours(hours), subject, null, null, attendees), Source.PORTAL).view().reservation();
    }

    /** Waits until the reservation's n-th outbound event is done and the reservation is synchronized. */
    private static Reservation awaitSynchronized(long id, int events) {
        await("reservation " + id + " is synchronized after " + events + " sync events", () -> {
            List<SyncEvent> list = fx.events(id);
            return list.size() == events && list.stream().allMatch(e -> e.state == SyncEvent.State.PROCESSED)
                    && fx.reservation(id).syncState == SyncState.SYNCHRONIZED;
        });
        return fx.reservation(id);
    }

    private static JsonNode graphEvent(String mailbox, String eventId) {
        String expand = "singleValueExtendedProperties($filter=id eq '" + GraphEvents.RESERVATION_ID_PROPERTY + "')";
        return fx.outlook.get(mailbox, "events/" + eventId + "?$expand=" + URLEncoder.encode(expand, StandardCharsets.UTF_8));
    }

    private static JsonNode attendee(JsonNode event, String email) {
        for (JsonNode a : event.get("attendees")) {
            if (a.get("emailAddress").get("address").asText().equalsIgnoreCase(email)) return a;
        }
        return null;
    }

    private static List<ExchangeSandbox.OutlookEvent> roomCalendar(Reservable room, LocalDate day) {
        return fx.sandbox.calendar(room.email, at(day, 0), at(day.plusDays(1), 0));
    }

    private static List<Notification> notifications(User user) {
        return fx.app.app.tx.call(s -> s.createSelectionQuery("from Notification where userId = :u order by id", Notification.class)
                .setParameter("u", user.id).getResultList());
    }
}
