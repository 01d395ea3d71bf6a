package io.roomsync.calendar;

import io.roomsync.audit.AuditLog;
import io.roomsync.graph.GraphDelta.Change;
import io.roomsync.graph.GraphDelta.Invitee;
import io.roomsync.location.Building;
import io.roomsync.location.Reservable;
import io.roomsync.notify.Notifications;
import io.roomsync.reservation.Attendee;
import io.roomsync.reservation.BookingRules;
import io.roomsync.reservation.Reservation;
import io.roomsync.reservation.ReservationState;
import io.roomsync.reservation.ReservationType;
import io.roomsync.reservation.Source;
import io.roomsync.reservation.SyncState;
import io.roomsync.reservation.Times;
import io.roomsync.tenant.User;
import jakarta.persistence.LockModeType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.hibernate.Session;

/**
 * Applies the changes of a room mailbox's calendar to the room's reservations, inside the caller's transaction.
 * Written straight to the database (never through ReservationService, whose outbound hook would send the change
 * back to Exchange) and audited with source "exchange". Every change is an upsert keyed by the room copy's id and
 * the meeting's iCalUId, so a change seen twice (duplicate notifications, a repeated page after a crash, a full
 * resync) leaves exactly one reservation.
 */
public final class InboundChanges {
    /** The room being synced: whose reservations the changes apply to. */
    public record Room(long tenantId, long reservableId, String mailbox) {}

    /** What one batch of changes did, for the pull's sync event. */
    public static final class Outcome {
        public int created;
        public int updated;
        public int confirmed;
        public int cancelled;
        public int rejected;
        public int conflicted;
        public int unchanged;
        public final List<String> lines = new ArrayList<>();

        void line(String s) {
            if (lines.size() < MAX_LINES) lines.add(s);
            else if (lines.size() == MAX_LINES) lines.add("...");
        }

        public void add(Outcome o) {
            created += o.created;
            updated += o.updated;
            confirmed += o.confirmed;
            cancelled += o.cancelled;
            rejected += o.rejected;
            conflicted += o.conflicted;
            unchanged += o.unchanged;
            for (String l : o.lines) line(l);
        }

        @Override
        public String toString() {
            return "created " + created + ", updated " + updated + ", confirmed " + confirmed + ", cancelled " + cancelled
                    + ", rejected " + rejected + ", conflicted " + conflicted + ", unchanged " + unchanged;
        }
    }

    static final int MAX_LINES = 200;
    private static final String SOURCE = Source.EXCHANGE.subSource;
    private static final jakarta.persistence.Timeout LOCK_WAIT = jakarta.persistence.Timeout.seconds(15);
    private static final List<ReservationState> HOLDING = Arrays.stream(ReservationState.values())
            .filter(ReservationState::holdsSlot).toList();
    /** States a reservation whose room copy disappeared leaves (Completed ones took place and stay). */
    private static final List<ReservationState> LIVE = List.of(ReservationState.AWAITING_CONFIRMATION, ReservationState.CONFIRMED,
            ReservationState.CONFLICTED);

    private final AuditLog audit;
    private final Notifications notifications;
    private final Clock clock;

    public InboundChanges(AuditLog audit, Notifications notifications, Clock clock) {
        this.audit = audit;
        this.notifications = notifications;
        this.clock = clock;
    }

    public Outcome apply(Session s, Room room, List<Change> changes) {
        Outcome out = new Outcome();
        if (changes.isEmpty()) return out;
        // The same lock portal bookings take, so an overlap check here and a booking there never both pass.
        Reservable reservable = s.find(Reservable.class, room.reservableId(), LockModeType.PESSIMISTIC_WRITE, LOCK_WAIT);
        if (reservable == null || reservable.tenantId != room.tenantId()) throw new IllegalStateException("Reservable " + room.reservableId() + " is gone");
        ZoneId zone = s.find(Building.class, reservable.buildingId).zone();
        for (Change c : changes) applyOne(s, room, reservable, zone, c, out);
        return out;
    }

    /**
     * Ends a full round over [from, to): cancels the room's reservations in that window whose room copy the round did
     * not see, as a removal in Outlook would (a round that starts without delta state has no @removed for events
     * deleted before it). Left alone: reservations with no room copy yet (ours, still on their way to the room),
     * those with a change of ours still to go out (their copy may be elsewhere until it arrives), and those changed
     * since the round began (another pull may have met a copy newer than this round's view).
     */
    public Outcome sweep(Session s, Room room, Instant from, Instant to, Set<String> seen, Instant roundStarted) {
        Outcome out = new Outcome();
        // The lock apply takes: another pull's page of this room commits first, and what it touched is then spared.
        s.find(Reservable.class, room.reservableId(), LockModeType.PESSIMISTIC_WRITE, LOCK_WAIT);
        List<Reservation> inWindow = s.createSelectionQuery("from Reservation where reservableId = :rid and roomEventId is not null"
                        + " and state in :live and startAt >= :from and endAt <= :to and updatedAt < :started order by startAt", Reservation.class)
                .setParameter("rid", room.reservableId()).setParameterList("live", LIVE)
                .setParameter("from", from).setParameter("to", to).setParameter("started", roundStarted).getResultList();
        for (Reservation r : inWindow) {
            if (seen.contains(r.roomEventId) || outboundPending(s, r.id)) continue;
            roomCopyGone(s, r, "its room copy " + r.roomEventId + " is gone from Outlook", out);
        }
        return out;
    }

    /** The room's copy of a reservation's meeting is gone. */
    private void roomCopyGone(Session s, Reservation r, String reason, Outcome out) {
        if (r.createdSource != Source.EXCHANGE && r.state == ReservationState.AWAITING_CONFIRMATION) {
            // A room copy of ours that we still await an answer for: changed in the portal, the meeting went to the
            // room again, and its booking assistant declined the change and took its copy out.
            reject(s, r, out);
        } else {
            cancel(s, r, reason, out);
        }
    }

    private void applyOne(Session s, Room room, Reservable reservable, ZoneId zone, Change c, Outcome out) {
        if (c.removed()) {
            Reservation r = byRoomEvent(s, reservable.id, c.id());
            if (r == null) {
                out.unchanged++;
                out.line("removed " + c.id() + ": no reservation");
            } else {
                roomCopyGone(s, r, "removed in Outlook", out);
            }
            return;
        }
        // calendarView expands series into occurrences; a master carries no time of its own to reserve.
        if ("seriesMaster".equals(c.type()) || c.start() == null || c.end() == null || !c.end().isAfter(c.start())) {
            out.unchanged++;
            out.line("skipped " + c.id() + " (" + c.type() + ")");
            return;
        }
        Reservation r = byRoomEvent(s, reservable.id, c.id());
        if (r == null && c.iCalUId() != null) r = byIcal(s, reservable.id, c.iCalUId());
        if (r == null && c.reservationIdProperty() != null) r = byProperty(s, room.tenantId(), reservable.id, c.reservationIdProperty());
        String organizer = c.organizer() == null ? null : c.organizer().email();
        if (r == null && !c.cancelled()) r = awaitingAtSameTime(s, reservable.id, c, organizer);
        if (r == null && !c.cancelled() && ourCreateUnrecorded(s, reservable.id, organizer)) {
            throw new OursNotYetRecorded(c.id());
        }
        if (c.cancelled()) {
            if (r == null) {
                out.unchanged++;
                out.line("cancelled " + c.id() + ": no reservation");
            } else {
                cancel(s, r, "cancelled in Outlook", out);
            }
            return;
        }
        if (r == null) create(s, room, reservable, zone, c, out);
        else if (r.createdSource == Source.EXCHANGE) updateForeign(s, room, reservable, c, r, out);
        else updateOurs(s, room, reservable, c, r, out);
    }

    /** A meeting booked in Outlook: a reservation of its own, Conflicted if it overlaps one holding the slot. */
    private void create(Session s, Room room, Reservable reservable, ZoneId zone, Change c, Outcome out) {
        Instant now = clock.instant();
        Reservation r = new Reservation();
        r.tenantId = room.tenantId();
        r.reservableId = reservable.id;
        organizer(s, r, c);
        r.subject = subject(c);
        r.startAt = c.start();
        r.endAt = c.end();
        r.timeZone = zone.getId();
        r.allDay = c.allDay();
        r.reservationType = ReservationType.NORMAL;
        r.seriesId = c.seriesMasterId();
        r.createdSource = Source.EXCHANGE;
        r.createdSubSource = SOURCE;
        r.updatedSource = Source.EXCHANGE;
        r.updatedSubSource = SOURCE;
        r.syncState = SyncState.SYNCHRONIZED;
        r.externalIcalUid = c.iCalUId();
        r.roomEventId = c.id();
        r.createdAt = now;
        r.updatedAt = now;
        widenLookback(reservable, r);
        Reservation clash = clash(s, r);
        r.state = clash == null ? ReservationState.CONFIRMED : ReservationState.CONFLICTED;
        s.persist(r);
        List<Attendee> attendees = attendees(s, room, r, c);
        AuditLog.Changes changes = new AuditLog.Changes()
                .field("reservable", null, reservable.name)
                .field("start", null, Times.stamp(r.startAt, zone))
                .field("end", null, Times.stamp(r.endAt, zone))
                .field("subject", null, r.subject)
                .field("organizer", null, organizerLabel(s, r))
                .field("state", null, r.state.label)
                .field("attendees", null, attendees.isEmpty() ? null : String.join(", ", attendees.stream().map(a -> a.email).toList()));
        audit.recordSystem(s, r.tenantId, Source.EXCHANGE.name(), SOURCE, "Reservation", r.id, "create", changes);
        out.created++;
        out.line("created reservation " + r.id + " from " + c.id() + " (" + r.state.label + ")");
        if (clash != null) conflicted(s, reservable, r, clash, out);
    }

    /** A meeting booked in Outlook changed (or came back after a cancellation). */
    private void updateForeign(Session s, Room room, Reservable reservable, Change c, Reservation r, Outcome out) {
        ZoneId zone = ZoneId.of(r.timeZone);
        AuditLog.Changes changes = new AuditLog.Changes();
        String beforeOrganizer = organizerLabel(s, r);
        ReservationState before = r.state;
        boolean timeChanged = !c.start().equals(r.startAt) || !c.end().equals(r.endAt);
        changes.field("start", Times.stamp(r.startAt, zone), Times.stamp(c.start(), zone));
        changes.field("end", Times.stamp(r.endAt, zone), Times.stamp(c.end(), zone));
        changes.field("subject", r.subject, subject(c));
        r.startAt = c.start();
        r.endAt = c.end();
        r.subject = subject(c);
        r.allDay = c.allDay();
        r.seriesId = c.seriesMasterId();
        newRoomCopy(r, c.id());
        if (c.iCalUId() != null) r.externalIcalUid = c.iCalUId();
        organizer(s, r, c);
        changes.field("organizer", beforeOrganizer, organizerLabel(s, r));
        String beforeAttendees = attendeeList(s, r.id);
        attendees(s, room, r, c);
        changes.field("attendees", beforeAttendees, attendeeList(s, r.id));
        Reservation clash = null;
        if (timeChanged || before == ReservationState.CANCELLED || before == ReservationState.CONFLICTED) {
            widenLookback(reservable, r);
            clash = clash(s, r);
            r.state = clash == null ? ReservationState.CONFIRMED : ReservationState.CONFLICTED;
        }
        changes.field("state", before.label, r.state.label);
        if (changes.isEmpty()) {
            out.unchanged++;
            return;
        }
        touch(r);
        audit.recordSystem(s, r.tenantId, Source.EXCHANGE.name(), SOURCE, "Reservation", r.id, "update", changes);
        out.updated++;
        out.line("updated reservation " + r.id + " from " + c.id() + " (" + r.state.label + ")");
        if (r.state == ReservationState.CONFLICTED && before != ReservationState.CONFLICTED) conflicted(s, reservable, r, clash, out);
    }

    /**
     * Our own reservation's meeting reached the room: confirm it, and take over a new time set in Outlook (unless a
     * change of ours is still on its way out, which makes Outlook's time the older one). The room copy's subject is
     * the booking assistant's (usually the organizer's name), so ours stays.
     */
    private void updateOurs(Session s, Room room, Reservable reservable, Change c, Reservation r, Outcome out) {
        ZoneId zone = ZoneId.of(r.timeZone);
        AuditLog.Changes changes = new AuditLog.Changes();
        ReservationState before = r.state;
        newRoomCopy(r, c.id());
        if (r.externalIcalUid == null && c.iCalUId() != null) r.externalIcalUid = c.iCalUId();
        if (!r.state.holdsSlot()) {
            // Cancelled or rejected here: outbound sync takes the meeting out of Exchange; nothing to take over.
            out.unchanged++;
            return;
        }
        boolean confirmed = false;
        boolean sameTime = c.start().equals(r.startAt) && c.end().equals(r.endAt);
        // A copy at another time while a change of ours is on its way answers an older request, not the one awaited.
        if (r.state == ReservationState.AWAITING_CONFIRMATION && (sameTime || !outboundPending(s, r.id))) {
            r.state = ReservationState.CONFIRMED;
            // The room's copy can come back before outbound sync recorded the create (or while a node that sent it
            // is dead and its claim not yet expired): Synchronized only once no change of ours is on its way.
            if (!outboundPending(s, r.id)) r.syncState = SyncState.SYNCHRONIZED;
            confirmed = true;
        }
        Reservation clash = null;
        if (!sameTime && !outboundPending(s, r.id)) {
            changes.field("start", Times.stamp(r.startAt, zone), Times.stamp(c.start(), zone));
            changes.field("end", Times.stamp(r.endAt, zone), Times.stamp(c.end(), zone));
            r.startAt = c.start();
            r.endAt = c.end();
            r.updatedSource = Source.EXCHANGE;
            r.updatedSubSource = SOURCE;
            widenLookback(reservable, r);
            clash = clash(s, r);
            if (clash != null) r.state = ReservationState.CONFLICTED;
        }
        changes.field("state", before.label, r.state.label);
        if (changes.isEmpty()) {
            out.unchanged++;
            return;
        }
        touch(r);
        audit.recordSystem(s, r.tenantId, Source.EXCHANGE.name(), SOURCE, "Reservation", r.id, confirmed ? "confirm" : "update", changes);
        if (confirmed) out.confirmed++;
        else out.updated++;
        out.line((confirmed ? "confirmed" : "updated") + " reservation " + r.id + " from " + c.id() + " (" + r.state.label + ")");
        if (clash != null) conflicted(s, reservable, r, clash, out);
    }

    private void cancel(Session s, Reservation r, String why, Outcome out) {
        if (r.state == ReservationState.CANCELLED || r.state == ReservationState.REJECTED) {
            out.unchanged++;
            return;
        }
        AuditLog.Changes changes = new AuditLog.Changes().field("state", r.state.label, ReservationState.CANCELLED.label);
        r.state = ReservationState.CANCELLED;
        r.updatedSource = Source.EXCHANGE;
        r.updatedSubSource = SOURCE;
        r.updatedAt = clock.instant();
        audit.recordSystem(s, r.tenantId, Source.EXCHANGE.name(), SOURCE, "Reservation", r.id, "cancel", changes);
        out.cancelled++;
        out.line("cancelled reservation " + r.id + " (" + why + ")");
    }

    private void reject(Session s, Reservation r, Outcome out) {
        AuditLog.Changes changes = new AuditLog.Changes().field("state", r.state.label, ReservationState.REJECTED.label);
        r.state = ReservationState.REJECTED;
        touch(r);
        audit.recordSystem(s, r.tenantId, Source.EXCHANGE.name(), SOURCE, "Reservation", r.id, "reject", changes);
        UnconfirmedCleanup.tellRejected(notifications, s, r, "The room declined the change in Exchange.");
        out.rejected++;
        out.line("rejected reservation " + r.id + " (the room declined the change)");
    }

    /**
     * Records the room copy a reservation now has. A new one counts as a change even when nothing else changed: a full
     * round on another node that began earlier must not sweep the reservation for the copy id it did not see.
     */
    private void newRoomCopy(Reservation r, String roomEventId) {
        if (roomEventId.equals(r.roomEventId)) return;
        r.roomEventId = roomEventId;
        r.updatedAt = clock.instant();
    }

    private void touch(Reservation r) {
        r.updatedSource = Source.EXCHANGE;
        r.updatedSubSource = SOURCE;
        r.updatedAt = clock.instant();
    }

    private void conflicted(Session s, Reservable reservable, Reservation r, Reservation clash, Outcome out) {
        out.conflicted++;
        ZoneId zone = ZoneId.of(r.timeZone);
        String title = "Outlook meeting conflicts in " + reservable.name;
        String body = "\"" + r.subject + "\" (" + Times.when(r.startAt, r.endAt, zone) + ", " + zone.getId() + ") was booked in Outlook for "
                + reservable.name + ", which reservation " + clash.id + " (\"" + clash.subject + "\") already holds. It is recorded as "
                + "Conflicted: move or cancel one of them.";
        notifications.toSyncAdmins(s, r.tenantId, "reservation-conflicted", title, body, "/reservations/" + r.id);
    }

    /** A reservation holding the slot that the given one overlaps (half-open spans), or null. */
    /**
     * A meeting longer than the portal allows (the room's policy in Exchange may allow it) widens the room's overlap
     * look-back, or portal bookings late in it would not see it and double-book the room. The room row is locked.
     */
    private static void widenLookback(Reservable reservable, Reservation r) {
        long minutes = Duration.between(r.startAt, r.endAt).toMinutes();
        if (minutes <= BookingRules.LONGEST.toMinutes()) return;
        if (reservable.longestReservationMinutes == null || reservable.longestReservationMinutes < minutes) {
            reservable.longestReservationMinutes = (int) Math.min(minutes, Integer.MAX_VALUE);
        }
    }

    private static Reservation clash(Session s, Reservation r) {
        var q = s.createSelectionQuery("from Reservation where reservableId = :rid and state in :holding"
                        + " and startAt < :end and endAt > :start" + (r.id == null ? "" : " and id <> :self") + " order by startAt", Reservation.class)
                .setParameter("rid", r.reservableId).setParameterList("holding", HOLDING)
                .setParameter("start", r.startAt).setParameter("end", r.endAt).setMaxResults(1);
        if (r.id != null) q.setParameter("self", r.id);
        List<Reservation> list = q.getResultList();
        return list.isEmpty() ? null : list.get(0);
    }

    private static Reservation byRoomEvent(Session s, long reservableId, String eventId) {
        if (eventId == null) return null;
        return s.createSelectionQuery("from Reservation where reservableId = :rid and roomEventId = :e", Reservation.class)
                .setParameter("rid", reservableId).setParameter("e", eventId).uniqueResult();
    }

    private static Reservation byIcal(Session s, long reservableId, String iCalUId) {
        return s.createSelectionQuery("from Reservation where reservableId = :rid and externalIcalUid = :u", Reservation.class)
                .setParameter("rid", reservableId).setParameter("u", iCalUId).uniqueResult();
    }

    /**
     * Our reservation still waiting for its event's iCalUId at exactly this time, whose latest create went to this
     * organizer's mailbox: the room can accept our meeting and its copy can reach us before outbound sync has
     * committed what Graph answered (or after it crashed there), and that copy must confirm ours rather than become
     * a second, foreign reservation. Someone else's meeting at the same time is foreign (and conflicts with ours).
     */
    private static Reservation awaitingAtSameTime(Session s, long reservableId, Change c, String organizer) {
        if (organizer == null) return null;
        List<Reservation> list = s.createSelectionQuery("from Reservation r where r.reservableId = :rid and r.state = :awaiting"
                        + " and r.externalIcalUid is null and r.roomEventId is null and r.startAt = :start and r.endAt = :end"
                        + " and exists (select 1 from SyncEvent e where e.reservationId = r.id and e.direction = :out"
                        + " and e.eventType = :create and lower(e.mailbox) = :organizer and not exists (select 1 from SyncEvent l"
                        + " where l.reservationId = r.id and l.direction = :out and l.eventType = :create and l.id > e.id))"
                        + " order by r.id", Reservation.class)
                .setParameter("rid", reservableId).setParameter("awaiting", ReservationState.AWAITING_CONFIRMATION)
                .setParameter("start", c.start()).setParameter("end", c.end())
                .setParameter("out", SyncEvent.Direction.OUTBOUND).setParameter("create", SyncEvent.Type.CREATE)
                .setParameter("organizer", organizer.toLowerCase(Locale.ROOT)).setMaxResults(1).getResultList();
        return list.isEmpty() ? null : list.get(0);
    }

    /**
     * Whether one of our creates for this room, organized by this mailbox, may have reached Graph without its answer
     * (and so the event's iCalUId) recorded yet. An unmatched room copy from that organizer may then be ours, moved in
     * the portal meanwhile so the same-time match misses it: it must wait for the record, not become a duplicate.
     */
    private static boolean ourCreateUnrecorded(Session s, long reservableId, String organizer) {
        if (organizer == null) return false;
        return s.createSelectionQuery("select count(*) from SyncEvent e, Reservation r where r.id = e.reservationId"
                        + " and r.reservableId = :rid and r.externalIcalUid is null and r.roomEventId is null"
                        + " and e.direction = :out and e.eventType = :create and lower(e.mailbox) = :organizer"
                        + " and (e.state = :processing or (e.state = :new and e.attempts > 0))", Long.class)
                .setParameter("rid", reservableId).setParameter("out", SyncEvent.Direction.OUTBOUND)
                .setParameter("create", SyncEvent.Type.CREATE).setParameter("organizer", organizer.toLowerCase(java.util.Locale.ROOT))
                .setParameter("processing", SyncEvent.State.PROCESSING).setParameter("new", SyncEvent.State.NEW)
                .getSingleResult() > 0;
    }

    /** A room copy that may be ours waits (its pull is repeated shortly) until outbound sync records its create. */
    public static final class OursNotYetRecorded extends RuntimeException {
        OursNotYetRecorded(String eventId) {
            super("The room's copy " + eventId + " may be one of our meetings whose creation is not recorded yet", null, false, false);
        }
    }

    /** Whether outbound sync still has to send a change of ours: then Outlook's time is older than ours. */
    private static boolean outboundPending(Session s, long reservationId) {
        return s.createSelectionQuery("select count(*) from SyncEvent where reservationId = :r and direction = :out and state in :pending", Long.class)
                .setParameter("r", reservationId).setParameter("out", SyncEvent.Direction.OUTBOUND)
                .setParameterList("pending", List.of(SyncEvent.State.NEW, SyncEvent.State.PROCESSING, SyncEvent.State.ERROR))
                .getSingleResult() > 0;
    }

    /** The reservation named by our extended property: only ours (not from Exchange), of this tenant and room. */
    private static Reservation byProperty(Session s, long tenantId, long reservableId, String value) {
        long id;
        try {
            id = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return null;
        }
        Reservation r = s.find(Reservation.class, id);
        if (r == null || r.tenantId != tenantId || r.reservableId != reservableId || r.createdSource == Source.EXCHANGE) return null;
        return r;
    }

    /** The organizer as a tenant user (e-mail, case-insensitively), else as an external organizer. */
    private static void organizer(Session s, Reservation r, Change c) {
        String email = c.organizer() == null ? null : c.organizer().email();
        User user = email == null ? null : user(s, r.tenantId, email);
        if (user != null) {
            r.requestedById = user.id;
            r.requestedForId = user.id;
            r.externalOrganizerEmail = null;
            r.externalOrganizerName = null;
        } else {
            r.requestedById = null;
            r.requestedForId = null;
            r.externalOrganizerEmail = email == null ? null : cut(email, 320);
            r.externalOrganizerName = c.organizer() == null || c.organizer().name() == null ? null : cut(c.organizer().name(), 200);
        }
    }

    private static String organizerLabel(Session s, Reservation r) {
        if (r.requestedForId != null) {
            User u = s.find(User.class, r.requestedForId);
            return u == null ? null : u.email;
        }
        return r.externalOrganizerEmail == null ? null : r.externalOrganizerEmail + " (external)";
    }

    private static User user(Session s, long tenantId, String email) {
        List<User> users = s.createSelectionQuery("from User where tenantId = :t and emailLower = :e", User.class)
                .setParameter("t", tenantId).setParameter("e", email.strip().toLowerCase(Locale.ROOT)).getResultList();
        return users.isEmpty() ? null : users.get(0);
    }

    /** Replaces the attendees with the event's people (the room itself and the organizer are not attendees). */
    private static List<Attendee> attendees(Session s, Room room, Reservation r, Change c) {
        Map<String, Invitee> people = new LinkedHashMap<>();
        String organizer = c.organizer() == null || c.organizer().email() == null ? "" : c.organizer().email().toLowerCase(Locale.ROOT);
        for (Invitee i : c.attendees()) {
            String key = i.email().strip().toLowerCase(Locale.ROOT);
            if (key.equals(room.mailbox().toLowerCase(Locale.ROOT)) || key.equals(organizer) || "resource".equalsIgnoreCase(i.type())) continue;
            people.putIfAbsent(key, i);
        }
        List<Attendee> existing = s.createSelectionQuery("from Attendee where reservationId = :r order by id", Attendee.class)
                .setParameter("r", r.id).getResultList();
        List<String> now = existing.stream().map(a -> a.email.toLowerCase(Locale.ROOT)).toList();
        if (now.equals(new ArrayList<>(people.keySet()))) return existing;
        for (Attendee a : existing) s.remove(a);
        List<Attendee> out = new ArrayList<>();
        for (Map.Entry<String, Invitee> p : people.entrySet()) {
            Attendee a = new Attendee();
            a.reservationId = r.id;
            User u = user(s, r.tenantId, p.getKey());
            a.userId = u == null ? null : u.id;
            a.email = cut(p.getValue().email().strip(), 320);
            a.displayName = u != null ? u.displayName : (p.getValue().name() == null || p.getValue().name().equalsIgnoreCase(a.email) ? null : cut(p.getValue().name(), 200));
            s.persist(a);
            out.add(a);
        }
        return out;
    }

    private static String attendeeList(Session s, long reservationId) {
        List<String> emails = s.createSelectionQuery("select email from Attendee where reservationId = :r order by id", String.class)
                .setParameter("r", reservationId).getResultList();
        return emails.isEmpty() ? null : String.join(", ", emails);
    }

    /** The room copy's subject as Exchange shows it (often the organizer's name); never blank. */
    private static String subject(Change c) {
        String subject = c.subject() == null ? "" : c.subject().strip();
        if (subject.isEmpty()) subject = c.organizer() != null && c.organizer().name() != null ? c.organizer().name() : "Outlook meeting";
        return cut(subject, 255);
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
