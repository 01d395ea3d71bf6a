package io.roomsync.graph;

import com.microsoft.graph.models.Attendee;
import com.microsoft.graph.models.AttendeeType;
import com.microsoft.graph.models.BodyType;
import com.microsoft.graph.models.DateTimeTimeZone;
import com.microsoft.graph.models.EmailAddress;
import com.microsoft.graph.models.Event;
import com.microsoft.graph.models.FreeBusyStatus;
import com.microsoft.graph.models.ItemBody;
import com.microsoft.graph.models.Location;
import com.microsoft.graph.models.LocationType;
import com.microsoft.graph.models.SingleValueLegacyExtendedProperty;
import com.microsoft.graph.users.item.events.item.cancel.CancelPostRequestBody;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Calendar events in a mailbox, written for Roomsync's outbound sync: create (with transactionId and the
 * reservation-id extended property), update, cancel or delete, and reading one event's attendee responses.
 * Every call goes through {@link GraphCalls}; SDK model objects are built fresh for each request (the SDK's backing
 * store would otherwise send only what changed since the object was last serialized).
 */
public final class GraphEvents {
    /** The single-value extended property that marks our events with the reservation id (the inbound side reads it). */
    public static final String RESERVATION_ID_PROPERTY = "String {66f5a359-4659-4e0c-9a3e-5c9f1b7e8d21} Name RoomsyncReservationId";
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss", Locale.ROOT);

    /** Who takes part: people are required attendees, the room a resource attendee. */
    public record Invitee(String email, String name, boolean room) {}

    /**
     * An event as Roomsync wants it. Times are wall-clock times in {@code timeZone} (an IANA id, which Graph accepts).
     * transactionId and reservationId are sent on create only.
     */
    public record Draft(String subject, String bodyHtml, LocalDateTime start, LocalDateTime end, String timeZone,
                        boolean free, String locationName, String locationEmail, List<Invitee> invitees,
                        String transactionId, long reservationId) {}

    /** What Graph answered on create or update. */
    public record Saved(String id, String iCalUId, String webLink) {}

    private final GraphCalls calls;

    public GraphEvents(GraphCalls calls) {
        this.calls = calls;
    }

    public Saved create(GraphClientFactory.GraphApp app, String mailbox, Draft d) {
        Event created = calls.call(app, mailbox, "events.create",
                client -> client.users().byUserId(mailbox).events().post(event(d, true)));
        return new Saved(created.getId(), created.getICalUId(), created.getWebLink());
    }

    public Saved update(GraphClientFactory.GraphApp app, String mailbox, String eventId, Draft d) {
        Event updated = calls.call(app, mailbox, "events.update",
                client -> client.users().byUserId(mailbox).events().byEventId(eventId).patch(event(d, false)));
        return new Saved(updated.getId(), updated.getICalUId(), updated.getWebLink());
    }

    /** Cancels a meeting we organize (attendees get a cancellation with the comment). */
    public void cancel(GraphClientFactory.GraphApp app, String mailbox, String eventId, String comment) {
        calls.call(app, mailbox, "events.cancel", client -> {
            CancelPostRequestBody body = new CancelPostRequestBody();
            body.setComment(comment);
            client.users().byUserId(mailbox).events().byEventId(eventId).cancel().post(body);
            return null;
        });
    }

    public void delete(GraphClientFactory.GraphApp app, String mailbox, String eventId) {
        calls.call(app, mailbox, "events.delete", client -> {
            client.users().byUserId(mailbox).events().byEventId(eventId).delete();
            return null;
        });
    }

    /**
     * How an attendee answered, as the organizer's copy shows it: "accepted", "declined", "tentativelyAccepted",
     * "none", ... or null when the address is not an attendee.
     */
    public String attendeeResponse(GraphClientFactory.GraphApp app, String mailbox, String eventId, String attendeeEmail) {
        Event e = calls.call(app, mailbox, "events.get", client -> client.users().byUserId(mailbox).events().byEventId(eventId)
                .get(rc -> rc.queryParameters.select = new String[] {"id", "attendees"}));
        if (e.getAttendees() == null) return null;
        for (Attendee a : e.getAttendees()) {
            if (a.getEmailAddress() == null || a.getEmailAddress().getAddress() == null) continue;
            if (!a.getEmailAddress().getAddress().equalsIgnoreCase(attendeeEmail)) continue;
            if (a.getStatus() == null || a.getStatus().getResponse() == null) return "none";
            return a.getStatus().getResponse().getValue();
        }
        return null;
    }

    /** The JSON Graph receives for this draft (for the sync event's record and for No request configurations). */
    public static Map<String, Object> json(Draft d, boolean create) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("subject", d.subject());
        o.put("body", Map.of("contentType", "html", "content", d.bodyHtml()));
        o.put("start", Map.of("dateTime", LOCAL.format(d.start()), "timeZone", d.timeZone()));
        o.put("end", Map.of("dateTime", LOCAL.format(d.end()), "timeZone", d.timeZone()));
        o.put("showAs", d.free() ? "free" : "busy");
        Map<String, Object> location = new LinkedHashMap<>();
        location.put("displayName", d.locationName());
        location.put("locationEmailAddress", d.locationEmail());
        location.put("locationType", "conferenceRoom");
        o.put("location", location);
        List<Object> attendees = new ArrayList<>();
        for (Invitee i : d.invitees()) {
            Map<String, Object> email = new LinkedHashMap<>();
            email.put("address", i.email());
            if (i.name() != null) email.put("name", i.name());
            attendees.add(Map.of("emailAddress", email, "type", i.room() ? "resource" : "required"));
        }
        o.put("attendees", attendees);
        if (create) {
            o.put("transactionId", d.transactionId());
            o.put("singleValueExtendedProperties",
                    List.of(Map.of("id", RESERVATION_ID_PROPERTY, "value", Long.toString(d.reservationId()))));
        }
        return o;
    }

    private static Event event(Draft d, boolean create) {
        Event e = new Event();
        e.setSubject(d.subject());
        ItemBody body = new ItemBody();
        body.setContentType(BodyType.Html);
        body.setContent(d.bodyHtml());
        e.setBody(body);
        e.setStart(time(d.start(), d.timeZone()));
        e.setEnd(time(d.end(), d.timeZone()));
        e.setShowAs(d.free() ? FreeBusyStatus.Free : FreeBusyStatus.Busy);
        Location location = new Location();
        location.setDisplayName(d.locationName());
        location.setLocationEmailAddress(d.locationEmail());
        location.setLocationType(LocationType.ConferenceRoom);
        e.setLocation(location);
        List<Attendee> attendees = new ArrayList<>();
        for (Invitee i : d.invitees()) {
            Attendee a = new Attendee();
            EmailAddress email = new EmailAddress();
            email.setAddress(i.email());
            if (i.name() != null) email.setName(i.name());
            a.setEmailAddress(email);
            a.setType(i.room() ? AttendeeType.Resource : AttendeeType.Required);
            attendees.add(a);
        }
        e.setAttendees(attendees);
        if (create) {
            e.setTransactionId(d.transactionId());
            SingleValueLegacyExtendedProperty p = new SingleValueLegacyExtendedProperty();
            p.setId(RESERVATION_ID_PROPERTY);
            p.setValue(Long.toString(d.reservationId()));
            e.setSingleValueExtendedProperties(List.of(p));
        }
        return e;
    }

    private static DateTimeTimeZone time(LocalDateTime t, String zone) {
        DateTimeTimeZone z = new DateTimeTimeZone();
        z.setDateTime(LOCAL.format(t));
        z.setTimeZone(zone);
        return z;
    }
}
