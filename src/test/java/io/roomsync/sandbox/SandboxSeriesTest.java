package io.roomsync.sandbox;

import static io.roomsync.sandbox.GraphModels.day;
import static io.roomsync.sandbox.GraphModels.meeting;
import static io.roomsync.sandbox.GraphModels.utc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.models.Attendee;
import com.microsoft.graph.models.AttendeeType;
import com.microsoft.graph.models.DayOfWeek;
import com.microsoft.graph.models.Event;
import com.microsoft.graph.models.EventType;
import com.microsoft.graph.models.FreeBusyStatus;
import com.microsoft.graph.models.PatternedRecurrence;
import com.microsoft.graph.models.RecurrencePattern;
import com.microsoft.graph.models.RecurrencePatternType;
import com.microsoft.graph.models.RecurrenceRange;
import com.microsoft.graph.models.RecurrenceRangeType;
import com.microsoft.graph.models.ResponseType;
import com.microsoft.graph.models.Subscription;
import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.graph.users.item.calendarview.delta.DeltaGetResponse;
import com.microsoft.graph.users.item.events.item.accept.AcceptPostRequestBody;
import com.microsoft.graph.users.item.events.item.cancel.CancelPostRequestBody;
import com.microsoft.graph.users.item.events.item.decline.DeclinePostRequestBody;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Recurring series and invitations to people (graph-facts §2), through the real Graph SDK over HTTPS. */
class SandboxSeriesTest {
    static SandboxFixture f;
    static WebhookReceiver hook;

    @BeforeAll
    static void start() throws Exception {
        f = new SandboxFixture();
        hook = new WebhookReceiver(f.sandbox.certificate().serverContext());
    }

    @AfterAll
    static void stop() {
        hook.close();
        f.close();
    }

    /** A numbered series: weekly on the weekdays of the given days, or daily when none are given. */
    private static Event series(String subject, LocalDateTime start, LocalDateTime end, int count, List<LocalDateTime> weekdays, String... rooms) {
        Event e = meeting(subject, start, end, rooms);
        RecurrencePattern p = new RecurrencePattern();
        p.setInterval(1);
        if (weekdays.isEmpty()) {
            p.setType(RecurrencePatternType.Daily);
        } else {
            p.setType(RecurrencePatternType.Weekly);
            List<DayOfWeek> days = new ArrayList<>();
            for (LocalDateTime d : weekdays) days.add(DayOfWeek.forValue(d.getDayOfWeek().name().toLowerCase(Locale.ROOT)));
            p.setDaysOfWeek(days);
        }
        RecurrenceRange r = new RecurrenceRange();
        r.setType(RecurrenceRangeType.Numbered);
        r.setStartDate(start.toLocalDate());
        r.setNumberOfOccurrences(count);
        PatternedRecurrence rec = new PatternedRecurrence();
        rec.setPattern(p);
        rec.setRange(r);
        e.setRecurrence(rec);
        return e;
    }

    private static List<Event> view(String mailbox, int fromDay, int toDay) {
        return f.graph.users().byUserId(mailbox).calendarView().get(rc -> {
            rc.queryParameters.startDateTime = day(fromDay, 0, 0) + "Z";
            rc.queryParameters.endDateTime = day(toDay, 0, 0) + "Z";
            rc.queryParameters.top = 100;
        }).getValue();
    }

    /** One full delta round (or the next one from a deltaLink): id -> item, plus the new deltaLink under "". */
    private static Map<String, Event> delta(String mailbox, int fromDay, int toDay, String deltaLink, String[] nextDeltaLink) {
        Map<String, Event> items = new LinkedHashMap<>();
        DeltaGetResponse page = deltaLink == null
                ? f.graph.users().byUserId(mailbox).calendarView().delta().get(rc -> {
                    rc.queryParameters.startDateTime = day(fromDay, 0, 0) + "Z";
                    rc.queryParameters.endDateTime = day(toDay, 0, 0) + "Z";
                })
                : f.graph.users().byUserId(mailbox).calendarView().delta().withUrl(deltaLink).get();
        while (true) {
            for (Event e : page.getValue()) items.put(e.getId(), e);
            if (page.getOdataNextLink() == null) break;
            page = f.graph.users().byUserId(mailbox).calendarView().delta().withUrl(page.getOdataNextLink()).get();
        }
        nextDeltaLink[0] = page.getOdataDeltaLink();
        return items;
    }

    private static boolean removed(Event e) {
        return e != null && e.getAdditionalData().containsKey("@removed");
    }

    private static ResponseType response(Event organizerCopy, String address) {
        for (Attendee a : organizerCopy.getAttendees()) {
            if (a.getEmailAddress().getAddress().equalsIgnoreCase(address)) return a.getStatus().getResponse();
        }
        throw new AssertionError(address + " is not an attendee");
    }

    private static Event get(String mailbox, String id) {
        return f.graph.users().byUserId(mailbox).events().byEventId(id).get();
    }

    private static Event invite(Event e, String person) {
        List<Attendee> all = new ArrayList<>(e.getAttendees());
        all.add(GraphModels.attendee(person, AttendeeType.Required));
        e.setAttendees(all);
        return e;
    }

    @Test
    void a_weekly_series_is_one_master_that_calendar_view_and_delta_expand_into_occurrences() {
        Event master = f.graph.users().byUserId("ann@contoso.test").events().post(series("Weekly sync",
                day(50, 9, 0), day(50, 9, 30), 4, List.of(day(50, 0, 0), day(51, 0, 0))));
        assertEquals(EventType.SeriesMaster, master.getType());
        Event read = get("ann@contoso.test", master.getId());
        assertEquals(RecurrencePatternType.Weekly, read.getRecurrence().getPattern().getType());
        assertEquals(2, read.getRecurrence().getPattern().getDaysOfWeek().size());
        assertEquals(4, read.getRecurrence().getRange().getNumberOfOccurrences());

        List<Event> occurrences = view("ann@contoso.test", 50, 60);
        assertEquals(List.of(day(50, 9, 0), day(51, 9, 0), day(57, 9, 0), day(58, 9, 0)),
                occurrences.stream().map(e -> LocalDateTime.parse(e.getStart().getDateTime())).toList());
        Set<String> ids = new HashSet<>();
        Set<String> iCalUIds = new HashSet<>();
        for (Event o : occurrences) {
            assertEquals(EventType.Occurrence, o.getType());
            assertEquals(master.getId(), o.getSeriesMasterId());
            assertEquals("Weekly sync", o.getSubject());
            assertEquals(master.getICalUId(), o.getAdditionalData().get("uid"), "uid names the series");
            assertNotNull(o.getOriginalStart());
            ids.add(o.getId());
            iCalUIds.add(o.getICalUId());
        }
        assertEquals(4, ids.size(), "each occurrence has its own id");
        assertFalse(ids.contains(master.getId()));
        assertEquals(4, iCalUIds.size(), "iCalUId differs per occurrence");
        assertEquals(occurrences.get(1).getId(), get("ann@contoso.test", occurrences.get(1).getId()).getId(), "an occurrence can be read by id");

        Map<String, Event> round = delta("ann@contoso.test", 50, 60, null, new String[1]);
        assertEquals(ids, round.keySet(), "delta lists the occurrences, not the master");
    }

    @Test
    void changing_one_occurrence_makes_it_an_exception_and_delta_reports_only_what_changed_in_the_series() {
        Event master = f.graph.users().byUserId("ann@contoso.test").events().post(series("Daily check-in",
                day(90, 8, 0), day(90, 8, 15), 3, List.of()));
        String[] link = new String[1];
        delta("ann@contoso.test", 90, 95, null, link);
        Event second = view("ann@contoso.test", 91, 92).get(0);

        Event change = new Event();
        change.setSubject("Check-in (moved)");
        change.setStart(utc(day(91, 14, 0)));
        change.setEnd(utc(day(91, 14, 15)));
        Event exception = f.graph.users().byUserId("ann@contoso.test").events().byEventId(second.getId()).patch(change);
        assertEquals(EventType.Exception, exception.getType());
        assertEquals(second.getId(), exception.getId(), "the exception keeps the occurrence's id");
        assertEquals(master.getId(), exception.getSeriesMasterId());

        List<Event> now = view("ann@contoso.test", 90, 95);
        assertEquals(List.of("Daily check-in", "Check-in (moved)", "Daily check-in"), now.stream().map(Event::getSubject).toList());
        assertEquals(List.of(EventType.Occurrence, EventType.Exception, EventType.Occurrence), now.stream().map(Event::getType).toList());
        Map<String, Event> changes = delta("ann@contoso.test", 90, 95, link[0], link);
        assertEquals("Check-in (moved)", changes.get(second.getId()).getSubject());
        assertFalse(removed(changes.get(second.getId())));

        Event rename = new Event();
        rename.setSubject("Morning check-in");
        f.graph.users().byUserId("ann@contoso.test").events().byEventId(master.getId()).patch(rename);
        assertEquals(List.of("Morning check-in", "Check-in (moved)", "Morning check-in"),
                view("ann@contoso.test", 90, 95).stream().map(Event::getSubject).toList(), "the series changes, its exception keeps its own subject");
    }

    @Test
    void cancelling_one_occurrence_removes_only_it_and_cancelling_the_master_removes_the_series() {
        Event master = f.graph.users().byUserId("ann@contoso.test").events().post(series("Retro",
                day(100, 15, 0), day(100, 16, 0), 3, List.of()));
        List<Event> occurrences = view("ann@contoso.test", 100, 105);
        String[] link = new String[1];
        delta("ann@contoso.test", 100, 105, null, link);

        f.graph.users().byUserId("ann@contoso.test").events().byEventId(occurrences.get(0).getId()).cancel().post(new CancelPostRequestBody());
        assertEquals(List.of(occurrences.get(1).getId(), occurrences.get(2).getId()),
                view("ann@contoso.test", 100, 105).stream().map(Event::getId).toList());
        ODataError gone = assertThrows(ODataError.class, () -> get("ann@contoso.test", occurrences.get(0).getId()));
        assertEquals(404, gone.getResponseStatusCode());
        assertEquals(EventType.SeriesMaster, get("ann@contoso.test", master.getId()).getType());
        Map<String, Event> changes = delta("ann@contoso.test", 100, 105, link[0], link);
        assertTrue(removed(changes.get(occurrences.get(0).getId())));

        f.graph.users().byUserId("ann@contoso.test").events().byEventId(master.getId()).cancel().post(new CancelPostRequestBody());
        assertTrue(view("ann@contoso.test", 100, 105).isEmpty());
        assertEquals(404, assertThrows(ODataError.class, () -> get("ann@contoso.test", master.getId())).getResponseStatusCode());
        changes = delta("ann@contoso.test", 100, 105, link[0], link);
        assertTrue(removed(changes.get(occurrences.get(1).getId())));
        assertTrue(removed(changes.get(occurrences.get(2).getId())));
    }

    @Test
    void changes_to_a_series_or_one_of_its_occurrences_are_notified_on_the_master() throws Exception {
        f.sandbox.addUser(f.tenant, "dana@contoso.test", "Dana Diaz");
        Subscription sub = f.graph.subscriptions().post(subscription("dana@contoso.test"));
        Event master = f.graph.users().byUserId("dana@contoso.test").events().post(series("Office hours",
                day(110, 16, 0), day(110, 17, 0), 3, List.of()));
        f.awaitIdle();
        assertEquals(Set.of(master.getId()), notifiedIds(sub), "creating the series notifies its master");

        hook.clear();
        String occurrence = view("dana@contoso.test", 111, 112).get(0).getId();
        f.graph.users().byUserId("dana@contoso.test").events().byEventId(occurrence).delete();
        Event rename = new Event();
        rename.setSubject("Open office hours");
        f.graph.users().byUserId("dana@contoso.test").events().byEventId(master.getId()).patch(rename);
        f.awaitIdle();
        assertEquals(Set.of(master.getId()), notifiedIds(sub));
        assertTrue(hook.items().stream().filter(i -> i.get("subscriptionId").asText().equals(sub.getId()))
                .allMatch(i -> i.get("changeType").asText().equals("updated")));
    }

    @Test
    void a_room_accepts_a_free_series_and_its_calendar_holds_the_same_occurrences() throws Exception {
        Event master = f.graph.users().byUserId("ann@contoso.test").events().post(series("Team lunch",
                day(60, 12, 0), day(60, 13, 0), 3, List.of(), "aurora@contoso.test"));
        f.awaitIdle();
        assertEquals(ResponseType.Accepted, response(get("ann@contoso.test", master.getId()), "aurora@contoso.test"));

        List<String> organizerICalUIds = view("ann@contoso.test", 60, 63).stream().map(Event::getICalUId).toList();
        List<Event> room = view("aurora@contoso.test", 60, 63);
        assertEquals(3, room.size());
        assertEquals(organizerICalUIds, room.stream().map(Event::getICalUId).toList());
        for (Event o : room) {
            assertEquals(EventType.Occurrence, o.getType());
            assertEquals("Ann Archer", o.getSubject());
            assertNotEquals(master.getId(), o.getSeriesMasterId(), "the room's copy is a series of its own");
        }
        assertEquals(3, delta("aurora@contoso.test", 60, 63, null, new String[1]).size());

        f.graph.users().byUserId("ann@contoso.test").events().byEventId(master.getId()).cancel().post(new CancelPostRequestBody());
        f.awaitIdle();
        assertTrue(view("aurora@contoso.test", 60, 63).isEmpty());
    }

    @Test
    void a_room_declines_a_series_when_one_occurrence_conflicts_or_it_has_no_end_beyond_the_booking_window() throws Exception {
        Event booked = f.graph.users().byUserId("bob@contoso.test").events()
                .post(meeting("Interview", day(71, 10, 30), day(71, 11, 0), "borealis@contoso.test"));
        f.awaitIdle();
        Event master = f.graph.users().byUserId("ann@contoso.test").events().post(series("Planning",
                day(70, 10, 0), day(70, 11, 0), 3, List.of(), "borealis@contoso.test"));
        Event endless = series("Forever", day(75, 8, 0), day(75, 9, 0), 1, List.of(), "borealis@contoso.test");
        endless.getRecurrence().getRange().setType(RecurrenceRangeType.NoEnd);
        f.sandbox.addUser(f.tenant, "carol@contoso.test", "Carol Cole");
        Event noEnd = f.graph.users().byUserId("carol@contoso.test").events().post(endless);
        f.awaitIdle();

        assertEquals(ResponseType.Declined, response(get("ann@contoso.test", master.getId()), "borealis@contoso.test"));
        assertEquals(ResponseType.Declined, response(get("carol@contoso.test", noEnd.getId()), "borealis@contoso.test"));
        assertEquals(List.of(booked.getICalUId()), view("borealis@contoso.test", 70, 80).stream().map(Event::getICalUId).toList());
    }

    @Test
    void an_invited_person_gets_a_copy_and_answering_it_shows_on_the_organizers_copy_with_notifications_to_both() throws Exception {
        f.awaitIdle();
        Subscription annSub = f.graph.subscriptions().post(subscription("ann@contoso.test"));
        Subscription bobSub = f.graph.subscriptions().post(subscription("bob@contoso.test"));
        Event accepted = f.graph.users().byUserId("ann@contoso.test").events()
                .post(invite(meeting("Budget", day(80, 9, 0), day(80, 10, 0)), "bob@contoso.test"));
        Event declined = f.graph.users().byUserId("ann@contoso.test").events()
                .post(invite(meeting("Offsite", day(80, 13, 0), day(80, 14, 0)), "bob@contoso.test"));
        f.awaitIdle();

        List<Event> bobs = view("bob@contoso.test", 80, 81);
        assertEquals(List.of("Budget", "Offsite"), bobs.stream().map(Event::getSubject).toList());
        Event copy = bobs.get(0);
        assertEquals(accepted.getICalUId(), copy.getICalUId());
        assertFalse(copy.getIsOrganizer());
        assertEquals(ResponseType.NotResponded, copy.getResponseStatus().getResponse());
        assertEquals(FreeBusyStatus.Tentative, copy.getShowAs());

        hook.clear();
        AcceptPostRequestBody yes = new AcceptPostRequestBody();
        yes.setComment("See you there");
        yes.setSendResponse(true);
        f.graph.users().byUserId("bob@contoso.test").events().byEventId(copy.getId()).accept().post(yes);
        DeclinePostRequestBody no = new DeclinePostRequestBody();
        no.setSendResponse(true);
        f.graph.users().byUserId("bob@contoso.test").events().byEventId(bobs.get(1).getId()).decline().post(no);
        f.awaitIdle();

        Event organizerCopy = get("ann@contoso.test", accepted.getId());
        assertEquals(ResponseType.Accepted, response(organizerCopy, "bob@contoso.test"));
        Attendee bob = organizerCopy.getAttendees().get(0);
        assertTrue(bob.getStatus().getTime().getYear() > 2000, "the response carries its time");
        assertEquals(ResponseType.Accepted, get("bob@contoso.test", copy.getId()).getResponseStatus().getResponse());
        assertEquals(ResponseType.Declined, response(get("ann@contoso.test", declined.getId()), "bob@contoso.test"));
        assertEquals(List.of("Budget"), view("bob@contoso.test", 80, 81).stream().map(Event::getSubject).toList(), "declining removes the copy");

        Set<String> annNotified = notifiedIds(annSub);
        Set<String> bobNotified = notifiedIds(bobSub);
        assertTrue(annNotified.contains(accepted.getId()) && annNotified.contains(declined.getId()), annNotified.toString());
        assertTrue(bobNotified.contains(copy.getId()) && bobNotified.contains(bobs.get(1).getId()), bobNotified.toString());
    }

    @Test
    void cancelling_a_meeting_marks_the_attendees_copies_cancelled() throws Exception {
        Event meeting = f.graph.users().byUserId("ann@contoso.test").events()
                .post(invite(meeting("Launch", day(85, 9, 0), day(85, 10, 0)), "bob@contoso.test"));
        Event weekly = f.graph.users().byUserId("ann@contoso.test").events()
                .post(invite(series("Launch prep", day(86, 9, 0), day(86, 10, 0), 2, List.of()), "bob@contoso.test"));
        f.awaitIdle();
        assertEquals(3, view("bob@contoso.test", 85, 88).size(), "the single meeting and the series' two occurrences");

        f.graph.users().byUserId("ann@contoso.test").events().byEventId(meeting.getId()).cancel().post(new CancelPostRequestBody());
        f.graph.users().byUserId("ann@contoso.test").events().byEventId(weekly.getId()).delete();
        f.awaitIdle();

        List<Event> bobs = f.graph.users().byUserId("bob@contoso.test").events().get(rc -> rc.queryParameters.top = 100).getValue()
                .stream().filter(e -> e.getICalUId().equals(meeting.getICalUId()) || e.getICalUId().equals(weekly.getICalUId())).toList();
        assertEquals(2, bobs.size());
        for (Event e : bobs) {
            assertTrue(e.getIsCancelled(), e.getSubject());
            assertTrue(e.getSubject().startsWith("Canceled: "), e.getSubject());
        }
    }

    private static Subscription subscription(String mailbox) {
        Subscription s = new Subscription();
        s.setChangeType("created,updated,deleted");
        s.setNotificationUrl(hook.url("/api/webhook"));
        s.setResource("users/" + mailbox + "/events");
        s.setExpirationDateTime(OffsetDateTime.now(ZoneOffset.UTC).plus(Duration.ofHours(24)));
        s.setClientState("series");
        return s;
    }

    private static Set<String> notifiedIds(Subscription sub) {
        Set<String> ids = new HashSet<>();
        for (JsonNode item : hook.items()) {
            if (item.get("subscriptionId").asText().equals(sub.getId())) ids.add(item.path("resourceData").path("id").asText());
        }
        return ids;
    }
}
