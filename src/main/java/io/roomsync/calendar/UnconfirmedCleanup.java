package io.roomsync.calendar;

import io.roomsync.db.Tx;
import io.roomsync.graph.GraphEvents;
import io.roomsync.graph.GraphFailure;
import io.roomsync.jobs.Jobs;
import io.roomsync.notify.Notifications;
import io.roomsync.reservation.Reservation;
import io.roomsync.reservation.ReservationOutbox;
import io.roomsync.reservation.ReservationState;
import io.roomsync.reservation.Source;
import io.roomsync.tenant.TenantProperties;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.hibernate.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Job {@value #JOB}: Exchange tells nobody when a room declines, so reservations still awaiting confirmation are
 * looked after here. A room that declined on the organizer's copy of the event, or no confirmation within
 * exchange_callback_time_limit, makes the reservation Rejected and tells its user. Once
 * cancel_unconfirmed_reservations has passed, a reservation that was not confirmed is cancelled, and so is its
 * Exchange event (through the outbox, like any cancel). Both limits count from when it last started waiting for the
 * room's answer (booked, moved onto a synced room, or its time or room changed), not from the booking.
 * (Confirmation itself, when the room's copy arrives, is the inbound sync's.)
 */
public final class UnconfirmedCleanup {
    public static final String JOB = "unconfirmed-cleanup";
    private static final Logger log = LoggerFactory.getLogger(UnconfirmedCleanup.class);
    private static final int BATCH = 200;

    private final Tx tx;
    private final Clock clock;
    private final ProviderClients providerClients;
    private final GraphEvents graphEvents;
    private final TenantProperties properties;
    private final Notifications notifications;
    private final Jobs jobs;
    private final SyncOutbox outbox;

    public UnconfirmedCleanup(Tx tx, Clock clock, ProviderClients providerClients, GraphEvents graphEvents,
                              TenantProperties properties, Notifications notifications, Jobs jobs, SyncOutbox outbox) {
        this.tx = tx;
        this.clock = clock;
        this.providerClients = providerClients;
        this.graphEvents = graphEvents;
        this.properties = properties;
        this.notifications = notifications;
        this.jobs = jobs;
        this.outbox = outbox;
    }

    /** A reservation awaiting confirmation, with what is needed to ask its Exchange event about the room's answer. */
    private record Pending(long reservationId, long tenantId, Long providerId, String organizerMailbox, String eventId,
                           String roomEmail) {}

    public void run() {
        // Room declines: ask each awaiting reservation's organizer copy, page by page (Graph outside transactions).
        long after = 0;
        while (true) {
            long from = after;
            List<Pending> page = tx.call(s -> awaiting(s, from));
            if (page.isEmpty()) break;
            after = page.get(page.size() - 1).reservationId();
            for (Pending p : page) checkRoomAnswer(p);
            if (page.size() < BATCH) break;
        }
        // Time limits: one transaction per reservation, so a person editing one meanwhile does not stop the rest.
        boolean enqueued = false;
        after = 0;
        while (true) {
            long from = after;
            List<Long> ids = tx.call(s -> unconfirmed(s, from));
            if (ids.isEmpty()) break;
            after = ids.get(ids.size() - 1);
            for (long id : ids) {
                try {
                    enqueued |= tx.call(s -> timeLimits(s, id));
                } catch (RuntimeException e) {
                    log.warn("Reservation {} was not checked against the confirmation time limits: {}", id, e.toString());
                }
            }
            if (ids.size() < BATCH) break;
        }
        if (enqueued) jobs.wake(SyncOutbox.JOB);
    }

    private void checkRoomAnswer(Pending p) {
        if (p.providerId() == null || p.eventId() == null || p.organizerMailbox() == null || p.roomEmail() == null) return;
        String response;
        try {
            response = graphEvents.attendeeResponse(providerClients.app(p.tenantId(), p.providerId()), p.organizerMailbox(),
                    p.eventId(), p.roomEmail());
        } catch (GraphFailure f) {
            // Asked again on the next run; the time limit still applies meanwhile.
            log.info("Could not read the room's answer for reservation {}: {}", p.reservationId(), f.toString());
            return;
        }
        if ("declined".equalsIgnoreCase(response)) {
            tx.run(s -> reject(s, p.reservationId(), "The room declined the meeting in Exchange."));
        }
    }

    private List<Pending> awaiting(Session s, long after) {
        List<Reservation> list = s.createSelectionQuery("from Reservation where state = :a and createdSource <> :x"
                        + " and externalEventId is not null and id > :after order by id", Reservation.class)
                .setParameter("a", ReservationState.AWAITING_CONFIRMATION).setParameter("x", Source.EXCHANGE)
                .setParameter("after", after).setMaxResults(BATCH).getResultList();
        List<Pending> out = new ArrayList<>();
        for (Reservation r : list) {
            SyncEvent create = SyncOutbox.lastCreate(s, r.id);
            // The room it is in now: moved from one synced room to another, the event invites the new one.
            SyncConfiguration config = SyncOutbox.activeConfiguration(s, r.reservableId);
            if (config == null && create != null && create.syncConfigurationId != null) {
                config = s.find(SyncConfiguration.class, create.syncConfigurationId);
            }
            out.add(new Pending(r.id, r.tenantId, create == null ? null : create.providerId, create == null ? null : create.mailbox,
                    r.externalEventId, config == null ? null : config.mailboxEmail));
        }
        return out;
    }

    /** Synced reservations made in Roomsync that are not confirmed (awaiting, or rejected and not yet cancelled). */
    private List<Long> unconfirmed(Session s, long after) {
        return s.createSelectionQuery("select id from Reservation where state in :states and createdSource <> :x"
                        + " and syncState <> :notSynced and id > :after order by id", Long.class)
                .setParameterList("states", List.of(ReservationState.AWAITING_CONFIRMATION, ReservationState.REJECTED))
                .setParameter("x", Source.EXCHANGE).setParameter("notSynced", io.roomsync.reservation.SyncState.NOT_SYNCED)
                .setParameter("after", after).setMaxResults(BATCH).getResultList();
    }

    /** Rejects it when it waited too long, cancels it when it stayed unconfirmed too long; true when a cancel was enqueued. */
    private boolean timeLimits(Session s, long id) {
        Instant now = clock.instant();
        Reservation r = s.find(Reservation.class, id);
        if (r == null || r.awaitingSince == null) return false;
        boolean cancelDue = !r.awaitingSince.plus(properties.cancelUnconfirmedReservations(s, r.tenantId)).isAfter(now);
        boolean callbackOver = !r.awaitingSince.plus(properties.exchangeCallbackTimeLimit(s, r.tenantId)).isAfter(now);
        if (r.state == ReservationState.AWAITING_CONFIRMATION && (callbackOver || cancelDue)) {
            reject(s, r.id, "Exchange did not confirm the room within the time limit.");
        }
        if (!cancelDue || r.state != ReservationState.REJECTED) return false;
        r.state = ReservationState.CANCELLED;
        r.updatedSource = Source.SYSTEM;
        r.updatedSubSource = Source.SYSTEM.subSource;
        r.updatedAt = now;
        s.flush();
        return outbox.changed(s, r, ReservationOutbox.Change.DELETE, null);
    }

    private void reject(Session s, long reservationId, String why) {
        Reservation r = s.find(Reservation.class, reservationId);
        if (r == null || r.state != ReservationState.AWAITING_CONFIRMATION) return;
        r.state = ReservationState.REJECTED;
        r.updatedSource = Source.SYSTEM;
        r.updatedSubSource = Source.SYSTEM.subSource;
        r.updatedAt = clock.instant();
        tellRejected(notifications, s, r, why);
    }

    /** Tells the user it was booked for that the room did not take the reservation (also when inbound sync saw it). */
    static void tellRejected(Notifications notifications, Session s, Reservation r, String why) {
        if (r.requestedForId == null) return;
        notifications.toUser(s, r.tenantId, r.requestedForId, "reservation-rejected",
                "Your reservation \"" + r.subject + "\" was rejected", why, "/reservations/" + r.id);
    }
}
