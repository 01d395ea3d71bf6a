package io.roomsync.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.models.Subscription;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import io.roomsync.config.InvalidSettingException;
import io.roomsync.config.Settings;
import io.roomsync.graph.GraphClientFactory;
import io.roomsync.graph.GraphConnection;
import io.roomsync.graph.GraphEndpoints;
import io.roomsync.support.TestApp;
import io.roomsync.support.TestDatabases;
import io.roomsync.support.WebClient;
import io.roomsync.tenant.Tenant;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The demo app's Exchange sandbox and the page that stands in for Outlook, over MariaDB and real HTTPS. */
class SandboxPagesTest {
    private static final String ALEX = "alex@contoso.example";
    private static final String ADELE = "adele@contoso.example";
    private static final String ATLAS = "room-atlas@contoso.example";
    private static final String PUGET = "room-puget@contoso.example";
    private static final String ORCAS = "room-orcas@contoso.example";
    private static final String HOOD = "room-hood@contoso.example";
    private static final ZoneId SEATTLE = ZoneId.of("America/Los_Angeles");
    private static final Pattern EVENT = Pattern.compile("<article class=\"sandbox-event\" data-event-id=\"([^\"]+)\">(.*?)</article>", Pattern.DOTALL);

    static TestApp app;
    static ExchangeSandbox sandbox;
    static WebClient alex;

    @BeforeAll
    static void start() {
        app = TestApp.start(TestDatabases.Kind.MARIADB, Clock.systemUTC(), Map.of("ROOMSYNC_DEMO", "true", "ROOMSYNC_SANDBOX_PORT", "0"));
        sandbox = app.app.exchangeSandbox;
        alex = app.client().signIn("contoso", ALEX, "demo-alex-2026");
    }

    @AfterAll
    static void stop() {
        if (app != null) app.close();
    }

    /** A weekday two to three weeks ahead in Seattle, a different one per test so meetings never meet by accident. */
    private static LocalDate day(int offset) {
        return LocalDate.now(SEATTLE).plusDays(14 + offset);
    }

    private static Map<String, String> meeting(String organizer, String subject, LocalDate date, String start, String end, String... rooms) {
        Map<String, String> form = new HashMap<>();
        form.put("mailbox", organizer);
        form.put("subject", subject);
        form.put("date", date.toString());
        form.put("start", start);
        form.put("end", end);
        form.put("timeZone", SEATTLE.getId());
        form.put("attendees", "");
        if (rooms.length > 0) form.put("rooms", rooms[0]);
        return form;
    }

    private static void settle() throws InterruptedException {
        assertTrue(sandbox.awaitIdle(Duration.ofSeconds(20)), "the sandbox settles");
    }

    private static String page(String mailbox, LocalDate week) {
        WebClient.Response r = alex.get("/sandbox/outlook?mailbox=" + mailbox + "&week=" + week);
        assertEquals(200, r.status(), r.body());
        return r.body();
    }

    /** The HTML of the meeting with this subject in the week shown (the first day it appears on), or null. */
    private static String eventHtml(String html, String subject) {
        Matcher m = EVENT.matcher(html);
        while (m.find()) if (m.group(2).contains(">" + subject + "<")) return m.group(0);
        return null;
    }

    private static String eventId(String eventHtml) {
        Matcher m = EVENT.matcher(eventHtml);
        assertTrue(m.find());
        return m.group(1);
    }

    private static String roomResponse(String eventHtml, String room) {
        Matcher m = Pattern.compile("data-room=\"" + Pattern.quote(room) + "\"><span>[^<]*</span> <span class=\"badge [a-z]+\">([A-Za-z]+)</span>")
                .matcher(eventHtml);
        return m.find() ? m.group(1) : null;
    }

    private static long countRoomsWithMailboxInDatabase() {
        return app.app.tx.call(s -> s.createSelectionQuery(
                "select count(*) from Reservable r join Tenant t on t.id = r.tenantId where t.slug = 'contoso' and r.email is not null",
                Long.class).getSingleResult());
    }

    @Test
    void the_demo_app_starts_its_sandbox_with_the_demo_people_and_rooms_as_mailboxes() {
        assertNotNull(sandbox);
        List<Directory.Mailbox> mailboxes = sandbox.mailboxes(sandbox.tenant(DemoDirectory.TENANT_ID));
        List<String> people = mailboxes.stream().filter(m -> !m.isRoom()).map(m -> m.address).toList();
        assertTrue(people.containsAll(List.of(ALEX, ADELE, "sam@contoso.example", "megan@contoso.example",
                "diego@contoso.example", "johanna@contoso.example", "lukas@contoso.example")), people.toString());
        List<Directory.Mailbox> rooms = mailboxes.stream().filter(Directory.Mailbox::isRoom).toList();
        assertEquals(countRoomsWithMailboxInDatabase(), rooms.size());
        Directory.Mailbox atlas = sandbox.mailbox(ATLAS);
        assertTrue(atlas.isRoom());
        assertEquals("Atlas", atlas.displayName);
        assertEquals(Directory.RoomSettings.Processing.AUTO_ACCEPT, atlas.room().automateProcessing);
        assertFalse(atlas.room().allowConflicts);
        assertEquals(12, atlas.room().capacity);
        assertEquals("Contoso HQ Seattle", atlas.room().building);

        String html = alex.get("/sandbox/outlook").body();
        assertTrue(html.contains("This page stands in for Outlook:"), html);
        assertTrue(html.contains("as if done in Outlook"));
        assertTrue(html.contains("<option value=\"" + ALEX + "\" selected>"), "a person opens their own mailbox first");
        assertTrue(html.contains("<option value=\"" + ATLAS + "\">"));
        assertTrue(html.contains("Times in America/Los_Angeles"), "Alex's week is shown in Alex's time zone");
    }

    @Test
    void a_meeting_that_invites_a_room_is_accepted_then_moved_then_cancelled_through_the_page() throws Exception {
        LocalDate date = day(0);
        WebClient.Response created = alex.post("/sandbox/outlook/meetings", meeting(ALEX, "Design review", date, "10:00", "11:00", ATLAS));
        assertEquals(303, created.status(), created.body());
        assertEquals("/sandbox/outlook?mailbox=alex%40contoso.example&week=" + date, created.header("Location"));
        settle();

        String event = eventHtml(page(ALEX, date), "Design review");
        assertNotNull(event, "the meeting is in Alex's week");
        assertTrue(event.contains("10:00–11:00"), event);
        assertEquals("Accepted", roomResponse(event, ATLAS), event);
        String roomCopy = eventHtml(page(ATLAS, date), "Alex Wilber");
        assertNotNull(roomCopy, "the room's calendar holds its copy, with the organizer as subject");
        assertTrue(roomCopy.contains("Organizer: Alex Wilber"), roomCopy);

        String id = eventId(event);
        Map<String, String> move = new HashMap<>(Map.of("mailbox", ALEX, "eventId", id, "date", day(1).toString(),
                "start", "14:00", "end", "15:30", "timeZone", SEATTLE.getId()));
        WebClient.Response moved = alex.post("/sandbox/outlook/meetings/move", move);
        assertEquals(303, moved.status(), moved.body());
        settle();
        String after = eventHtml(page(ALEX, day(1)), "Design review");
        assertNotNull(after);
        assertTrue(after.contains("14:00–15:30"), after);
        assertEquals("Accepted", roomResponse(after, ATLAS), "the room accepts the new time");
        if (!day(1).with(java.time.DayOfWeek.MONDAY).equals(date.with(java.time.DayOfWeek.MONDAY))) {
            assertNull(eventHtml(page(ALEX, date), "Design review"));
        }

        WebClient.Response cancelled = alex.post("/sandbox/outlook/meetings/cancel", Map.of("mailbox", ALEX, "eventId", id, "week", day(1).toString()));
        assertEquals(303, cancelled.status(), cancelled.body());
        settle();
        String week = page(ALEX, day(1));
        assertNull(eventHtml(week, "Design review"), "a cancelled meeting leaves the calendar");
        assertTrue(sandbox.calendar(ATLAS, day(1).atStartOfDay(SEATTLE).toInstant(), day(2).atStartOfDay(SEATTLE).toInstant()).isEmpty(),
                "the room's copy goes too");

        WebClient.Response twice = alex.post("/sandbox/outlook/meetings/cancel", Map.of("mailbox", ALEX, "eventId", id, "week", day(1).toString()));
        assertEquals(303, twice.status(), "cancelling again (a second tab) is not an error page");
        String flash = alex.get(twice.header("Location")).body().replace("&#39;", "'");
        assertTrue(flash.contains("That meeting is no longer in Alex Wilber's calendar"), flash);
        assertEquals(404, alex.post("/sandbox/outlook/meetings", meeting("nobody@contoso.example", "Ghost", day(1), "10:00", "11:00")).status(),
                "a change for a mailbox that does not exist goes nowhere");
    }

    @Test
    void a_weekly_meeting_repeats_on_the_page_and_an_invited_person_accepts_the_series() throws Exception {
        LocalDate date = day(7);
        Map<String, String> form = meeting(ALEX, "Weekly one-on-one", date, "08:00", "08:30", ORCAS);
        form.put("attendees", ADELE);
        form.put("repeat", "weekly");
        form.put("count", "3");
        WebClient.Response created = alex.post("/sandbox/outlook/meetings", form);
        assertEquals(303, created.status(), created.body());
        settle();

        String recurring = "Weekly one-on-one <span class=\"badge\">Repeats</span>";
        String first = eventHtml(page(ALEX, date), recurring);
        assertNotNull(first, "the first occurrence is in Alex's week");
        assertEquals("Accepted", roomResponse(first, ORCAS), "the room accepts the whole series");
        assertNotNull(eventHtml(page(ALEX, date.plusWeeks(2)), recurring), "the third occurrence two weeks later");
        assertNull(eventHtml(page(ALEX, date.plusWeeks(3)), recurring), "three occurrences, no more");

        String invitation = eventHtml(page(ADELE, date.plusWeeks(1)), recurring);
        assertNotNull(invitation, "Adele has the invitation in her calendar");
        assertTrue(invitation.contains("your response: Pending") && invitation.contains("value=\"accept\""), invitation);
        WebClient.Response accepted = alex.post("/sandbox/outlook/meetings/respond",
                Map.of("mailbox", ADELE, "eventId", eventId(invitation), "response", "accept", "week", date.toString()));
        assertEquals(303, accepted.status(), accepted.body());
        settle();
        String after = eventHtml(page(ADELE, date), recurring);
        assertTrue(after.contains("your response: Accepted") && !after.contains("value=\"accept\""), after);
        ExchangeSandbox.OutlookEvent organizerCopy = sandbox.calendar(ALEX, date.atStartOfDay(SEATTLE).toInstant(),
                date.plusDays(1).atStartOfDay(SEATTLE).toInstant()).stream()
                .filter(e -> e.subject().equals("Weekly one-on-one")).findFirst().orElseThrow();
        assertEquals("accepted", organizerCopy.attendees().stream().filter(a -> a.address().equals(ADELE)).findFirst().orElseThrow().response());

        Map<String, String> bad = meeting(ALEX, "Too often", date, "09:00", "09:30");
        bad.put("repeat", "weekly");
        bad.put("count", "500");
        WebClient.Response refused = alex.post("/sandbox/outlook/meetings", bad);
        assertEquals(400, refused.status());
        assertTrue(refused.body().contains("Enter how many times it happens: 2 to 52."), refused.body());
    }

    @Test
    void a_second_meeting_in_a_booked_room_shows_the_room_declined() throws Exception {
        LocalDate date = day(3);
        assertEquals(303, alex.post("/sandbox/outlook/meetings", meeting(ALEX, "Sprint planning", date, "09:00", "10:00", PUGET)).status());
        settle();
        // Alex acts as Adele's Outlook too: the page is a demo tool for every mailbox.
        assertEquals(303, alex.post("/sandbox/outlook/meetings", meeting(ADELE, "Budget review", date, "09:30", "10:30", PUGET)).status());
        settle();

        assertEquals("Accepted", roomResponse(eventHtml(page(ALEX, date), "Sprint planning"), PUGET));
        String declined = eventHtml(page(ADELE, date), "Budget review");
        assertEquals("Declined", roomResponse(declined, PUGET), declined);
        assertTrue(declined.contains("badge bad"));
    }

    @Test
    void a_room_that_has_not_answered_shows_pending() throws Exception {
        LocalDate date = day(4);
        // Without its booking assistant a room waits for a delegate, who never answers here.
        sandbox.updateRoom(HOOD, r -> r.automateProcessing = Directory.RoomSettings.Processing.NONE);
        try {
            assertEquals(303, alex.post("/sandbox/outlook/meetings", meeting(ALEX, "Quick sync", date, "16:00", "16:30", HOOD)).status());
            settle();
            String event = eventHtml(page(ALEX, date), "Quick sync");
            assertEquals("Pending", roomResponse(event, HOOD), event);
        } finally {
            sandbox.updateRoom(HOOD, r -> r.automateProcessing = Directory.RoomSettings.Processing.AUTO_ACCEPT);
        }
    }

    @Test
    void a_meeting_with_bad_input_comes_back_with_messages_and_nothing_is_created() {
        LocalDate date = day(5);
        Map<String, String> form = meeting(ALEX, "  ", date, "11:00", "10:00", "room-nowhere@contoso.example");
        form.put("attendees", "adele@contoso.example, not-an-address");
        form.put("timeZone", "Mars/Olympus_Mons");
        WebClient.Response r = alex.post("/sandbox/outlook/meetings", form);
        assertEquals(400, r.status());
        String html = r.body().replace("&#39;", "'");
        assertTrue(html.contains("Enter a subject."), html);
        assertTrue(html.contains("The end must be after the start."));
        assertTrue(html.contains("Choose a time zone from the list."));
        assertTrue(html.contains("'room-nowhere@contoso.example' is not a room mailbox of this directory."), html);
        assertTrue(html.contains("'not-an-address' is not an e-mail address."), html);
        assertTrue(html.contains("aria-invalid=\"true\""));
        assertTrue(html.contains("value=\"adele@contoso.example, not-an-address\""), "the form keeps what was typed");
        assertTrue(sandbox.calendar(ALEX, date.atStartOfDay(SEATTLE).toInstant(), date.plusDays(1).atStartOfDay(SEATTLE).toInstant()).isEmpty());
    }

    @Test
    void a_lifecycle_event_sent_from_the_page_reaches_the_subscriptions_lifecycle_url() throws Exception {
        try (WebhookReceiver hook = new WebhookReceiver(sandbox.certificate().serverContext())) {
            GraphServiceClient graph = new GraphClientFactory().appClient(new GraphConnection(
                    GraphEndpoints.custom(sandbox.authorityHost(), sandbox.graphBaseUrl()), DemoDirectory.TENANT_ID,
                    DemoDirectory.CLIENT_ID, DemoDirectory.CLIENT_SECRET, sandbox.certificatePem(), null)).client();
            Subscription request = new Subscription();
            request.setChangeType("created,updated,deleted");
            request.setNotificationUrl(hook.url("/webhook"));
            request.setLifecycleNotificationUrl(hook.url("/lifecycle"));
            request.setResource("users/" + ORCAS + "/events");
            request.setExpirationDateTime(OffsetDateTime.now(ZoneOffset.UTC).plusDays(2));
            request.setClientState("page-test");
            Subscription sub = graph.subscriptions().post(request);

            String html = page(ALEX, day(0));
            assertTrue(html.contains("data-subscription-id=\"" + sub.getId() + "\""), "the page lists the subscription");
            assertTrue(html.contains(hook.url("/lifecycle")));

            WebClient.Response sent = alex.post("/sandbox/outlook/subscriptions/lifecycle",
                    Map.of("mailbox", ALEX, "subscriptionId", sub.getId(), "lifecycleEvent", "reauthorizationRequired"));
            assertEquals(303, sent.status(), sent.body());
            settle();
            // Graph may deliver a notification more than once (the demo sandbox does so on purpose): count distinct ones.
            List<JsonNode> lifecycle = hook.items().stream().filter(i -> i.has("lifecycleEvent")).distinct().toList();
            assertEquals(1, lifecycle.size(), lifecycle.toString());
            assertEquals("reauthorizationRequired", lifecycle.get(0).get("lifecycleEvent").asText());
            assertEquals(sub.getId(), lifecycle.get(0).get("subscriptionId").asText());
            assertEquals("page-test", lifecycle.get(0).get("clientState").asText());

            assertEquals(303, alex.post("/sandbox/outlook/subscriptions/lifecycle",
                    Map.of("mailbox", ALEX, "subscriptionId", sub.getId(), "lifecycleEvent", "subscriptionRemoved")).status());
            settle();
            assertEquals("subscriptionRemoved", hook.items().stream().filter(i -> i.has("lifecycleEvent")).distinct().toList().get(1).get("lifecycleEvent").asText());
            assertFalse(page(ALEX, day(0)).contains("data-subscription-id=\"" + sub.getId() + "\""), "a removed subscription is gone");
            WebClient.Response again = alex.post("/sandbox/outlook/subscriptions/lifecycle",
                    Map.of("mailbox", ALEX, "subscriptionId", sub.getId(), "lifecycleEvent", "missed"));
            assertEquals(303, again.status());
            assertTrue(alex.get(again.header("Location").replace("#lifecycle", "")).body().contains("That subscription no longer exists"));
            assertEquals(2, hook.items().stream().filter(i -> i.has("lifecycleEvent")).distinct().count(), "nothing more was sent");
        }
    }

    @Test
    void the_sandbox_port_is_a_documented_setting_that_rejects_bad_values() {
        assertTrue(Settings.help().contains("ROOMSYNC_SANDBOX_PORT"), Settings.help());
        assertEquals(7443, Settings.load(Map.of(), List.of()).sandboxPort());
        assertEquals(0, app.app.settings.sandboxPort());
        InvalidSettingException e = assertThrows(InvalidSettingException.class,
                () -> Settings.load(Map.of("ROOMSYNC_SANDBOX_PORT", "70000"), List.of()));
        assertTrue(e.getMessage().contains("ROOMSYNC_SANDBOX_PORT"), e.getMessage());
    }

    @Test
    void people_of_another_tenant_do_not_get_the_sandbox_page() {
        Tenant other = app.fixtures.tenant("Fabrikam");
        app.fixtures.user(other, "pat@fabrikam.test");
        WebClient pat = app.client().signIn(other.slug, "pat@fabrikam.test");
        assertEquals(404, pat.get("/sandbox/outlook").status());
    }

    @Test
    void without_demo_mode_there_is_no_sandbox_and_no_sandbox_page() {
        try (TestApp plain = TestApp.start(TestDatabases.Kind.MARIADB)) {
            assertNull(plain.app.exchangeSandbox);
            Tenant t = plain.fixtures.tenant("Acme");
            plain.fixtures.user(t, "ann@acme.test");
            WebClient ann = plain.client().signIn(t.slug, "ann@acme.test");
            assertEquals(404, ann.get("/sandbox/outlook").status());
        }
    }
}
