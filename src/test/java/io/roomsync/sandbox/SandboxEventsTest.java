package io.roomsync.sandbox;

import static io.roomsync.sandbox.GraphModels.RESERVATION_PROPERTY;
import static io.roomsync.sandbox.GraphModels.day;
import static io.roomsync.sandbox.GraphModels.meeting;
import static io.roomsync.sandbox.GraphModels.utc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.models.Attendee;
import com.microsoft.graph.models.Event;
import com.microsoft.graph.models.ResponseType;
import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.graph.users.item.events.item.cancel.CancelPostRequestBody;
import io.roomsync.graph.GraphErrors;
import io.roomsync.graph.GraphFailure;
import java.net.http.HttpResponse;
import java.time.LocalDateTime;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Events and the room booking assistant (graph-facts §2), through the real Graph SDK over HTTPS. */
class SandboxEventsTest {
    static SandboxFixture f;

    @BeforeAll
    static void start() {
        f = new SandboxFixture();
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    private static List<Event> roomCalendar(String room, int daysAhead) {
        return f.graph.users().byUserId(room).calendarView().get(rc -> {
            rc.queryParameters.startDateTime = day(daysAhead, 0, 0) + "Z";
            rc.queryParameters.endDateTime = day(daysAhead + 1, 0, 0) + "Z";
        }).getValue();
    }

    private static ResponseType roomResponse(Event organizerCopy, String room) {
        for (Attendee a : organizerCopy.getAttendees()) {
            if (a.getEmailAddress().getAddress().equalsIgnoreCase(room)) return a.getStatus().getResponse();
        }
        throw new AssertionError("room " + room + " is not an attendee");
    }

    @Test
    void a_meeting_inviting_a_free_room_is_accepted_and_copied_into_the_room_calendar() throws Exception {
        Event created = f.graph.users().byUserId("ann@contoso.test").events()
                .post(meeting("Quarterly planning", day(3, 9, 0), day(3, 10, 0), "aurora@contoso.test"));
        assertNotNull(created.getId());
        assertNotNull(created.getICalUId());
        assertEquals(ResponseType.None, roomResponse(created, "aurora@contoso.test"), "the room answers after the POST");

        f.awaitIdle();
        Event organizerCopy = f.graph.users().byUserId("ann@contoso.test").events().byEventId(created.getId()).get();
        assertEquals(ResponseType.Accepted, roomResponse(organizerCopy, "aurora@contoso.test"));

        List<Event> room = roomCalendar("aurora@contoso.test", 3);
        assertEquals(1, room.size());
        Event copy = room.get(0);
        assertEquals("Ann Archer", copy.getSubject(), "AddOrganizerToSubject + DeleteSubject");
        assertEquals(created.getICalUId(), copy.getICalUId());
        assertFalse(copy.getIsOrganizer());
        assertEquals("ann@contoso.test", copy.getOrganizer().getEmailAddress().getAddress());
        assertEquals(ResponseType.Accepted, copy.getResponseStatus().getResponse());
        assertEquals(day(3, 9, 0) + ":00.0000000", copy.getStart().getDateTime());
    }

    @Test
    void a_meeting_that_conflicts_with_a_booking_is_declined_and_leaves_no_room_copy() throws Exception {
        Event first = f.graph.users().byUserId("ann@contoso.test").events()
                .post(meeting("Design review", day(4, 10, 0), day(4, 11, 0), "borealis@contoso.test"));
        f.awaitIdle();
        Event second = f.graph.users().byUserId("bob@contoso.test").events()
                .post(meeting("Overlapping", day(4, 10, 30), day(4, 11, 30), "borealis@contoso.test"));
        Event backToBack = f.graph.users().byUserId("bob@contoso.test").events()
                .post(meeting("Right after", day(4, 11, 0), day(4, 12, 0), "borealis@contoso.test"));
        f.awaitIdle();

        assertEquals(ResponseType.Declined, roomResponse(
                f.graph.users().byUserId("bob@contoso.test").events().byEventId(second.getId()).get(), "borealis@contoso.test"));
        assertEquals(ResponseType.Accepted, roomResponse(
                f.graph.users().byUserId("bob@contoso.test").events().byEventId(backToBack.getId()).get(), "borealis@contoso.test"));
        List<Event> room = roomCalendar("borealis@contoso.test", 4);
        assertEquals(List.of(first.getICalUId(), backToBack.getICalUId()), room.stream().map(Event::getICalUId).toList());
    }

    @Test
    void a_meeting_longer_than_the_room_allows_or_beyond_its_booking_window_is_declined() throws Exception {
        f.sandbox.updateRoom("cirrus@contoso.test", r -> {
            r.maximumDurationInMinutes = 60;
            r.bookingWindowInDays = 30;
        });
        try {
            Event tooLong = f.graph.users().byUserId("ann@contoso.test").events()
                    .post(meeting("Workshop", day(5, 9, 0), day(5, 11, 0), "cirrus@contoso.test"));
            Event tooFar = f.graph.users().byUserId("ann@contoso.test").events()
                    .post(meeting("Next quarter", day(40, 9, 0), day(40, 10, 0), "cirrus@contoso.test"));
            Event fits = f.graph.users().byUserId("ann@contoso.test").events()
                    .post(meeting("Stand-up", day(5, 12, 0), day(5, 13, 0), "cirrus@contoso.test"));
            f.awaitIdle();
            assertEquals(ResponseType.Declined, roomResponse(get("ann@contoso.test", tooLong), "cirrus@contoso.test"));
            assertEquals(ResponseType.Declined, roomResponse(get("ann@contoso.test", tooFar), "cirrus@contoso.test"));
            assertEquals(ResponseType.Accepted, roomResponse(get("ann@contoso.test", fits), "cirrus@contoso.test"));
        } finally {
            f.sandbox.updateRoom("cirrus@contoso.test", r -> {
                r.maximumDurationInMinutes = 1440;
                r.bookingWindowInDays = 180;
            });
        }
    }

    private static Event get(String mailbox, Event e) {
        return f.graph.users().byUserId(mailbox).events().byEventId(e.getId()).get();
    }

    @Test
    void moving_a_meeting_moves_the_room_copy_and_cancelling_it_removes_the_copy() throws Exception {
        Event created = f.graph.users().byUserId("bob@contoso.test").events()
                .post(meeting("Retro", day(6, 14, 0), day(6, 15, 0), "aurora@contoso.test"));
        f.awaitIdle();
        Event move = new Event();
        move.setStart(utc(day(6, 16, 0)));
        move.setEnd(utc(day(6, 17, 0)));
        Event moved = f.graph.users().byUserId("bob@contoso.test").events().byEventId(created.getId()).patch(move);
        assertEquals(day(6, 16, 0) + ":00.0000000", moved.getStart().getDateTime());
        f.awaitIdle();
        List<Event> room = roomCalendar("aurora@contoso.test", 6);
        assertEquals(1, room.size());
        assertEquals(day(6, 16, 0) + ":00.0000000", room.get(0).getStart().getDateTime());
        assertEquals(ResponseType.Accepted, roomResponse(get("bob@contoso.test", created), "aurora@contoso.test"));

        CancelPostRequestBody cancel = new CancelPostRequestBody();
        cancel.setComment("Not needed any more");
        f.graph.users().byUserId("bob@contoso.test").events().byEventId(created.getId()).cancel().post(cancel);
        f.awaitIdle();
        assertTrue(roomCalendar("aurora@contoso.test", 6).isEmpty());
        ODataError gone = assertThrows(ODataError.class, () -> get("bob@contoso.test", created));
        assertEquals(404, gone.getResponseStatusCode());
    }

    @Test
    void a_meeting_made_in_outlook_books_the_room_like_one_made_through_graph() throws Exception {
        String json = "{\"subject\":\"From Outlook\",\"start\":{\"dateTime\":\"" + day(16, 9, 0) + "\",\"timeZone\":\"UTC\"},"
                + "\"end\":{\"dateTime\":\"" + day(16, 10, 0) + "\",\"timeZone\":\"UTC\"},"
                + "\"attendees\":[{\"type\":\"resource\",\"emailAddress\":{\"address\":\"cirrus@contoso.test\"}}]}";
        ExchangeSandbox.OutlookResult created = f.sandbox.outlook("bob@contoso.test", "POST", "events", json);
        assertEquals(201, created.status());
        f.awaitIdle();
        List<Event> room = roomCalendar("cirrus@contoso.test", 16);
        assertEquals(List.of("Bob Baker"), room.stream().map(Event::getSubject).toList());
        String id = Json.MAPPER.readTree(created.json()).get("id").asText();
        assertEquals(202, f.sandbox.outlook("bob@contoso.test", "POST", "events/" + id + "/cancel", "{}").status());
        f.awaitIdle();
        assertTrue(roomCalendar("cirrus@contoso.test", 16).isEmpty());
        assertEquals(404, f.sandbox.outlook("bob@contoso.test", "GET", "events/" + id, null).status());
    }

    @Test
    void only_the_organizer_can_cancel_a_meeting() throws Exception {
        f.graph.users().byUserId("ann@contoso.test").events()
                .post(meeting("Room copy", day(7, 9, 0), day(7, 10, 0), "borealis@contoso.test"));
        f.awaitIdle();
        Event copy = roomCalendar("borealis@contoso.test", 7).get(0);
        ODataError e = assertThrows(ODataError.class, () -> f.graph.users().byUserId("borealis@contoso.test").events()
                .byEventId(copy.getId()).cancel().post(new CancelPostRequestBody()));
        assertEquals(400, e.getResponseStatusCode());
    }

    @Test
    void a_repeated_post_with_the_same_transaction_id_returns_the_first_event() {
        Event a = meeting("Idempotent", day(8, 9, 0), day(8, 10, 0));
        a.setTransactionId("reservation-42");
        Event b = meeting("Idempotent", day(8, 9, 0), day(8, 10, 0));
        b.setTransactionId("reservation-42");
        Event first = f.graph.users().byUserId("ann@contoso.test").events().post(a);
        Event second = f.graph.users().byUserId("ann@contoso.test").events().post(b);
        assertEquals(first.getId(), second.getId());
        assertEquals("reservation-42", second.getTransactionId());
        List<Event> same = f.graph.users().byUserId("ann@contoso.test").events()
                .get(rc -> rc.queryParameters.filter = "iCalUId eq '" + first.getICalUId() + "'").getValue();
        assertEquals(1, same.size());
    }

    @Test
    void a_single_value_extended_property_round_trips_through_expand_and_filter() {
        Event e = meeting("Tagged", day(9, 9, 0), day(9, 10, 0));
        e.setSingleValueExtendedProperties(List.of(GraphModels.property(RESERVATION_PROPERTY, "R-1001")));
        Event created = f.graph.users().byUserId("ann@contoso.test").events().post(e);
        assertNull(created.getSingleValueExtendedProperties(), "returned only when expanded");

        Event plain = get("ann@contoso.test", created);
        assertNull(plain.getSingleValueExtendedProperties());
        Event expanded = f.graph.users().byUserId("ann@contoso.test").events().byEventId(created.getId())
                .get(rc -> rc.queryParameters.expand = new String[] {"singleValueExtendedProperties($filter=id eq '" + RESERVATION_PROPERTY + "')"});
        assertEquals(1, expanded.getSingleValueExtendedProperties().size());
        assertEquals("R-1001", expanded.getSingleValueExtendedProperties().get(0).getValue());

        List<Event> found = f.graph.users().byUserId("ann@contoso.test").events().get(rc -> rc.queryParameters.filter =
                "singleValueExtendedProperties/Any(ep: ep/id eq '" + RESERVATION_PROPERTY + "' and ep/value eq 'R-1001')").getValue();
        assertEquals(List.of(created.getId()), found.stream().map(Event::getId).toList());
    }

    @Test
    void an_unknown_event_is_not_found_and_keeps_graphs_request_id() {
        ODataError e = assertThrows(ODataError.class, () -> f.graph.users().byUserId("ann@contoso.test").events().byEventId("AAMkAGnope=").get());
        GraphFailure failure = GraphErrors.translate(e);
        assertEquals(GraphFailure.Kind.NOT_FOUND, failure.kind());
        assertEquals("ErrorItemNotFound", failure.code());
        assertNotNull(failure.requestId());
        assertEquals(failure.requestId(), e.getError().getInnerError().getRequestId());
    }

    @Test
    void an_unknown_user_is_not_found() {
        ODataError e = assertThrows(ODataError.class, () -> f.graph.users().byUserId("nobody@contoso.test").events().get());
        assertEquals(GraphFailure.Kind.NOT_FOUND, GraphErrors.translate(e).kind());
        assertEquals("ErrorInvalidUser", e.getError().getCode());
    }

    @Test
    void a_user_without_an_exchange_online_mailbox_answers_mailbox_not_enabled() {
        f.sandbox.addUser(f.tenant, "onprem@contoso.test", "On Prem");
        f.sandbox.setMailboxEnabled("onprem@contoso.test", false);
        ODataError e = assertThrows(ODataError.class, () -> f.graph.users().byUserId("onprem@contoso.test").events().get());
        assertEquals(GraphFailure.Kind.MAILBOX_NOT_ENABLED, GraphErrors.translate(e).kind());
    }

    @Test
    void an_application_access_policy_denies_mailboxes_outside_its_scope() {
        f.sandbox.setAccessPolicy(f.app, new Directory.AccessPolicy(Directory.AccessPolicy.Right.RESTRICT_ACCESS,
                List.of("aurora@contoso.test", "borealis@contoso.test")));
        try {
            ODataError e = assertThrows(ODataError.class, () -> f.graph.users().byUserId("ann@contoso.test").events().get());
            assertEquals(403, e.getResponseStatusCode());
            assertEquals("ErrorAccessDenied", e.getError().getCode());
            assertEquals(GraphFailure.Kind.ACCESS_DENIED, GraphErrors.translate(e).kind());
            assertNotNull(f.graph.users().byUserId("aurora@contoso.test").events().get().getValue());
        } finally {
            f.sandbox.setAccessPolicy(f.app, null);
        }
    }

    @Test
    void times_come_back_in_utc_with_seven_fractional_digits_or_in_the_preferred_zone() {
        Event e = new Event();
        e.setSubject("Zoned");
        com.microsoft.graph.models.DateTimeTimeZone start = new com.microsoft.graph.models.DateTimeTimeZone();
        start.setDateTime(day(10, 9, 0).toString());
        start.setTimeZone("W. Europe Standard Time");
        e.setStart(start);
        com.microsoft.graph.models.DateTimeTimeZone end = new com.microsoft.graph.models.DateTimeTimeZone();
        end.setDateTime(day(10, 10, 0).toString());
        end.setTimeZone("Europe/Berlin");
        e.setEnd(end);
        Event created = f.graph.users().byUserId("bob@contoso.test").events().post(e);
        LocalDateTime nineBerlin = day(10, 9, 0).atZone(java.time.ZoneId.of("Europe/Berlin")).withZoneSameInstant(java.time.ZoneOffset.UTC).toLocalDateTime();
        assertEquals("UTC", created.getStart().getTimeZone());
        assertEquals(nineBerlin + ":00.0000000", created.getStart().getDateTime());
        assertEquals("W. Europe Standard Time", created.getOriginalStartTimeZone());
        Event inBerlin = f.graph.users().byUserId("bob@contoso.test").events().byEventId(created.getId())
                .get(rc -> rc.headers.add("Prefer", "outlook.timezone=\"Europe/Berlin\""));
        assertEquals(day(10, 9, 0) + ":00.0000000", inBerlin.getStart().getDateTime());
        assertEquals("Europe/Berlin", inBerlin.getStart().getTimeZone());
    }

    @Test
    void an_event_with_an_unknown_property_or_end_before_start_is_refused_with_400() throws Exception {
        String token = f.appToken();
        HttpResponse<String> unknown = f.raw("POST", "/v1.0/users/ann@contoso.test/events", token,
                "{\"subject\":\"x\",\"start\":{\"dateTime\":\"2030-01-01T10:00:00\",\"timeZone\":\"UTC\"},"
                        + "\"end\":{\"dateTime\":\"2030-01-01T11:00:00\",\"timeZone\":\"UTC\"},\"colour\":\"red\"}");
        assertEquals(400, unknown.statusCode());
        JsonNode error = Json.MAPPER.readTree(unknown.body()).get("error");
        assertEquals("RequestBodyRead", error.get("code").asText());
        assertNotNull(error.get("innerError").get("request-id"));
        HttpResponse<String> backwards = f.raw("POST", "/v1.0/users/ann@contoso.test/events", token,
                "{\"subject\":\"x\",\"start\":{\"dateTime\":\"2030-01-01T10:00:00\",\"timeZone\":\"UTC\"},"
                        + "\"end\":{\"dateTime\":\"2030-01-01T09:00:00\",\"timeZone\":\"UTC\"}}");
        assertEquals(400, backwards.statusCode());
    }
}
