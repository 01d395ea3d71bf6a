package io.roomsync.sandbox;

import com.microsoft.graph.models.Attendee;
import com.microsoft.graph.models.AttendeeType;
import com.microsoft.graph.models.DateTimeTimeZone;
import com.microsoft.graph.models.EmailAddress;
import com.microsoft.graph.models.Event;
import com.microsoft.graph.models.Location;
import com.microsoft.graph.models.LocationType;
import com.microsoft.graph.models.SingleValueLegacyExtendedProperty;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** Fresh SDK model objects for each request (the SDK's backing store re-sends only changed fields). */
final class GraphModels {
    static final String RESERVATION_PROPERTY = "String {8ECCC264-6880-4EBE-992F-8888D2EEAA1D} Name RoomsyncReservationId";

    private GraphModels() {}

    /** A UTC local time N days from today at the given hour:minute. */
    static LocalDateTime day(int daysAhead, int hour, int minute) {
        return LocalDate.now(ZoneOffset.UTC).plusDays(daysAhead).atTime(hour, minute);
    }

    static DateTimeTimeZone utc(LocalDateTime t) {
        DateTimeTimeZone d = new DateTimeTimeZone();
        d.setDateTime(t.toString());
        d.setTimeZone("UTC");
        return d;
    }

    static Event meeting(String subject, LocalDateTime start, LocalDateTime end, String... rooms) {
        Event e = new Event();
        e.setSubject(subject);
        e.setStart(utc(start));
        e.setEnd(utc(end));
        List<Attendee> attendees = new ArrayList<>();
        for (String room : rooms) attendees.add(attendee(room, AttendeeType.Resource));
        e.setAttendees(attendees);
        if (rooms.length > 0) {
            Location l = new Location();
            l.setDisplayName(rooms[0]);
            l.setLocationEmailAddress(rooms[0]);
            l.setLocationType(LocationType.ConferenceRoom);
            e.setLocation(l);
        }
        return e;
    }

    static Attendee attendee(String address, AttendeeType type) {
        Attendee a = new Attendee();
        a.setType(type);
        EmailAddress email = new EmailAddress();
        email.setAddress(address);
        email.setName(address);
        a.setEmailAddress(email);
        return a;
    }

    static SingleValueLegacyExtendedProperty property(String id, String value) {
        SingleValueLegacyExtendedProperty p = new SingleValueLegacyExtendedProperty();
        p.setId(id);
        p.setValue(value);
        return p;
    }
}
