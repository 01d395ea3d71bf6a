package io.roomsync.sandbox;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** One event in one mailbox's calendar. Mutated only under the sandbox lock. */
final class SandboxEvent {
    static final Instant NO_RESPONSE_TIME = Instant.parse("0001-01-01T00:00:00Z");

    final String id;
    final String mailboxId;
    final String iCalUId;
    final Instant created;
    String transactionId;
    Instant lastModified;
    String changeKey;
    long changeSeq;

    String subject = "";
    ObjectNode body;
    Instant start;
    Instant end;
    String startZone = "UTC";
    String endZone = "UTC";
    boolean isAllDay;
    String showAs = "busy";
    String sensitivity = "normal";
    String importance = "normal";
    ObjectNode location;
    ArrayNode locations;
    ArrayNode categories;
    final List<Attendee> attendees = new ArrayList<>();
    String organizerName;
    String organizerAddress;
    boolean isOrganizer = true;
    /** The mailbox owner's own response: organizer, accepted, declined... */
    String response = "organizer";
    Instant responseTime = NO_RESPONSE_TIME;
    boolean isCancelled;
    boolean responseRequested = true;
    boolean allowNewTimeProposals = true;
    /** Single-value extended properties, keyed by their id as first written. */
    final Map<String, String> extendedProperties = new LinkedHashMap<>();
    /** Writable properties the sandbox keeps but does not interpret (reminders, online meeting flags...). */
    final ObjectNode other = Json.object();
    /** Set on a room's copy: the organizer mailbox and event the booking assistant copied it from. */
    String copiedFromMailboxId;
    String copiedFromEventId;
    /** singleInstance, seriesMaster, occurrence (never stored: expanded from its master) or exception. */
    String type = "singleInstance";
    /** A series master's normalised patternedRecurrence. */
    ObjectNode recurrence;
    /** Occurrences and exceptions: their master and the start the pattern gave them. */
    String seriesMasterId;
    Instant originalStart;
    /** A master's occurrences that were deleted or cancelled, by original start. */
    final java.util.TreeSet<Instant> cancelledOccurrences = new java.util.TreeSet<>();
    /** Graph's uid: the series' iCalUId for every instance of it, else the event's own. */
    String uid;

    SandboxEvent(String id, String mailboxId, String iCalUId, Instant created) {
        this.id = id;
        this.mailboxId = mailboxId;
        this.iCalUId = iCalUId;
        this.created = created;
        this.lastModified = created;
        this.uid = iCalUId;
    }

    boolean isSeriesMaster() {
        return "seriesMaster".equals(type);
    }

    static final class Attendee {
        String type = "required";
        String name;
        String address;
        String response = "none";
        Instant responseTime = NO_RESPONSE_TIME;

        boolean is(String otherAddress) {
            return address != null && otherAddress != null && address.equalsIgnoreCase(otherAddress);
        }

        Attendee copy() {
            Attendee a = new Attendee();
            a.type = type;
            a.name = name;
            a.address = address;
            a.response = response;
            a.responseTime = responseTime;
            return a;
        }
    }

    /** A working copy for updates: a failed PATCH must leave the stored event untouched. */
    SandboxEvent copy() {
        return copyAs(id, mailboxId, iCalUId);
    }

    /** The same event under another identity (an occurrence expanded from its master). */
    SandboxEvent copyAs(String newId, String newMailboxId, String newICalUId) {
        SandboxEvent c = new SandboxEvent(newId, newMailboxId, newICalUId, created);
        c.transactionId = transactionId;
        c.lastModified = lastModified;
        c.changeKey = changeKey;
        c.changeSeq = changeSeq;
        c.subject = subject;
        c.body = body == null ? null : body.deepCopy();
        c.start = start;
        c.end = end;
        c.startZone = startZone;
        c.endZone = endZone;
        c.isAllDay = isAllDay;
        c.showAs = showAs;
        c.sensitivity = sensitivity;
        c.importance = importance;
        c.location = location == null ? null : location.deepCopy();
        c.locations = locations == null ? null : locations.deepCopy();
        c.categories = categories == null ? null : categories.deepCopy();
        for (Attendee a : attendees) c.attendees.add(a.copy());
        c.organizerName = organizerName;
        c.organizerAddress = organizerAddress;
        c.isOrganizer = isOrganizer;
        c.response = response;
        c.responseTime = responseTime;
        c.isCancelled = isCancelled;
        c.responseRequested = responseRequested;
        c.allowNewTimeProposals = allowNewTimeProposals;
        c.extendedProperties.putAll(extendedProperties);
        c.other.setAll(other.deepCopy());
        c.copiedFromMailboxId = copiedFromMailboxId;
        c.copiedFromEventId = copiedFromEventId;
        c.type = type;
        c.recurrence = recurrence == null ? null : recurrence.deepCopy();
        c.seriesMasterId = seriesMasterId;
        c.originalStart = originalStart;
        c.cancelledOccurrences.addAll(cancelledOccurrences);
        c.uid = uid;
        return c;
    }

    Duration duration() {
        return Duration.between(start, end);
    }

    boolean overlaps(Instant from, Instant to) {
        return start.isBefore(to) && end.isAfter(from)
                // zero-length events at the window start still show in calendarView
                || (start.equals(end) && !start.isBefore(from) && start.isBefore(to));
    }

    boolean blocksTime() {
        return !isCancelled && !"free".equals(showAs.toLowerCase(Locale.ROOT));
    }

    Attendee attendee(String address) {
        for (Attendee a : attendees) if (a.is(address)) return a;
        return null;
    }
}
