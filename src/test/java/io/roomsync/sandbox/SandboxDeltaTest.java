package io.roomsync.sandbox;

import static io.roomsync.sandbox.GraphModels.day;
import static io.roomsync.sandbox.GraphModels.meeting;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.models.Event;
import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.graph.users.item.calendarview.delta.DeltaGetResponse;
import io.roomsync.graph.GraphErrors;
import io.roomsync.graph.GraphFailure;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** calendarView and calendarView/delta (graph-facts §3) through the real Graph SDK over HTTPS. */
class SandboxDeltaTest {
    static SandboxFixture f;

    @BeforeAll
    static void start() {
        f = new SandboxFixture();
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    /** One full delta round: follows nextLinks until the deltaLink; returns the items (id -> event) and the deltaLink. */
    private static Round round(String mailbox, String deltaLink, int pageSize) {
        Round r = new Round();
        DeltaGetResponse page = deltaLink == null
                ? f.graph.users().byUserId(mailbox).calendarView().delta().get(rc -> {
                    rc.queryParameters.startDateTime = day(20, 0, 0) + "Z";
                    rc.queryParameters.endDateTime = day(30, 0, 0) + "Z";
                    rc.headers.add("Prefer", "odata.maxpagesize=" + pageSize);
                })
                : f.graph.users().byUserId(mailbox).calendarView().delta().withUrl(deltaLink)
                    .get(rc -> rc.headers.add("Prefer", "odata.maxpagesize=" + pageSize));
        while (true) {
            r.pages++;
            assertTrue(page.getValue().size() <= pageSize);
            for (Event e : page.getValue()) r.items.put(e.getId(), e);
            if (page.getOdataNextLink() != null) {
                assertNull(page.getOdataDeltaLink());
                assertTrue(page.getOdataNextLink().startsWith(f.sandbox.graphBaseUrl()), "absolute link to the sandbox");
                page = f.graph.users().byUserId(mailbox).calendarView().delta().withUrl(page.getOdataNextLink())
                        .get(rc -> rc.headers.add("Prefer", "odata.maxpagesize=" + pageSize));
            } else {
                r.deltaLink = page.getOdataDeltaLink();
                assertNotNull(r.deltaLink);
                assertTrue(r.deltaLink.startsWith(f.sandbox.graphBaseUrl()));
                return r;
            }
        }
    }

    static final class Round {
        final Map<String, Event> items = new TreeMap<>();
        String deltaLink;
        int pages;

        boolean removed(String id) {
            Event e = items.get(id);
            return e != null && e.getAdditionalData().containsKey("@removed");
        }
    }

    @Test
    void delta_pages_through_the_window_then_reports_changes_and_removals() {
        f.sandbox.addUser(f.tenant, "carol@contoso.test", "Carol Cole");
        List<Event> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            created.add(f.graph.users().byUserId("carol@contoso.test").events().post(meeting("Event " + i, day(21 + i, 9, 0), day(21 + i, 10, 0))));
        }
        Event outside = f.graph.users().byUserId("carol@contoso.test").events().post(meeting("Outside", day(35, 9, 0), day(35, 10, 0)));

        Round initial = round("carol@contoso.test", null, 2);
        assertEquals(3, initial.pages);
        assertEquals(created.stream().map(Event::getId).sorted().toList(), new ArrayList<>(initial.items.keySet()));
        assertFalse(initial.items.containsKey(outside.getId()));

        Round quiet = round("carol@contoso.test", initial.deltaLink, 2);
        assertTrue(quiet.items.isEmpty());

        Event rename = new Event();
        rename.setSubject("Renamed");
        f.graph.users().byUserId("carol@contoso.test").events().byEventId(created.get(0).getId()).patch(rename);
        f.graph.users().byUserId("carol@contoso.test").events().byEventId(created.get(1).getId()).delete();
        Event added = f.graph.users().byUserId("carol@contoso.test").events().post(meeting("Added", day(25, 15, 0), day(25, 16, 0)));
        Event addedOutside = f.graph.users().byUserId("carol@contoso.test").events().post(meeting("Far", day(50, 9, 0), day(50, 10, 0)));

        Round changes = round("carol@contoso.test", quiet.deltaLink, 10);
        assertEquals(4, changes.items.size());
        assertEquals("Renamed", changes.items.get(created.get(0).getId()).getSubject());
        assertTrue(changes.removed(created.get(1).getId()));
        assertEquals("Added", changes.items.get(added.getId()).getSubject());
        assertTrue(changes.removed(addedOutside.getId()), "changes outside the window come as @removed");
    }

    @Test
    void an_expired_delta_link_answers_410_sync_state_not_found() {
        f.sandbox.addUser(f.tenant, "dave@contoso.test", "Dave Dunn");
        f.graph.users().byUserId("dave@contoso.test").events().post(meeting("Only", day(22, 9, 0), day(22, 10, 0)));
        Round initial = round("dave@contoso.test", null, 5);
        f.sandbox.expireDeltaTokens();
        ODataError e = assertThrows(ODataError.class, () -> f.graph.users().byUserId("dave@contoso.test").calendarView().delta()
                .withUrl(initial.deltaLink).get());
        assertEquals(410, e.getResponseStatusCode());
        assertEquals("syncStateNotFound", e.getError().getCode());
        assertEquals(GraphFailure.Kind.SYNC_STATE_LOST, GraphErrors.translate(e).kind());
        assertEquals(1, round("dave@contoso.test", null, 5).items.size(), "a new initial round works");
    }

    @Test
    void delta_accepts_both_spellings_and_case_insensitive_parameters_and_refuses_query_options() throws Exception {
        String token = f.appToken();
        String window = "startdatetime=" + day(20, 0, 0) + "Z&enddatetime=" + day(30, 0, 0) + "Z";
        HttpResponse<String> plain = f.raw("GET", "/v1.0/users/ann%40contoso.test/calendarView/delta?" + window, token, null);
        assertEquals(200, plain.statusCode());
        assertNotNull(Json.MAPPER.readTree(plain.body()).get("@odata.deltaLink"));
        HttpResponse<String> parens = f.raw("GET", "/v1.0/users/ann@contoso.test/calendarView/delta()?" + window, token, null);
        assertEquals(200, parens.statusCode());
        HttpResponse<String> select = f.raw("GET", "/v1.0/users/ann@contoso.test/calendarView/delta?" + window + "&$select=subject", token, null);
        assertEquals(400, select.statusCode());
    }

    @Test
    void calendar_view_needs_a_window_of_at_most_1825_days() throws Exception {
        String token = f.appToken();
        HttpResponse<String> missing = f.raw("GET", "/v1.0/users/ann@contoso.test/calendarView", token, null);
        assertEquals(400, missing.statusCode());
        HttpResponse<String> tooWide = f.raw("GET", "/v1.0/users/ann@contoso.test/calendarView?startDateTime=2020-01-01T00:00:00Z&endDateTime=2025-01-05T00:00:00Z", token, null);
        assertEquals(400, tooWide.statusCode());
        JsonNode error = Json.MAPPER.readTree(tooWide.body()).get("error");
        assertEquals("ErrorInvalidRequest", error.get("code").asText());
        assertTrue(error.get("message").asText().contains("1825"));
    }

    @Test
    void calendar_view_pages_with_absolute_next_links() {
        f.sandbox.addUser(f.tenant, "erin@contoso.test", "Erin Eve");
        for (int i = 0; i < 3; i++) {
            f.graph.users().byUserId("erin@contoso.test").events().post(meeting("View " + i, day(23, 9 + i, 0), day(23, 9 + i, 30)));
        }
        var first = f.graph.users().byUserId("erin@contoso.test").calendarView().get(rc -> {
            rc.queryParameters.startDateTime = day(23, 0, 0) + "Z";
            rc.queryParameters.endDateTime = day(24, 0, 0) + "Z";
            rc.queryParameters.top = 2;
        });
        assertEquals(2, first.getValue().size());
        assertTrue(first.getOdataNextLink().startsWith(f.sandbox.graphBaseUrl()));
        var second = f.graph.users().byUserId("erin@contoso.test").calendarView().withUrl(first.getOdataNextLink()).get();
        assertEquals(1, second.getValue().size());
        assertEquals("View 2", second.getValue().get(0).getSubject());
    }
}
