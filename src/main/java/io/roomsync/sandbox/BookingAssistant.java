package io.roomsync.sandbox;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Exchange's resource booking assistant for room mailboxes. When an organizer's meeting invites a room, the room
 * accepts if the slot is free and the meeting fits its policy (AllowConflicts false, BookingWindowInDays,
 * MaximumDurationInMinutes, external organizers), else declines. Accepting puts a copy in the room's calendar with
 * the same iCalUId and the organizer's name as subject; the organizer's copy records the room's response. Moves and
 * cancellations follow. It works asynchronously, after the organizer's request has been answered, as in Exchange.
 */
final class BookingAssistant {
    private final SandboxState state;
    private final Background background;
    volatile Duration delay = Duration.ZERO;

    BookingAssistant(SandboxState state, Background background) {
        this.state = state;
        this.background = background;
    }

    /** The organizer's meeting was created or changed: process its rooms soon. */
    void organizerChanged(SandboxEvent organizerEvent) {
        String mailboxId = organizerEvent.mailboxId;
        String eventId = organizerEvent.id;
        String iCalUId = organizerEvent.iCalUId;
        background.schedule(delay, () -> process(mailboxId, eventId, iCalUId));
    }

    private void process(String organizerMailboxId, String eventId, String iCalUId) {
        synchronized (state) {
            Directory.Mailbox organizerMailbox = state.directory.mailbox(organizerMailboxId).orElse(null);
            if (organizerMailbox == null || organizerMailbox.isRoom()) return;
            SandboxEvent org = state.event(organizerMailboxId, eventId);
            List<SandboxEvent> copies = new ArrayList<>();
            for (SandboxEvent e : state.byICalUId(iCalUId)) {
                if (eventId.equals(e.copiedFromEventId) && organizerMailboxId.equals(e.copiedFromMailboxId)) copies.add(e);
            }
            if (org == null || org.isCancelled || !org.isOrganizer) {
                for (SandboxEvent c : copies) state.removed(c);
                return;
            }
            Set<String> bookedRooms = new HashSet<>();
            boolean organizerChanged = false;
            Instant now = state.now();
            for (SandboxEvent.Attendee a : org.attendees) {
                Directory.Mailbox room = state.directory.mailbox(a.address).filter(Directory.Mailbox::isRoom).orElse(null);
                if (room == null || room.room.automateProcessing == Directory.RoomSettings.Processing.NONE) continue;
                SandboxEvent copy = null;
                for (SandboxEvent c : copies) if (c.mailboxId.equals(room.id)) copy = c;
                boolean accept = accepts(room, organizerMailbox, org);
                if (accept) {
                    bookedRooms.add(room.id);
                    upsertCopy(room, org, copy, now);
                } else if (copy != null) {
                    state.removed(copy);
                }
                String response = accept ? "accepted" : "declined";
                if (!response.equals(a.response)) {
                    a.response = response;
                    a.responseTime = now;
                    organizerChanged = true;
                }
            }
            for (SandboxEvent c : copies) {
                if (!bookedRooms.contains(c.mailboxId) && state.event(c.mailboxId, c.id) != null) state.removed(c);
            }
            if (organizerChanged) state.saved(org, SandboxState.Change.UPDATED);
        }
    }

    /** The booking policy decision (no delegates, no in-policy/out-of-policy requests: AllBookInPolicy). */
    private boolean accepts(Directory.Mailbox room, Directory.Mailbox organizer, SandboxEvent meeting) {
        Directory.RoomSettings s = room.room;
        if (!room.tenantId.equals(organizer.tenantId) && !s.processExternalMeetingMessages) return false;
        long minutes = meeting.duration().toMinutes();
        if (s.maximumDurationInMinutes > 0 && minutes > s.maximumDurationInMinutes) return false;
        if (s.bookingWindowInDays > 0 && meeting.start.isAfter(state.now().plus(Duration.ofDays(s.bookingWindowInDays)))) return false;
        if (s.allowConflicts) return true;
        for (SandboxEvent e : state.calendar(room.id).all()) {
            if (e.iCalUId.equals(meeting.iCalUId) || !e.blocksTime()) continue;
            if (e.start.isBefore(meeting.end) && e.end.isAfter(meeting.start)) return false;
        }
        return true;
    }

    private void upsertCopy(Directory.Mailbox room, SandboxEvent org, SandboxEvent existing, Instant now) {
        Directory.RoomSettings s = room.room;
        String subject;
        if (s.addOrganizerToSubject) subject = s.deleteSubject ? org.organizerName : org.organizerName + " " + org.subject;
        else subject = s.deleteSubject ? "" : org.subject;
        SandboxEvent copy = existing != null ? existing.copy() : new SandboxEvent(Ids.eventId(), room.id, org.iCalUId, now);
        copy.copiedFromMailboxId = org.mailboxId;
        copy.copiedFromEventId = org.id;
        copy.subject = subject;
        copy.body = Json.object().put("contentType", "html").put("content", "");
        copy.start = org.start;
        copy.end = org.end;
        copy.startZone = org.startZone;
        copy.endZone = org.endZone;
        copy.isAllDay = org.isAllDay;
        copy.showAs = "busy";
        copy.sensitivity = "normal";
        copy.importance = org.importance;
        copy.location = org.location == null ? null : org.location.deepCopy();
        copy.locations = org.locations == null ? null : org.locations.deepCopy();
        copy.attendees.clear();
        for (SandboxEvent.Attendee a : org.attendees) {
            SandboxEvent.Attendee c = a.copy();
            if (c.is(room.address)) {
                c.response = "accepted";
                c.responseTime = now;
            }
            copy.attendees.add(c);
        }
        copy.organizerName = org.organizerName;
        copy.organizerAddress = org.organizerAddress;
        copy.isOrganizer = false;
        copy.response = "accepted";
        copy.responseTime = existing != null && "accepted".equals(existing.response) ? existing.responseTime : now;
        if (existing != null && sameVisibleState(existing, copy)) return;
        state.saved(copy, existing == null ? SandboxState.Change.CREATED : SandboxState.Change.UPDATED);
    }

    private static boolean sameVisibleState(SandboxEvent a, SandboxEvent b) {
        if (!a.start.equals(b.start) || !a.end.equals(b.end) || !a.subject.equals(b.subject) || a.isAllDay != b.isAllDay) return false;
        if (a.attendees.size() != b.attendees.size()) return false;
        for (int i = 0; i < a.attendees.size(); i++) {
            if (!a.attendees.get(i).address.equalsIgnoreCase(b.attendees.get(i).address)) return false;
        }
        String la = a.location == null ? "" : a.location.path("displayName").asText("");
        String lb = b.location == null ? "" : b.location.path("displayName").asText("");
        return la.equals(lb);
    }
}
