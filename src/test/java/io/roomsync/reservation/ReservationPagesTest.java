package io.roomsync.reservation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.roomsync.location.Building;
import io.roomsync.location.Reservable;
import io.roomsync.location.ReservableModule;
import io.roomsync.support.TestApp;
import io.roomsync.support.TestDatabases;
import io.roomsync.support.WebClient;
import io.roomsync.tenant.Role;
import io.roomsync.tenant.Tenant;
import io.roomsync.tenant.User;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.zone.ZoneOffsetTransition;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The portal pages, through a browser-like client against a real server on MariaDB. */
class ReservationPagesTest {
    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    static TestApp app;
    static Tenant acme;
    static User ann;
    static User bob;
    static Building hq;
    static ReservableModule rooms;
    static int counter;

    @BeforeAll
    static void start() {
        app = TestApp.start(TestDatabases.Kind.MARIADB);
        acme = app.fixtures.tenant("Acme");
        ann = app.fixtures.user(acme, "ann@acme.test");
        bob = app.fixtures.user(acme, "bob@acme.test");
        app.fixtures.user(acme, "admin@acme.test", Role.TENANT_ADMIN);
        hq = app.fixtures.building(acme, "HQ", "Europe/Berlin");
        rooms = app.fixtures.module(acme, "Rooms", 480, 400);
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    static Reservable room(int capacity, String equipment) {
        return app.fixtures.room(hq, rooms, "Room " + (++counter), capacity, equipment);
    }

    static WebClient signedIn(User u) {
        return app.client().signIn(acme.slug, u.email);
    }

    static LocalDate day(int ahead) {
        return LocalDate.now(BERLIN).plusDays(ahead);
    }

    static Map<String, String> form(Reservable room, LocalDate d, String start, String end, String subject) {
        Map<String, String> f = new HashMap<>();
        f.put("reservable", room.id.toString());
        f.put("date", d.toString());
        f.put("start", start);
        f.put("end", end);
        f.put("subject", subject);
        f.put("notes", "");
        f.put("attendees", "");
        f.put("requestedFor", "");
        return f;
    }

    /** Books through the real form and returns the new reservation's id. */
    static long book(WebClient browser, Reservable room, LocalDate d, String start, String end, String subject) {
        browser.get("/reservations/new?reservable=" + room.id);
        WebClient.Response r = browser.post("/reservations", form(room, d, start, end, subject));
        assertEquals(303, r.status(), r.body());
        Matcher m = Pattern.compile("/reservations/(\\d+)").matcher(r.header("Location"));
        assertTrue(m.matches(), r.header("Location"));
        return Long.parseLong(m.group(1));
    }

    static String text(String html) {
        return html.replace("&gt;", ">").replace("&lt;", "<").replace("&#39;", "'").replace("&quot;", "\"").replace("&amp;", "&").replace("&#x27;", "'");
    }

    static Reservation stored(long id) {
        return app.app.tx.call(s -> s.find(Reservation.class, id));
    }

    @Test
    void find_shows_the_rooms_free_then_as_cards_with_a_book_link() {
        Reservable free = room(8, "display,video");
        Reservable busy = room(8, "display,video");
        LocalDate d = day(3);
        WebClient browser = signedIn(ann);
        book(browser, busy, d, "10:00", "11:00", "Busy");

        WebClient.Response page = browser.get("/find?building=" + hq.id + "&date=" + d + "&start=10:30&duration=60&capacity=8&kind=ROOM&equipment=video");
        assertEquals(200, page.status());
        String html = page.body();
        assertTrue(html.contains(free.name + "</h3>"), "the free room is listed");
        assertFalse(html.contains(busy.name + "</h3>"), "a room busy for part of the span is not");
        assertTrue(html.contains("/reservations/new?reservable=" + free.id + "&amp;date=" + d + "&amp;start=10:30&amp;end=11:30"), "Book link");
        assertTrue(html.contains("name=\"equipment\" value=\"video\" checked"), "equipment checkboxes come from the tags in use and keep the choice");

        WebClient.Response none = browser.get("/find?building=" + hq.id + "&date=" + d + "&start=10:30&duration=60&capacity=500");
        assertTrue(none.body().contains("Nothing is free then."), "empty state with a hint");
    }

    @Test
    void find_with_bad_input_shows_field_errors() {
        WebClient browser = signedIn(ann);
        WebClient.Response page = browser.get("/find?date=soon&start=25:99&duration=60");
        assertEquals(400, page.status());
        assertTrue(page.body().contains("id=\"date-error\""));
        assertTrue(page.body().contains("aria-invalid=\"true\""));
    }

    @Test
    void a_room_is_booked_through_the_form_and_shown_with_its_zone_history_and_flash() {
        Reservable room = room(6, "display");
        LocalDate d = day(4);
        WebClient browser = signedIn(ann);
        WebClient.Response form = browser.get("/reservations/new?reservable=" + room.id + "&date=" + d + "&start=09:00&end=10:00");
        assertEquals(200, form.status());
        assertTrue(form.body().contains("Europe/Berlin (CE"), "times are shown with the zone name");
        assertTrue(form.body().contains("value=\"09:00\"") && form.body().contains("value=\"" + d + "\""), "prefilled");
        assertTrue(form.body().contains("<label for=\"attendees\">"));

        Map<String, String> f = form(room, d, "09:00", "10:00", "Design review");
        f.put("attendees", "bob@acme.test\nguest@partner.example\n");
        f.put("notes", "Bring sketches");
        WebClient.Response posted = browser.post("/reservations", f);
        assertEquals(303, posted.status(), posted.body());
        String details = browser.get(posted.header("Location")).body();
        assertTrue(details.contains("Booked " + room.name), "success flash");
        assertTrue(details.contains("Design review"));
        assertTrue(details.contains("guest@partner.example") && details.contains("Visitor"));
        assertTrue(details.contains("<strong>Booked</strong> by ann@acme.test"), "history");
        assertTrue(details.contains("data-confirm="), "cancel asks first");
    }

    @Test
    void bad_form_input_re_renders_the_form_with_field_errors() {
        Reservable room = room(2, "");
        LocalDate d = day(4);
        WebClient browser = signedIn(ann);
        browser.get("/reservations/new?reservable=" + room.id);
        Map<String, String> f = form(room, d, "10:00", "09:00", "Backwards");
        WebClient.Response r = browser.post("/reservations", f);
        assertEquals(400, r.status());
        assertTrue(r.body().contains("id=\"end-error\""));
        assertTrue(text(r.body()).contains("The end must be after the start"));
        assertTrue(r.body().contains("value=\"Backwards\""), "what was typed is kept");

        f = form(room, d, "09:00", "10:00", "Crowd");
        f.put("attendees", "a@x.example\nb@x.example\nnot an address");
        r = browser.post("/reservations", f);
        assertEquals(400, r.status());
        assertTrue(r.body().contains("id=\"attendees-error\"") && r.body().contains("not an address"));
    }

    @Test
    void a_time_in_the_spring_gap_is_refused_on_the_form() {
        ZoneOffsetTransition t = BERLIN.getRules().nextTransition(Instant.now());
        while (!t.isGap()) t = BERLIN.getRules().nextTransition(t.getInstant());
        LocalDateTime gap = t.getDateTimeBefore().plusMinutes(30); // e.g. 02:30 on the last Sunday of March
        Reservable room = room(4, "");
        WebClient browser = signedIn(ann);
        browser.get("/reservations/new?reservable=" + room.id);
        WebClient.Response r = browser.post("/reservations", form(room, gap.toLocalDate(), "02:30", "04:00", "Night shift"));
        assertEquals(400, r.status());
        assertTrue(r.body().contains("02:30 does not exist on " + gap.toLocalDate() + " in Europe/Berlin"), r.body());
    }

    @Test
    void a_taken_slot_shows_a_clear_conflict_on_the_form() {
        Reservable room = room(4, "");
        LocalDate d = day(5);
        book(signedIn(bob), room, d, "14:00", "15:00", "Bob's slot");
        WebClient browser = signedIn(ann);
        browser.get("/reservations/new?reservable=" + room.id);
        WebClient.Response r = browser.post("/reservations", form(room, d, "14:30", "15:30", "Too late"));
        assertEquals(409, r.status());
        assertTrue(r.body().contains("role=\"alert\"") && r.body().contains(room.name + " is already booked"), r.body());
        assertTrue(r.body().contains("value=\"Too late\""));
    }

    @Test
    void my_reservations_lists_upcoming_and_past_with_state_badges() {
        Reservable room = room(4, "");
        WebClient browser = signedIn(ann);
        long upcoming = book(browser, room, day(6), "08:00", "09:00", "Upcoming one");
        Instant pastStart = Instant.now().minus(Duration.ofDays(3));
        Reservation past = app.fixtures.reservation(room, ann, pastStart, pastStart.plus(Duration.ofHours(1)), Source.PORTAL);

        String list = browser.get("/reservations").body();
        assertTrue(list.contains("/reservations/" + upcoming) && list.contains("Upcoming one"));
        assertTrue(list.contains("badge ok\">Confirmed"));
        assertFalse(list.contains("/reservations/" + past.id + "\""));
        String pastTab = browser.get("/reservations?tab=past").body();
        assertTrue(pastTab.contains("/reservations/" + past.id + "\""));
        assertFalse(pastTab.contains("Upcoming one"));
        assertTrue(text(browser.get("/reservations/" + past.id).body()).contains("past reservations can't be changed"));
    }

    @Test
    void a_reservation_is_changed_and_cancelled_from_its_page_and_stale_edits_are_refused() {
        Reservable room = room(4, "");
        LocalDate d = day(7);
        WebClient browser = signedIn(ann);
        long id = book(browser, room, d, "11:00", "12:00", "Weekly");
        long version = stored(id).version;

        browser.get("/reservations/" + id);
        Map<String, String> edit = form(room, d, "12:00", "13:00", "Weekly (moved)");
        edit.put("version", String.valueOf(version));
        WebClient.Response saved = browser.post("/reservations/" + id, edit);
        assertEquals(303, saved.status(), saved.body());
        String page = browser.get("/reservations/" + id).body();
        assertTrue(page.contains("Saved your changes."));
        assertTrue(text(page).contains("subject: 'Weekly' -> 'Weekly (moved)'"), page.substring(page.indexOf("History")));
        assertEquals(d.atTime(12, 0).atZone(BERLIN).toInstant(), stored(id).startAt);

        WebClient.Response stale = browser.post("/reservations/" + id, edit); // same old version again
        assertEquals(409, stale.status());
        assertTrue(stale.body().contains("changed this reservation meanwhile"));

        browser.get("/reservations/" + id);
        WebClient.Response cancelled = browser.post("/reservations/" + id + "/cancel", Map.of("version", String.valueOf(stored(id).version)));
        assertEquals(303, cancelled.status(), cancelled.body());
        assertEquals(ReservationState.CANCELLED, stored(id).state);
        assertTrue(browser.get("/reservations/" + id).body().contains("badge bad badge-lg\">Cancelled"));
    }

    @Test
    void a_reservation_moves_to_another_room_of_its_building_from_its_page_unless_that_room_is_taken() {
        Reservable from = room(4, "");
        Reservable to = room(8, "");
        Reservable taken = room(6, "");
        LocalDate d = day(9);
        WebClient browser = signedIn(ann);
        long id = book(browser, from, d, "14:00", "15:00", "Design review");
        book(signedIn(bob), taken, d, "14:30", "15:30", "Bob's");

        String page = browser.get("/reservations/" + id).body();
        assertTrue(page.contains("<option value=\"" + from.id + "\" selected>"), "the current room is chosen");
        assertTrue(page.contains("<option value=\"" + to.id + "\">" + to.name + " (8 seats)"), "other rooms of the building are offered");

        Map<String, String> busy = form(taken, d, "14:00", "15:00", "Design review");
        busy.put("version", String.valueOf(stored(id).version));
        WebClient.Response refused = browser.post("/reservations/" + id, busy);
        assertEquals(409, refused.status());
        assertTrue(text(refused.body()).contains(taken.name + " is already booked"), "the clash is named");
        assertEquals(from.id, stored(id).reservableId, "nothing changed");

        browser.get("/reservations/" + id);
        Map<String, String> move = form(to, d, "14:00", "15:00", "Design review");
        move.put("version", String.valueOf(stored(id).version));
        WebClient.Response moved = browser.post("/reservations/" + id, move);
        assertEquals(303, moved.status(), moved.body());
        assertEquals(to.id, stored(id).reservableId);
        assertTrue(text(browser.get("/reservations/" + id).body()).contains(to.name + " · HQ"));
    }

    @Test
    void someone_elses_reservation_is_shown_read_only_and_their_posts_are_refused() {
        Reservable room = room(4, "");
        long id = book(signedIn(ann), room, day(8), "09:00", "10:00", "Ann's");
        WebClient bobBrowser = signedIn(bob);
        String page = text(bobBrowser.get("/reservations/" + id).body());
        assertTrue(page.contains("Can't be changed") && page.contains("Booked by someone else"));
        assertFalse(page.contains("Save changes"));
        WebClient.Response post = bobBrowser.post("/reservations/" + id, form(room, day(8), "10:00", "11:00", "Mine now"));
        assertEquals(403, post.status());
        assertEquals(403, bobBrowser.post("/reservations/" + id + "/cancel", Map.of()).status());
        assertEquals("Ann's", stored(id).subject);
    }

    @Test
    void the_schedule_places_reservations_in_time_and_dims_those_the_viewer_may_not_change() {
        Building annex = app.fixtures.building(acme, "Annex", "Europe/Berlin");
        Reservable atlas = app.fixtures.room(annex, rooms, "Atlas", 6, "display");
        Reservable orion = app.fixtures.room(annex, rooms, "Orion", 4, "");
        LocalDate d = day(9);
        long mine = book(signedIn(ann), atlas, d, "09:00", "10:00", "Mine");
        long theirs = book(signedIn(bob), orion, d, "13:30", "15:00", "Theirs");

        WebClient.Response r = signedIn(ann).get("/schedule?building=" + annex.id + "&date=" + d);
        assertEquals(200, r.status());
        String html = r.body();
        assertTrue(html.contains("Atlas") && html.contains("Orion"));
        assertTrue(html.contains("class=\"slot\" style=\"left:15.385%;width:7.692%\" href=\"/reservations/" + mine + "\""), "09:00-10:00 on a 07:00-20:00 lane");
        Matcher dimmed = Pattern.compile("class=\"slot dimmed\" style=\"left:50\\.000%;width:11\\.538%\" href=\"/reservations/" + theirs
                + "\"\\s+title=\"([^\"]*)\"").matcher(html);
        assertTrue(dimmed.find(), html);
        assertTrue(text(dimmed.group(1)).contains("Booked by someone else"), dimmed.group(1));
        assertTrue(html.contains("/schedule?building=" + annex.id + "&amp;date=" + d.minusDays(1)), "previous day");
        assertTrue(html.contains("/schedule?building=" + annex.id + "&amp;date=" + d.plusDays(1)), "next day");
        assertTrue(html.contains("/reservations/new?reservable=" + orion.id + "&amp;date=" + d + "&amp;start=09:00&amp;end=10:00"), "an empty hour links to booking");
        assertFalse(html.contains("/reservations/new?reservable=" + atlas.id + "&amp;date=" + d + "&amp;start=09:00"), "a booked hour does not");
    }

    @Test
    void a_user_of_another_tenant_gets_404_for_everything_of_this_one() {
        Reservable room = room(4, "");
        long id = book(signedIn(ann), room, day(10), "09:00", "10:00", "Secret");
        Tenant globex = app.fixtures.tenant("Globex");
        User gina = app.fixtures.user(globex, "gina@globex.test");
        WebClient other = app.client().signIn(globex.slug, gina.email);
        other.get("/find");

        assertEquals(404, other.get("/reservations/" + id).status());
        assertEquals(404, other.post("/reservations/" + id, form(room, day(10), "10:00", "11:00", "x")).status());
        assertEquals(404, other.post("/reservations/" + id + "/cancel", Map.of()).status());
        assertEquals(404, other.get("/reservations/new?reservable=" + room.id).status());
        assertEquals(404, other.post("/reservations", form(room, day(11), "10:00", "11:00", "x")).status());
        assertEquals(404, other.get("/schedule?building=" + hq.id).status());
        assertFalse(other.get("/reservations/" + id).body().contains("Secret"));
        assertEquals(ReservationState.CONFIRMED, stored(id).state);
        assertEquals(List.of(), app.app.tx.call(s -> s.createSelectionQuery("from Reservation where tenantId = :t", Reservation.class)
                .setParameter("t", globex.id).getResultList()));
    }
}
