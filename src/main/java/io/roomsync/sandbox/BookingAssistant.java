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
                if (eventId.equals(e.copiedFromEventId) && organizerMailboxId.equals(e.copiedFromMailboxId) && e.seriesMasterId == null) copies.add(e);
            }
            if (org == null || org.isCancelled || !org.isOrganizer) {
                for (SandboxEvent c : copies) cancelCopy(c);
                return;
            }
            Set<String> kept = new HashSet<>();
            boolean organizerChanged = false;
            Instant now = state.now();
            for (SandboxEvent.Attendee a : org.attendees) {
                Directory.Mailbox invitee = state.directory.mailbox(a.address).orElse(null);
                if (invitee == null || invitee.id.equals(org.mailboxId)) continue;
                SandboxEvent copy = null;
                for (SandboxEvent c : copies) if (c.mailboxId.equals(invitee.id)) copy = c;
                if (!invitee.isRoom()) {
                    // People get the invitation in their own calendar (same tenant: the sandbox delivers no mail outside).
                    if (!invitee.tenantId.equals(organizerMailbox.tenantId) || "declined".equals(a.response)) continue;
                    kept.add(invitee.id);
                    upsert(invitee, org, copy, (source, target) -> fillPersonCopy(source, target, a));
                    continue;
                }
                if (invitee.room.automateProcessing == Directory.RoomSettings.Processing.NONE) continue;
                boolean accept = accepts(invitee, organizerMailbox, org);
                if (accept) {
                    kept.add(invitee.id);
                    upsertRoomCopy(invitee, org, copy, now);
                }
                String response = accept ? "accepted" : "declined";
                if (!response.equals(a.response)) {
                    a.response = response;
                    a.responseTime = now;
                    organizerChanged = true;
                }
            }
            for (SandboxEvent c : copies) {
                if (!kept.contains(c.mailboxId) && state.event(c.mailboxId, c.id) != null) cancelCopy(c);
            }
            if (organizerChanged) state.saved(org, SandboxState.Change.UPDATED);
        }
    }

    /**
     * The meeting is cancelled for an invitee: a room's copy goes (the booking assistant deletes it); a person's copy
     * stays, marked cancelled with Outlook's "Canceled: " subject, until the person removes it.
     */
    private void cancelCopy(SandboxEvent c) {
        if (state.event(c.mailboxId, c.id) == null) return;
        boolean room = state.directory.mailbox(c.mailboxId).map(Directory.Mailbox::isRoom).orElse(true);
        if (room) {
            if (c.isSeriesMaster()) Series.remove(state, c);
            else state.removed(c);
            return;
        }
        if (c.isCancelled) return;
        List<SandboxEvent> items = new ArrayList<>(Series.exceptions(state, c));
        items.add(c);
        for (SandboxEvent e : items) {
            SandboxEvent u = e.copy();
            u.isCancelled = true;
            if (!u.subject.startsWith("Canceled: ")) u.subject = "Canceled: " + u.subject;
            state.saved(u, SandboxState.Change.UPDATED);
        }
    }

    /** The booking policy decision for a meeting or a whole series (no delegates: AllBookInPolicy). */
    private boolean accepts(Directory.Mailbox room, Directory.Mailbox organizer, SandboxEvent meeting) {
        Directory.RoomSettings s = room.room;
        if (!room.tenantId.equals(organizer.tenantId) && !s.processExternalMeetingMessages) return false;
        boolean series = meeting.isSeriesMaster();
        if (series && !s.allowRecurringMeetings) return false;
        List<SandboxEvent> wanted = series ? Series.instances(state, meeting) : List.of(meeting);
        if (wanted.isEmpty()) return true;
        Instant horizon = s.bookingWindowInDays > 0 ? state.now().plus(Duration.ofDays(s.bookingWindowInDays)) : Instant.MAX;
        List<SandboxEvent> inWindow = new ArrayList<>();
        for (SandboxEvent w : wanted) {
            long minutes = w.duration().toMinutes();
            if (s.maximumDurationInMinutes > 0 && minutes > s.maximumDurationInMinutes) return false;
            if (w.start.isAfter(horizon)) {
                // EnforceSchedulingHorizon: a series reaching past the booking window is declined as a whole.
                if (!series || s.enforceSchedulingHorizon) return false;
                continue;
            }
            inWindow.add(w);
        }
        if (s.allowConflicts) return true;
        List<SandboxEvent> booked = new ArrayList<>();
        for (SandboxEvent e : state.calendar(room.id).all()) {
            if (meeting.uid.equals(e.uid)) continue;
            if (e.isSeriesMaster()) {
                for (SandboxEvent o : Series.instances(state, e)) if ("occurrence".equals(o.type)) booked.add(o);
            } else {
                booked.add(e);
            }
        }
        // MaximumConflictInstances 0: one conflicting occurrence declines the whole series.
        for (SandboxEvent w : inWindow) {
            for (SandboxEvent b : booked) {
                if (b.blocksTime() && b.start.isBefore(w.end) && b.end.isAfter(w.start)) return false;
            }
        }
        return true;
    }

    private void upsertRoomCopy(Directory.Mailbox room, SandboxEvent org, SandboxEvent existing, Instant now) {
        upsert(room, org, existing, (source, target) -> fillRoomCopy(room, source, target, now));
    }

    private interface Fill {
        void fill(SandboxEvent source, SandboxEvent target);
    }

    /**
     * Creates or updates an invitee's copy of the organizer's event; for a series also its cancelled occurrences and
     * exceptions. Saves only what changed, so notifications and delta see real changes only.
     */
    private void upsert(Directory.Mailbox invitee, SandboxEvent org, SandboxEvent existing, Fill fill) {
        SandboxEvent copy = existing != null ? existing.copy() : new SandboxEvent(Ids.eventId(), invitee.id, org.iCalUId, state.now());
        copy.copiedFromMailboxId = org.mailboxId;
        copy.copiedFromEventId = org.id;
        fill.fill(org, copy);
        copy.type = org.type;
        copy.recurrence = org.recurrence == null ? null : org.recurrence.deepCopy();
        copy.cancelledOccurrences.clear();
        copy.cancelledOccurrences.addAll(org.cancelledOccurrences);
        if (existing != null) {
            boolean rebuilt = !existing.start.equals(copy.start) || !java.util.Objects.equals(existing.recurrence, copy.recurrence);
            if (rebuilt) for (SandboxEvent e : Series.exceptions(state, existing)) state.removed(e);
            Set<String> remaining = Series.instanceIds(copy);
            for (String id : Series.instanceIds(existing)) if (!remaining.contains(id)) state.instanceRemoved(existing.mailboxId, id);
        }
        if (existing == null || !sameVisibleState(existing, copy)) {
            state.saved(copy, existing == null ? SandboxState.Change.CREATED : SandboxState.Change.UPDATED);
        }
        if (!copy.isSeriesMaster()) return;
        Set<String> mirrored = new HashSet<>();
        for (SandboxEvent ex : Series.exceptions(state, org)) {
            String id = Series.occurrenceId(copy, ex.originalStart);
            mirrored.add(id);
            SandboxEvent current = state.event(invitee.id, id);
            SandboxEvent target = current != null ? current.copy() : Series.exceptionFrom(Series.occurrence(copy, ex.originalStart));
            fill.fill(ex, target);
            if (current == null || !sameVisibleState(current, target)) {
                state.saved(target, current == null ? SandboxState.Change.CREATED : SandboxState.Change.UPDATED);
            }
        }
        for (SandboxEvent e : Series.exceptions(state, copy)) if (!mirrored.contains(e.id)) state.removed(e);
    }

    private void fillRoomCopy(Directory.Mailbox room, SandboxEvent org, SandboxEvent copy, Instant now) {
        Directory.RoomSettings s = room.room;
        String subject;
        if (s.addOrganizerToSubject) subject = s.deleteSubject ? org.organizerName : org.organizerName + " " + org.subject;
        else subject = s.deleteSubject ? "" : org.subject;
        boolean wasAccepted = "accepted".equals(copy.response) && copy.changeKey != null;
        copy.subject = subject;
        copy.body = Json.object().put("contentType", "html").put("content", "");
        copyTimeAndPlace(org, copy);
        copy.showAs = "busy";
        copy.sensitivity = "normal";
        copy.attendees.clear();
        for (SandboxEvent.Attendee a : org.attendees) {
            SandboxEvent.Attendee c = a.copy();
            if (c.is(room.address)) {
                c.response = "accepted";
                c.responseTime = now;
            }
            copy.attendees.add(c);
        }
        copy.response = "accepted";
        if (!wasAccepted) copy.responseTime = now;
    }

    private static void fillPersonCopy(SandboxEvent org, SandboxEvent copy, SandboxEvent.Attendee invitee) {
        copy.subject = org.subject;
        copy.body = org.body == null ? null : org.body.deepCopy();
        copyTimeAndPlace(org, copy);
        copy.sensitivity = org.sensitivity;
        copy.responseRequested = org.responseRequested;
        copy.allowNewTimeProposals = org.allowNewTimeProposals;
        copy.attendees.clear();
        for (SandboxEvent.Attendee a : org.attendees) copy.attendees.add(a.copy());
        // The invitee's own answer as the organizer knows it; until then the invitation is tentative in their calendar.
        copy.response = "none".equals(invitee.response) ? "notResponded" : invitee.response;
        copy.responseTime = invitee.responseTime;
        copy.showAs = "accepted".equals(copy.response) ? org.showAs : "tentative";
        copy.isCancelled = false;
    }

    private static void copyTimeAndPlace(SandboxEvent org, SandboxEvent copy) {
        copy.start = org.start;
        copy.end = org.end;
        copy.startZone = org.startZone;
        copy.endZone = org.endZone;
        copy.isAllDay = org.isAllDay;
        copy.importance = org.importance;
        copy.location = org.location == null ? null : org.location.deepCopy();
        copy.locations = org.locations == null ? null : org.locations.deepCopy();
        copy.organizerName = org.organizerName;
        copy.organizerAddress = org.organizerAddress;
        copy.isOrganizer = false;
    }

    private static boolean sameVisibleState(SandboxEvent a, SandboxEvent b) {
        if (!a.start.equals(b.start) || !a.end.equals(b.end) || !a.subject.equals(b.subject) || a.isAllDay != b.isAllDay) return false;
        if (!a.response.equals(b.response) || a.isCancelled != b.isCancelled || !a.showAs.equals(b.showAs)) return false;
        if (!java.util.Objects.equals(a.recurrence, b.recurrence) || !a.cancelledOccurrences.equals(b.cancelledOccurrences)) return false;
        String ba = a.body == null ? "" : a.body.path("content").asText("");
        String bb = b.body == null ? "" : b.body.path("content").asText("");
        if (!ba.equals(bb)) return false;
        if (a.attendees.size() != b.attendees.size()) return false;
        for (int i = 0; i < a.attendees.size(); i++) {
            if (!a.attendees.get(i).address.equalsIgnoreCase(b.attendees.get(i).address)) return false;
        }
        String la = a.location == null ? "" : a.location.path("displayName").asText("");
        String lb = b.location == null ? "" : b.location.path("displayName").asText("");
        return la.equals(lb);
    }
}
