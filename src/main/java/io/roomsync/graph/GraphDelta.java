package io.roomsync.graph;

import com.microsoft.graph.models.Attendee;
import com.microsoft.graph.models.DateTimeTimeZone;
import com.microsoft.graph.models.Event;
import com.microsoft.graph.models.SingleValueLegacyExtendedProperty;
import com.microsoft.graph.users.item.calendarview.delta.DeltaGetResponse;
import com.microsoft.graph.users.item.calendarview.delta.DeltaRequestBuilder;
import com.microsoft.kiota.http.middleware.options.HeadersInspectionOption;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;

/**
 * calendarView/delta of a mailbox, page by page, through the SDK's delta request builders (and {@code withUrl} for
 * the absolute @odata.nextLink / @odata.deltaLink Graph hands back). Events come back as {@link Change}s in UTC
 * (we send {@code Prefer: outlook.timezone="UTC"}), so nothing outside this package sees an SDK model.
 */
public final class GraphDelta {
    /** The single-value extended property outbound sync puts on the events it creates: value = reservation id. */
    public static final String RESERVATION_ID_PROPERTY = "String {66f5a359-4659-4e0c-9a3e-5c9f1b7e8d21} Name RoomsyncReservationId";

    public record Person(String name, String email) {}

    public record Invitee(String name, String email, String type, String response) {}

    /**
     * One changed event of the mailbox. A removed event ({@code @removed}) carries only its id. {@code type} is
     * singleInstance, occurrence, exception or seriesMaster; occurrences name their series in seriesMasterId.
     */
    public record Change(String id, boolean removed, String iCalUId, String seriesMasterId, String type, String subject,
                         Instant start, Instant end, boolean allDay, boolean cancelled, Person organizer,
                         List<Invitee> attendees, String reservationIdProperty) {
        public static Change removed(String id) {
            return new Change(id, true, null, null, null, null, null, null, false, false, null, List.of(), null);
        }
    }

    /** One page: its changes, and either the link to the next page or the delta link for the next round. */
    public record Page(List<Change> changes, String nextLink, String deltaLink, String requestId) {}

    private static final Set<String> UTC_NAMES = Set.of("utc", "etc/utc", "z", "gmt", "coordinated universal time");

    private final GraphCalls calls;

    public GraphDelta(GraphCalls calls) {
        this.calls = calls;
    }

    /** The first page of a full round over [from, to). */
    public Page first(GraphClientFactory.GraphApp app, String mailbox, Instant from, Instant to, int pageSize) {
        return calls.call(app, mailbox, "calendarView.delta", client -> {
            HeadersInspectionOption inspect = new HeadersInspectionOption(false, true);
            DeltaGetResponse r = client.users().byUserId(mailbox).calendarView().delta().get(rc -> {
                rc.queryParameters.startDateTime = from.toString();
                rc.queryParameters.endDateTime = to.toString();
                prefer(pageSize, inspect).accept(rc);
            });
            return page(r, inspect);
        });
    }

    /** The page behind a next link, or the first page of a new round behind a delta link. */
    public Page follow(GraphClientFactory.GraphApp app, String mailbox, String link, int pageSize) {
        return calls.call(app, mailbox, "calendarView.delta", client -> {
            HeadersInspectionOption inspect = new HeadersInspectionOption(false, true);
            DeltaRequestBuilder b = client.users().byUserId(mailbox).calendarView().delta().withUrl(link);
            return page(b.get(prefer(pageSize, inspect)), inspect);
        });
    }

    private static Consumer<DeltaRequestBuilder.GetRequestConfiguration> prefer(int pageSize, HeadersInspectionOption inspect) {
        return rc -> {
            rc.headers.add("Prefer", "odata.maxpagesize=" + pageSize);
            rc.headers.add("Prefer", "outlook.timezone=\"UTC\"");
            rc.options.add(inspect);
        };
    }

    private static Page page(DeltaGetResponse r, HeadersInspectionOption inspect) {
        List<Change> changes = new ArrayList<>();
        if (r != null && r.getValue() != null) for (Event e : r.getValue()) changes.add(change(e));
        String requestId = null;
        var ids = inspect.getResponseHeaders().get("request-id");
        if (ids != null && !ids.isEmpty()) requestId = ids.iterator().next();
        return new Page(List.copyOf(changes), r == null ? null : r.getOdataNextLink(), r == null ? null : r.getOdataDeltaLink(), requestId);
    }

    static Change change(Event e) {
        if (e.getAdditionalData() != null && e.getAdditionalData().get("@removed") != null) return Change.removed(e.getId());
        List<Invitee> attendees = new ArrayList<>();
        if (e.getAttendees() != null) {
            for (Attendee a : e.getAttendees()) {
                if (a.getEmailAddress() == null || a.getEmailAddress().getAddress() == null) continue;
                attendees.add(new Invitee(a.getEmailAddress().getName(), a.getEmailAddress().getAddress(),
                        a.getType() == null ? null : a.getType().getValue(),
                        a.getStatus() == null || a.getStatus().getResponse() == null ? null : a.getStatus().getResponse().getValue()));
            }
        }
        Person organizer = e.getOrganizer() == null || e.getOrganizer().getEmailAddress() == null ? null
                : new Person(e.getOrganizer().getEmailAddress().getName(), e.getOrganizer().getEmailAddress().getAddress());
        String reservationId = null;
        if (e.getSingleValueExtendedProperties() != null) {
            for (SingleValueLegacyExtendedProperty p : e.getSingleValueExtendedProperties()) {
                if (RESERVATION_ID_PROPERTY.equalsIgnoreCase(p.getId())) reservationId = p.getValue();
            }
        }
        return new Change(e.getId(), false, e.getICalUId(), e.getSeriesMasterId(), e.getType() == null ? null : e.getType().getValue(),
                e.getSubject(), instant(e.getStart()), instant(e.getEnd()), Boolean.TRUE.equals(e.getIsAllDay()),
                Boolean.TRUE.equals(e.getIsCancelled()), organizer, List.copyOf(attendees), reservationId);
    }

    /** Graph's dateTimeTimeZone (a local time without offset plus a zone name) as an instant. */
    static Instant instant(DateTimeTimeZone d) {
        if (d == null || d.getDateTime() == null) return null;
        LocalDateTime local = LocalDateTime.parse(d.getDateTime());
        String zone = d.getTimeZone() == null ? "UTC" : d.getTimeZone();
        if (UTC_NAMES.contains(zone.toLowerCase(Locale.ROOT))) return local.toInstant(ZoneOffset.UTC);
        try {
            return local.atZone(ZoneId.of(zone)).toInstant();
        } catch (DateTimeException notIana) {
            // We ask for UTC; a Windows zone name here means Graph ignored the preference.
            throw new IllegalStateException("Graph answered in the time zone '" + zone + "' instead of UTC", notIana);
        }
    }
}
