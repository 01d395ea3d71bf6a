package io.roomsync.reservation;

import io.roomsync.audit.AuditEntry;
import io.roomsync.audit.AuditLog;
import io.roomsync.common.ConflictException;
import io.roomsync.common.NotFoundException;
import io.roomsync.common.ValidationException;
import io.roomsync.db.Tx;
import io.roomsync.location.Building;
import io.roomsync.location.Floor;
import io.roomsync.location.Reservable;
import io.roomsync.location.ReservableModule;
import io.roomsync.tenant.CurrentUser;
import io.roomsync.tenant.User;
import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.hibernate.Session;

/**
 * Creates, changes and cancels reservations. Knows nothing of HTTP: handlers of the portal and the REST API call
 * it with the signed-in user and the source of the change.
 *
 * <p>No double booking: each change that places a reservation in a slot locks the reservable's row
 * ({@code SELECT ... FOR UPDATE}) before it looks for overlapping reservations, so bookings of one room are
 * serialized by the database, on every node of a cluster.
 */
public final class ReservationService {
    public static final int MAX_SUBJECT = 255;
    public static final int MAX_NOTES = 4000;
    public static final int MAX_ATTENDEES = 500;
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s<>,;\"]+@[^@\\s<>,;\"]+\\.[^@\\s<>,;\"]+$");
    private static final jakarta.persistence.Timeout LOCK_WAIT = jakarta.persistence.Timeout.seconds(15);
    private static final List<ReservationState> HOLDING = java.util.Arrays.stream(ReservationState.values())
            .filter(ReservationState::holdsSlot).toList();

    private final Tx tx;
    private final BookingRules rules;
    private final ReservationPolicy policy;
    private final AuditLog audit;
    private final ReservationOutbox outbox;

    public ReservationService(Tx tx, BookingRules rules, ReservationPolicy policy, AuditLog audit, ReservationOutbox outbox) {
        this.tx = tx;
        this.rules = rules;
        this.policy = policy;
        this.audit = audit;
        this.outbox = outbox;
    }

    /**
     * What a person asks for. Times are local to the reservable's building. On a change, null fields keep their
     * current value (attendees: null keeps them, an empty list removes them all).
     */
    public record ReservationInput(Long reservableId, LocalDateTime start, LocalDateTime end, String subject, String notes,
                                   Long requestedForId, List<String> attendees) {}

    /** A person as reservations show them. */
    public record Person(long id, String email, String name) {}

    /** A reservation with everything a page or API answer shows about it. */
    public record ReservationView(Reservation reservation, Reservable reservable, Building building, String floorName,
                                  Person requestedBy, Person requestedFor, List<Attendee> attendees,
                                  ReservationPolicy.Decision change) {
        public ZoneId zone() {
            return ZoneId.of(reservation.timeZone);
        }

        public LocalDateTime localStart() {
            return LocalDateTime.ofInstant(reservation.startAt, zone());
        }

        public LocalDateTime localEnd() {
            return LocalDateTime.ofInstant(reservation.endAt, zone());
        }

        public String when() {
            return Times.when(reservation.startAt, reservation.endAt, zone());
        }

        public String zoneLabel() {
            return Times.zoneLabel(zone(), localStart().toLocalDate());
        }

        /** The badge class for the state: confirmed reads green, waiting amber, cancelled or rejected red. */
        public String stateClass() {
            switch (reservation.state) {
                case CONFIRMED: return "ok";
                case AWAITING_CONFIRMATION: case CONFLICTED: return "warn";
                case CANCELLED: case REJECTED: return "bad";
                default: return "";
            }
        }

        public String organizer() {
            if (requestedFor != null) return requestedFor.name();
            if (reservation.externalOrganizerName != null) return reservation.externalOrganizerName;
            return reservation.externalOrganizerEmail == null ? "Unknown" : reservation.externalOrganizerEmail;
        }
    }

    /** A saved change: the reservation as it is now, and notes about how its times were read (DST). */
    public record Saved(ReservationView view, List<String> notes) {}

    /** Filters for lists of reservations; null = no filter. */
    public record ListFilter(Instant from, Instant to, ReservationState state, boolean all) {}

    // ------------------------------------------------------------------------------------------------- changes

    public Saved create(CurrentUser actor, ReservationInput in, Source source) {
        Clean clean = clean(in, true);
        java.util.concurrent.atomic.AtomicBoolean enqueued = new java.util.concurrent.atomic.AtomicBoolean();
        Saved saved = tx.call(s -> {
            enqueued.set(false);
            Reservable reservable = lockReservable(s, actor.tenant(), clean.reservableId);
            Building building = s.find(Building.class, reservable.buildingId);
            ReservableModule module = s.find(ReservableModule.class, reservable.moduleId);
            User requestedFor = requestedFor(s, actor, clean.requestedForId == null ? actor.userId() : clean.requestedForId);
            List<Attendee> attendees = clean.attendees == null ? List.of() : attendees(s, actor.tenant(), clean.attendees);
            BookingRules.Span span = rules.check(clean.start, clean.end, building.zone(), limits(reservable, module),
                    people(attendees, requestedFor), null);
            refuseOverlap(s, reservable, span, null);

            Instant now = rules.now();
            Reservation r = new Reservation();
            r.tenantId = actor.tenant();
            r.reservableId = reservable.id;
            r.requestedById = actor.userId();
            r.requestedForId = requestedFor.id;
            r.subject = clean.subject == null ? defaultSubject(requestedFor) : clean.subject;
            r.notes = clean.notes;
            r.startAt = span.start();
            r.endAt = span.end();
            r.timeZone = building.timeZone;
            // A synced room's own mailbox confirms the booking; without calendar sync there is nobody to wait for.
            if (outbox.syncs(s, reservable.id)) r.awaitConfirmation(now);
            else r.state = ReservationState.CONFIRMED;
            r.reservationType = requestedFor.id.equals(actor.userId()) ? ReservationType.NORMAL : ReservationType.ON_BEHALF;
            r.createdSource = source;
            r.createdSubSource = source.subSource;
            r.updatedSource = source;
            r.updatedSubSource = source.subSource;
            r.syncState = SyncState.NOT_SYNCED;
            r.createdAt = now;
            r.updatedAt = now;
            s.persist(r);
            for (Attendee a : attendees) {
                a.reservationId = r.id;
                s.persist(a);
            }
            AuditLog.Changes changes = new AuditLog.Changes();
            describe(changes, null, null, null, r, reservable, attendees);
            changes.field("requested for", null, requestedFor.email);
            audit.record(s, actor, source.name(), source.subSource, "Reservation", r.id, "create", changes);
            flush(s);
            enqueued.set(outbox.changed(s, r, ReservationOutbox.Change.CREATE, null));
            flush(s);
            return new Saved(view(s, actor, r), span.notes());
        });
        if (enqueued.get()) outbox.wake();
        return saved;
    }

    /** Changes a reservation. expectedVersion (the version the editor saw) may be null to skip that check. */
    public Saved update(CurrentUser actor, long id, Long expectedVersion, ReservationInput in, Source source) {
        Clean clean = clean(in, false);
        java.util.concurrent.atomic.AtomicBoolean enqueued = new java.util.concurrent.atomic.AtomicBoolean();
        Saved saved = tx.call(s -> {
            enqueued.set(false);
            Reservation r = load(s, actor, id);
            checkVersion(r, expectedVersion);
            policy.mayChange(actor, r, rules.now()).enforce();
            Reservable oldReservable = s.find(Reservable.class, r.reservableId);
            long targetId = clean.reservableId == null ? r.reservableId : clean.reservableId;
            Reservable reservable = lockReservable(s, actor.tenant(), targetId);
            Building building = s.find(Building.class, reservable.buildingId);
            ReservableModule module = s.find(ReservableModule.class, reservable.moduleId);
            ZoneId zone = building.zone();
            ZoneId oldZone = ZoneId.of(r.timeZone);
            LocalDateTime start = clean.start != null ? clean.start : LocalDateTime.ofInstant(r.startAt, zone);
            LocalDateTime end = clean.end != null ? clean.end : LocalDateTime.ofInstant(r.endAt, zone);
            User oldFor = r.requestedForId == null ? null : s.find(User.class, r.requestedForId);
            User requestedFor = clean.requestedForId == null
                    ? (oldFor != null ? oldFor : requestedFor(s, actor, actor.userId()))
                    : requestedFor(s, actor, clean.requestedForId);
            List<Attendee> oldAttendees = attendeesOf(s, r.id);
            List<Attendee> attendees = clean.attendees == null ? copy(oldAttendees) : attendees(s, actor.tenant(), clean.attendees);
            BookingRules.Span span = rules.check(start, end, zone, limits(reservable, module), people(attendees, requestedFor),
                    r.startAt);
            refuseOverlap(s, reservable, span, r.id);

            Reservation before = snapshot(r);
            r.reservableId = reservable.id;
            r.startAt = span.start();
            r.endAt = span.end();
            r.timeZone = building.timeZone;
            if (clean.subject != null) r.subject = clean.subject;
            if (in.notes() != null) r.notes = clean.notes;
            r.requestedForId = requestedFor.id;
            if (r.reservationType == ReservationType.NORMAL || r.reservationType == ReservationType.ON_BEHALF) {
                r.reservationType = Objects.equals(r.requestedForId, r.requestedById) ? ReservationType.NORMAL : ReservationType.ON_BEHALF;
            }
            AuditLog.Changes changes = new AuditLog.Changes();
            describe(changes, before, oldReservable, oldZone, r, reservable, null);
            changes.field("requested for", oldFor == null ? null : oldFor.email, requestedFor.email);
            changes.field("attendees", attendeeList(oldAttendees), attendeeList(attendees));
            if (!attendeeList(oldAttendees).equals(attendeeList(attendees))) {
                oldAttendees.forEach(s::remove);
                for (Attendee a : attendees) {
                    a.reservationId = r.id;
                    s.persist(a);
                }
            }
            if (!changes.isEmpty()) {
                r.updatedSource = source;
                r.updatedSubSource = source.subSource;
                r.updatedAt = rules.now();
                audit.record(s, actor, source.name(), source.subSource, "Reservation", r.id, "update", changes);
            }
            flush(s);
            if (!changes.isEmpty()) {
                enqueued.set(outbox.changed(s, r, ReservationOutbox.Change.UPDATE, before));
                flush(s);
            }
            return new Saved(view(s, actor, r), span.notes());
        });
        if (enqueued.get()) outbox.wake();
        return saved;
    }

    /** Cancels a reservation; the row stays (state Cancelled) so history and sync can follow it. */
    public ReservationView cancel(CurrentUser actor, long id, Long expectedVersion, Source source) {
        java.util.concurrent.atomic.AtomicBoolean enqueued = new java.util.concurrent.atomic.AtomicBoolean();
        ReservationView cancelled = tx.call(s -> {
            enqueued.set(false);
            Reservation r = load(s, actor, id);
            checkVersion(r, expectedVersion);
            policy.mayChange(actor, r, rules.now()).enforce();
            ReservationState before = r.state;
            r.state = ReservationState.CANCELLED;
            r.updatedSource = source;
            r.updatedSubSource = source.subSource;
            r.updatedAt = rules.now();
            audit.record(s, actor, source.name(), source.subSource, "Reservation", r.id, "cancel",
                    new AuditLog.Changes().field("state", before.label, r.state.label));
            flush(s);
            enqueued.set(outbox.changed(s, r, ReservationOutbox.Change.DELETE, null));
            flush(s);
            return view(s, actor, r);
        });
        if (enqueued.get()) outbox.wake();
        return cancelled;
    }

    // --------------------------------------------------------------------------------------------------- reads

    /** One reservation of the viewer's tenant (anyone in the tenant may look; changing is another matter). */
    public ReservationView get(CurrentUser viewer, long id) {
        return tx.call(s -> view(s, viewer, load(s, viewer, id)));
    }

    /** The audit trail of one reservation, oldest first. */
    public List<AuditEntry> history(CurrentUser viewer, long id) {
        return tx.call(s -> {
            load(s, viewer, id);
            return audit.forEntity(s, viewer.tenant(), "Reservation", id);
        });
    }

    /** The viewer's reservations (booked by them or for them): upcoming soonest first, past latest first. */
    public List<ReservationView> mine(CurrentUser viewer, boolean upcoming, int limit) {
        Instant now = rules.now();
        return tx.call(s -> {
            List<Reservation> list = s.createSelectionQuery("from Reservation where tenantId = :t"
                                    + " and (requestedForId = :u or requestedById = :u)"
                                    + (upcoming ? " and endAt > :now order by startAt asc, id asc" : " and endAt <= :now order by startAt desc, id desc"),
                            Reservation.class)
                    .setParameter("t", viewer.tenant()).setParameter("u", viewer.userId()).setParameter("now", now)
                    .setMaxResults(limit).getResultList();
            return views(s, viewer, list);
        });
    }

    /** Reservations for the API: the caller's own, or (admins with all=true) every reservation of the tenant. */
    public List<ReservationView> list(CurrentUser viewer, ListFilter filter, int limit) {
        return tx.call(s -> {
            StringBuilder q = new StringBuilder("from Reservation where tenantId = :t");
            boolean all = filter.all() && viewer.isTenantAdmin();
            if (!all) q.append(" and (requestedForId = :u or requestedById = :u)");
            if (filter.from() != null) q.append(" and endAt > :from");
            if (filter.to() != null) q.append(" and startAt < :to");
            if (filter.state() != null) q.append(" and state = :state");
            q.append(" order by startAt asc, id asc");
            var query = s.createSelectionQuery(q.toString(), Reservation.class).setParameter("t", viewer.tenant());
            if (!all) query.setParameter("u", viewer.userId());
            if (filter.from() != null) query.setParameter("from", filter.from());
            if (filter.to() != null) query.setParameter("to", filter.to());
            if (filter.state() != null) query.setParameter("state", filter.state());
            return views(s, viewer, query.setMaxResults(limit).getResultList());
        });
    }

    /** The reservable a booking form is for, with its building and module (404 for another tenant's). */
    public record Target(Reservable reservable, Building building, String floorName, ReservableModule module) {}

    public Target target(CurrentUser viewer, long reservableId) {
        return tx.call(s -> {
            Reservable r = s.find(Reservable.class, reservableId);
            if (r == null || !r.tenantId.equals(viewer.tenant())) throw new NotFoundException("Reservable");
            Floor f = r.floorId == null ? null : s.find(Floor.class, r.floorId);
            return new Target(r, s.find(Building.class, r.buildingId), f == null ? null : f.name, s.find(ReservableModule.class, r.moduleId));
        });
    }

    /** A space a reservation can move to. */
    public record Space(long id, String name, int capacity) {}

    /**
     * Where a reservation in this space can move from its page: the active spaces of the same kind in the same
     * building (so its times keep their time zone), by name; the current one always among them.
     */
    public List<Space> spacesLike(CurrentUser viewer, Reservable current) {
        return tx.call(s -> s.createSelectionQuery("from Reservable where tenantId = :t and buildingId = :b and kind = :k "
                                + "and (active = true or id = :current) order by name", Reservable.class)
                .setParameter("t", viewer.tenant()).setParameter("b", current.buildingId).setParameter("k", current.kind)
                .setParameter("current", current.id).setMaxResults(500).getResultList()
                .stream().map(r -> new Space(r.id, r.name, r.capacity)).toList());
    }

    /** Active users of the tenant, for "requested for" choices. */
    public List<Person> people(CurrentUser viewer) {
        return tx.call(s -> s.createSelectionQuery("from User where tenantId = :t and active = true order by displayName, emailLower", User.class)
                .setParameter("t", viewer.tenant()).setMaxResults(2000).getResultList()
                .stream().map(u -> new Person(u.id, u.email, u.displayName)).toList());
    }

    // ------------------------------------------------------------------------------------------------ internals

    /** Input after trimming and the checks that need no database. */
    private record Clean(Long reservableId, LocalDateTime start, LocalDateTime end, String subject, String notes,
                         Long requestedForId, List<String> attendees) {}

    private static Clean clean(ReservationInput in, boolean creating) {
        ValidationException.Errors errors = new ValidationException.Errors();
        if (creating) {
            if (in.reservableId() == null) errors.add("reservable", "Choose a room or desk.");
            if (in.start() == null) errors.add("start", "Enter a start.");
            if (in.end() == null) errors.add("end", "Enter an end.");
        }
        String subject = in.subject() == null ? null : in.subject().strip();
        if (subject != null && subject.isEmpty()) subject = null;
        if (subject != null && subject.length() > MAX_SUBJECT) errors.add("subject", "Keep the subject under " + MAX_SUBJECT + " characters.");
        String notes = in.notes() == null ? null : in.notes().strip();
        if (notes != null && notes.isEmpty()) notes = null;
        if (notes != null && notes.length() > MAX_NOTES) errors.add("notes", "Keep the notes under " + MAX_NOTES + " characters.");
        List<String> attendees = null;
        if (in.attendees() != null) {
            Set<String> seen = new LinkedHashSet<>();
            List<String> bad = new ArrayList<>();
            for (String raw : in.attendees()) {
                if (raw == null) continue;
                String e = raw.strip();
                if (e.isEmpty()) continue;
                if (e.length() > 320 || !EMAIL.matcher(e).matches()) bad.add(e);
                else seen.add(e.toLowerCase(Locale.ROOT));
            }
            if (!bad.isEmpty()) {
                errors.add("attendees", (bad.size() == 1 ? "This is not an e-mail address: " : "These are not e-mail addresses: ")
                        + String.join(", ", bad.stream().limit(5).map(b -> b.length() > 60 ? b.substring(0, 60) + "…" : b).toList()));
            } else if (seen.size() > MAX_ATTENDEES) {
                errors.add("attendees", "At most " + MAX_ATTENDEES + " attendees.");
            }
            attendees = List.copyOf(seen);
        }
        errors.throwIfAny();
        return new Clean(in.reservableId(), in.start(), in.end(), subject, notes, in.requestedForId(), attendees);
    }

    /**
     * Locks the reservable's row for the rest of the transaction. Waits up to {@link #LOCK_WAIT} for others
     * booking it at the same moment (H2's own default is 2 s, too short for a rush on one popular room).
     */
    private static Reservable lockReservable(Session s, long tenantId, long id) {
        Reservable r;
        try {
            r = s.find(Reservable.class, id, LockModeType.PESSIMISTIC_WRITE, LOCK_WAIT);
        } catch (jakarta.persistence.LockTimeoutException | jakarta.persistence.PessimisticLockException
                 | org.hibernate.PessimisticLockException e) {
            throw new ConflictException("Many people are booking this space right now. Please try again in a moment.");
        }
        if (r == null || !r.tenantId.equals(tenantId)) throw new NotFoundException("Reservable");
        return r;
    }

    /**
     * Refuses a span that overlaps a reservation holding the slot. Half-open intervals: a meeting ending at 10:00
     * does not clash with one starting at 10:00. A locking read, so on MariaDB it sees what transactions that
     * held the reservable's lock before us committed, whatever snapshot this transaction started with.
     */
    private static void refuseOverlap(Session s, Reservable reservable, BookingRules.Span span, Long self) {
        var query = s.createSelectionQuery("from Reservation where reservableId = :rid and state in :holding"
                                + " and startAt < :end and startAt > :lookback and endAt > :start" + (self == null ? "" : " and id <> :self")
                                + " order by startAt", Reservation.class)
                .setParameter("rid", reservable.id).setParameterList("holding", HOLDING)
                .setParameter("start", span.start()).setParameter("end", span.end())
                .setParameter("lookback", BookingRules.lookback(span.start(), reservable.longestReservationMinutes))
                .setLockMode(LockModeType.PESSIMISTIC_WRITE);
        if (self != null) query.setParameter("self", self);
        List<Reservation> clashes = query.getResultList();
        if (!clashes.isEmpty()) {
            Reservation c = clashes.get(0);
            throw new ConflictException(reservable.name + " is already booked " + Times.when(c.startAt, c.endAt, span.zone())
                    + " (" + span.zone().getId() + "). Pick another time or room.");
        }
    }

    private static void checkVersion(Reservation r, Long expectedVersion) {
        if (expectedVersion != null && expectedVersion != r.version) throw stale();
    }

    private static ConflictException stale() {
        return new ConflictException("Someone else changed this reservation meanwhile. Reload it and try again.");
    }

    /** Writes now, so a concurrent change (the @Version check) surfaces as a clear conflict. */
    private static void flush(Session s) {
        try {
            s.flush();
        } catch (jakarta.persistence.OptimisticLockException | org.hibernate.StaleStateException e) {
            throw stale();
        }
    }

    private static Reservation load(Session s, CurrentUser viewer, long id) {
        Reservation r = s.find(Reservation.class, id);
        if (r == null || !r.tenantId.equals(viewer.tenant())) throw new NotFoundException("Reservation");
        return r;
    }

    private static User requestedFor(Session s, CurrentUser actor, long userId) {
        User u = s.find(User.class, userId);
        if (u == null || u.tenantId == null || u.tenantId != actor.tenant()) {
            throw new ValidationException("requestedFor", "Choose a person of your organization.");
        }
        if (!u.active) throw new ValidationException("requestedFor", u.displayName + " has no active account.");
        return u;
    }

    /** Attendees from e-mails: tenant users (matched case-insensitively) become user attendees, others visitors. */
    private static List<Attendee> attendees(Session s, long tenantId, List<String> emails) {
        if (emails.isEmpty()) return List.of();
        Map<String, User> users = s.createSelectionQuery("from User where tenantId = :t and emailLower in :e", User.class)
                .setParameter("t", tenantId).setParameterList("e", emails).getResultList()
                .stream().collect(Collectors.toMap(u -> u.emailLower, Function.identity()));
        List<Attendee> list = new ArrayList<>();
        for (String e : emails) {
            Attendee a = new Attendee();
            User u = users.get(e);
            if (u != null) {
                a.userId = u.id;
                a.email = u.email;
                a.displayName = u.displayName;
            } else {
                a.email = e;
            }
            list.add(a);
        }
        return list;
    }

    private static List<Attendee> attendeesOf(Session s, long reservationId) {
        return s.createSelectionQuery("from Attendee where reservationId = :r order by id", Attendee.class)
                .setParameter("r", reservationId).getResultList();
    }

    private static List<Attendee> copy(List<Attendee> list) {
        return list.stream().map(a -> {
            Attendee c = new Attendee();
            c.userId = a.userId;
            c.email = a.email;
            c.displayName = a.displayName;
            return c;
        }).toList();
    }

    /** Everyone the room must hold: the attendees and the person the reservation is for. */
    private static int people(List<Attendee> attendees, User requestedFor) {
        long others = attendees.stream().filter(a -> !requestedFor.id.equals(a.userId)
                && !a.email.equalsIgnoreCase(requestedFor.email)).count();
        return (int) others + 1;
    }

    private static BookingRules.Limits limits(Reservable r, ReservableModule m) {
        return new BookingRules.Limits(r.name, r.active, r.capacity, m.maxDurationMinutes, m.bookingWindowDays);
    }

    private static String defaultSubject(User requestedFor) {
        return "Reservation for " + requestedFor.displayName;
    }

    private static String attendeeList(List<Attendee> attendees) {
        return attendees.stream().map(a -> a.email.toLowerCase(Locale.ROOT)).sorted().collect(Collectors.joining(", "));
    }

    private static Reservation snapshot(Reservation r) {
        Reservation c = new Reservation();
        c.reservableId = r.reservableId;
        c.startAt = r.startAt;
        c.endAt = r.endAt;
        c.timeZone = r.timeZone;
        c.subject = r.subject;
        c.notes = r.notes;
        c.reservationType = r.reservationType;
        return c;
    }

    /** The audited fields, old -> new (old is null for a new reservation). */
    private static void describe(AuditLog.Changes changes, Reservation before, Reservable oldReservable, ZoneId oldZone,
                                 Reservation after, Reservable reservable, List<Attendee> attendeesOnCreate) {
        ZoneId zone = ZoneId.of(after.timeZone);
        changes.field("reservable", oldReservable == null ? null : oldReservable.name, reservable.name);
        changes.field("start", before == null ? null : Times.stamp(before.startAt, oldZone), Times.stamp(after.startAt, zone));
        changes.field("end", before == null ? null : Times.stamp(before.endAt, oldZone), Times.stamp(after.endAt, zone));
        changes.field("subject", before == null ? null : before.subject, after.subject);
        changes.field("notes", before == null ? null : before.notes, after.notes);
        changes.field("type", before == null ? null : before.reservationType, after.reservationType);
        if (before == null) {
            changes.field("state", null, after.state.label);
            changes.field("attendees", null, attendeesOnCreate.isEmpty() ? null : attendeeList(attendeesOnCreate));
        }
    }

    private ReservationView view(Session s, CurrentUser viewer, Reservation r) {
        return views(s, viewer, List.of(r)).get(0);
    }

    /** Views for many reservations with one query per related table (no N+1). */
    private List<ReservationView> views(Session s, CurrentUser viewer, List<Reservation> list) {
        if (list.isEmpty()) return List.of();
        Map<Long, Reservable> reservables = byId(s, Reservable.class, list.stream().map(r -> r.reservableId).toList(), x -> x.id);
        Map<Long, Building> buildings = byId(s, Building.class, reservables.values().stream().map(x -> x.buildingId).toList(), x -> x.id);
        Map<Long, Floor> floors = byId(s, Floor.class, reservables.values().stream().map(x -> x.floorId).filter(Objects::nonNull).toList(), x -> x.id);
        Set<Long> userIds = new LinkedHashSet<>();
        list.forEach(r -> {
            if (r.requestedById != null) userIds.add(r.requestedById);
            if (r.requestedForId != null) userIds.add(r.requestedForId);
        });
        Map<Long, User> users = byId(s, User.class, userIds, x -> x.id);
        Map<Long, List<Attendee>> attendees = new HashMap<>();
        s.createSelectionQuery("from Attendee where reservationId in :ids order by id", Attendee.class)
                .setParameterList("ids", list.stream().map(r -> r.id).toList()).getResultList()
                .forEach(a -> attendees.computeIfAbsent(a.reservationId, k -> new ArrayList<>()).add(a));
        Instant now = rules.now();
        List<ReservationView> views = new ArrayList<>();
        for (Reservation r : list) {
            Reservable reservable = reservables.get(r.reservableId);
            Floor floor = reservable.floorId == null ? null : floors.get(reservable.floorId);
            views.add(new ReservationView(r, reservable, buildings.get(reservable.buildingId), floor == null ? null : floor.name,
                    person(users.get(r.requestedById)), person(users.get(r.requestedForId)),
                    attendees.getOrDefault(r.id, List.of()), policy.mayChange(viewer, r, now)));
        }
        return views;
    }

    private static Person person(User u) {
        return u == null ? null : new Person(u.id, u.email, u.displayName);
    }

    private static <T> Map<Long, T> byId(Session s, Class<T> type, Collection<Long> ids, Function<T, Long> id) {
        Set<Long> distinct = new LinkedHashSet<>(ids);
        if (distinct.isEmpty()) return Map.of();
        Map<Long, T> map = new LinkedHashMap<>();
        s.createSelectionQuery("from " + type.getSimpleName() + " where id in :ids", type)
                .setParameterList("ids", distinct).getResultList().forEach(x -> map.put(id.apply(x), x));
        return map;
    }
}
