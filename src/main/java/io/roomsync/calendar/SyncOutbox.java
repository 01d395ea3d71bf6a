package io.roomsync.calendar;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.roomsync.jobs.Jobs;
import io.roomsync.location.Reservable;
import io.roomsync.reservation.Attendee;
import io.roomsync.reservation.Reservation;
import io.roomsync.reservation.ReservationOutbox;
import io.roomsync.reservation.Source;
import io.roomsync.reservation.SyncMailbox;
import io.roomsync.reservation.SyncState;
import io.roomsync.tenant.SyncIntegrationMode;
import io.roomsync.tenant.TenantProperties;
import io.roomsync.tenant.User;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hibernate.Session;

/**
 * The transactional outbox of outbound sync: a reservation change on a room with an active sync configuration
 * writes a sync event (state New, due now) in the reservation's own transaction. {@link OutboxWorker} sends it.
 *
 * <p>Which mailbox organizes the Exchange event is decided once, when the event is first created: Normal mode
 * the requested-for user's, Strict mode the provider's delegated user's. Later updates and the cancel go to the
 * mailbox the create went to (the sync event of the create remembers it), whatever changed since.
 */
public final class SyncOutbox implements ReservationOutbox {
    public static final String JOB = "outbox";
    static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final Clock clock;
    private final Jobs jobs;
    private final TenantProperties properties;

    public SyncOutbox(Clock clock, Jobs jobs, TenantProperties properties) {
        this.clock = clock;
        this.jobs = jobs;
        this.properties = properties;
    }

    /** True when Exchange will confirm: a No request configuration sends nothing, so nobody would ever confirm. */
    @Override
    public boolean syncs(Session s, long reservableId) {
        SyncConfiguration config = activeConfiguration(s, reservableId);
        return config != null && !config.noRequest;
    }

    @Override
    public boolean changed(Session s, Reservation r, Change change, Reservation before) {
        if (r.updatedSource == Source.EXCHANGE) return false;
        SyncConfiguration config = activeConfiguration(s, r.reservableId);
        boolean inExchange = r.syncState != SyncState.NOT_SYNCED;
        SyncEvent.Type type;
        switch (change) {
            case CREATE:
                if (config == null) return false;
                type = SyncEvent.Type.CREATE;
                break;
            case UPDATE:
                if (!inExchange) {
                    // moved onto a synced room: its first Exchange event
                    if (config == null) return false;
                    type = SyncEvent.Type.CREATE;
                } else {
                    // moved off every synced room: the event goes away; otherwise it follows the change
                    type = config == null ? SyncEvent.Type.DELETE : SyncEvent.Type.UPDATE;
                }
                break;
            case DELETE:
                if (!inExchange) return false;
                type = SyncEvent.Type.DELETE;
                break;
            default:
                throw new IllegalStateException("unhandled change " + change);
        }
        Instant now = clock.instant();
        SyncEvent e = new SyncEvent();
        e.tenantId = r.tenantId;
        e.reservationId = r.id;
        e.direction = SyncEvent.Direction.OUTBOUND;
        e.eventType = type;
        e.state = SyncEvent.State.NEW;
        e.attempts = 0;
        e.nextAttemptAt = now;
        e.createdAt = now;
        e.updatedAt = now;
        if (type == SyncEvent.Type.CREATE) {
            // A new event gets a new room copy: inbound sync matches that copy to an awaiting reservation only while
            // no room copy is recorded for it.
            r.roomEventId = null;
            e.syncConfigurationId = config.id;
            e.providerId = config.providerId;
            SyncIntegrationMode mode = properties.mode(s, r.tenantId);
            if (mode == SyncIntegrationMode.Strict) {
                CalendarProvider provider = s.find(CalendarProvider.class, config.providerId);
                e.mailbox = provider.delegatedUserEmail;
                r.syncMailbox = SyncMailbox.OTHER;
            } else {
                User user = r.requestedForId == null ? null : s.find(User.class, r.requestedForId);
                e.mailbox = user == null ? null : user.email;
                r.syncMailbox = SyncMailbox.USER;
            }
        } else {
            SyncEvent create = lastCreate(s, r.id);
            e.syncConfigurationId = config != null ? config.id : create == null ? null : create.syncConfigurationId;
            e.providerId = create != null ? create.providerId : config == null ? null : config.providerId;
            e.mailbox = create == null ? null : create.mailbox;
            e.externalEventId = r.externalEventId;
        }
        if (change == Change.UPDATE && r.state.holdsSlot()) {
            // Moved onto a synced room, or given another time or room while synced: that room's mailbox has to accept
            // it (again), and may decline. Moved off: nobody will confirm.
            boolean roomAsked = type == SyncEvent.Type.CREATE || type == SyncEvent.Type.UPDATE && movedOrRetimed(before, r);
            if (roomAsked && !config.noRequest) r.awaitConfirmation(now);
            if (type == SyncEvent.Type.DELETE && r.state == io.roomsync.reservation.ReservationState.AWAITING_CONFIRMATION) {
                r.state = io.roomsync.reservation.ReservationState.CONFIRMED;
            }
        }
        e.ourPayload = snapshot(s, r, config);
        s.persist(e);
        r.syncState = SyncState.ENQUEUED;
        return true;
    }

    private static boolean movedOrRetimed(Reservation before, Reservation r) {
        return !before.reservableId.equals(r.reservableId) || !before.startAt.equals(r.startAt) || !before.endAt.equals(r.endAt);
    }

    @Override
    public void wake() {
        jobs.wake(JOB);
    }

    static SyncConfiguration activeConfiguration(Session s, long reservableId) {
        return s.createSelectionQuery("from SyncConfiguration where reservableId = :r and active = true", SyncConfiguration.class)
                .setParameter("r", reservableId).uniqueResult();
    }

    /** The reservation's most recent outbound create: it says which provider and mailbox hold its event. */
    static SyncEvent lastCreate(Session s, long reservationId) {
        return s.createSelectionQuery("from SyncEvent where reservationId = :r and direction = :d and eventType = :t order by id desc",
                        SyncEvent.class)
                .setParameter("r", reservationId).setParameter("d", SyncEvent.Direction.OUTBOUND)
                .setParameter("t", SyncEvent.Type.CREATE).setMaxResults(1).uniqueResult();
    }

    /** The reservation as it was when the change was made, for the sync event's record. */
    private static String snapshot(Session s, Reservation r, SyncConfiguration config) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("id", r.id);
        o.put("version", r.version);
        o.put("state", r.state.name());
        o.put("subject", r.subject);
        o.put("notes", r.notes);
        o.put("start", r.startAt.toString());
        o.put("end", r.endAt.toString());
        o.put("timeZone", r.timeZone);
        Reservable reservable = s.find(Reservable.class, r.reservableId);
        o.put("reservable", reservable == null ? null : reservable.name);
        o.put("roomMailbox", config == null ? null : config.mailboxEmail);
        User user = r.requestedForId == null ? null : s.find(User.class, r.requestedForId);
        o.put("requestedFor", user == null ? null : user.email);
        List<String> attendees = new ArrayList<>();
        s.createSelectionQuery("from Attendee where reservationId = :r order by id", Attendee.class)
                .setParameter("r", r.id).getResultList().forEach(a -> attendees.add(a.email));
        o.put("attendees", attendees);
        o.put("syncMailbox", r.syncMailbox == null ? null : r.syncMailbox.name());
        o.put("source", r.updatedSource == null ? null : r.updatedSource.name());
        return pretty(o);
    }

    static String pretty(Object o) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
