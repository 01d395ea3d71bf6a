package io.roomsync.calendar;

import io.roomsync.db.Tx;
import io.roomsync.graph.GraphClientFactory;
import io.roomsync.graph.GraphEvents;
import io.roomsync.graph.GraphFailure;
import io.roomsync.location.Building;
import io.roomsync.location.Reservable;
import io.roomsync.location.ReservableModule;
import io.roomsync.location.ShowAs;
import io.roomsync.notify.Notifications;
import io.roomsync.reservation.Attendee;
import io.roomsync.reservation.Reservation;
import io.roomsync.reservation.SyncMailbox;
import io.roomsync.reservation.SyncState;
import io.roomsync.tenant.TenantProperties;
import io.roomsync.tenant.User;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.hibernate.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains the outbox (job {@value SyncOutbox#JOB}): claims due outbound sync events, calls Graph for each outside
 * any transaction, then records the outcome in a transaction of its own.
 *
 * <p>Claiming: due events (New and due, or Processing with an expired claim: a node that died mid-call) that are
 * the oldest unfinished event of their reservation, so a reservation's create, updates and cancel reach Exchange in
 * order; locked with {@code FOR UPDATE SKIP LOCKED} so nodes never wait for each other, marked Processing with
 * this node's name and a claim deadline, committed. A crash after the Graph call and before the outcome commits
 * leaves the event claimed; when the claim expires it is sent again, and the create's transactionId makes Graph
 * answer with the event it already made instead of a second one.
 *
 * <p>Failures: throttling, 5xx and unreachable providers are retried later (Retry-After or exponential backoff
 * with jitter, whichever is longer; the thread never sleeps) up to max_event_retry_count; anything else is an
 * Error at once. An Error marks the reservation's sync state Error and tells the tenant's sync admins.
 */
public final class OutboxWorker {
    private static final Logger log = LoggerFactory.getLogger(OutboxWorker.class);
    static final Duration CLAIM = Duration.ofMinutes(2);
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(10);
    static final Duration LONGEST_BACKOFF = Duration.ofHours(1);
    static final int BATCH = 20;
    /**
     * Claimed events are sent this many at a time: one at a time, the drain was bound by the Graph round trip
     * (about 13 events/s in the bulk benchmark). A claim holds at most one event per reservation, so parallel
     * sends never reorder one reservation's changes; Graph allows 4 concurrent requests per mailbox.
     */
    static final int PARALLEL = 4;
    private static final java.util.concurrent.ThreadPoolExecutor SENDERS = senders();
    /** "UTC" as Graph spells it (ZoneOffset.UTC's id would be "Z"). */
    private static final ZoneId UTC = ZoneId.of("UTC");

    private final Tx tx;
    private final Clock clock;
    private final ProviderClients providerClients;
    private final GraphEvents graphEvents;
    private final TenantProperties properties;
    private final Notifications notifications;
    private final String node;

    public OutboxWorker(Tx tx, Clock clock, ProviderClients providerClients, GraphEvents graphEvents,
                        TenantProperties properties, Notifications notifications, String node) {
        this.tx = tx;
        this.clock = clock;
        this.providerClients = providerClients;
        this.graphEvents = graphEvents;
        this.properties = properties;
        this.notifications = notifications;
        this.node = node;
    }

    /** The job: send everything that is due, batch after batch, until nothing is left. */
    public void drain() {
        while (true) {
            List<Long> claimed = claim(node, BATCH);
            if (claimed.isEmpty()) return;
            List<java.util.concurrent.Future<?>> sends = new ArrayList<>();
            for (long id : claimed) sends.add(SENDERS.submit(() -> process(id)));
            for (java.util.concurrent.Future<?> f : sends) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    log.error("Sync event could not be processed", e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static java.util.concurrent.ThreadPoolExecutor senders() {
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.ThreadPoolExecutor pool = new java.util.concurrent.ThreadPoolExecutor(PARALLEL, PARALLEL, 30,
                java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "outbox-sender-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    // ---------------------------------------------------------------------------------------------- claiming

    /** Claims up to limit due events for the named node and commits the claim; returns their ids. */
    List<Long> claim(String claimer, int limit) {
        return tx.call(s -> {
            Instant now = clock.instant();
            List<Long> candidates = s.createNativeQuery("select e.id from sync_event e where e.direction = 'OUTBOUND'"
                            + " and ((e.state = 'NEW' and e.next_attempt_at <= :now) or (e.state = 'PROCESSING' and e.claimed_until < :now))"
                            + " and not exists (select 1 from sync_event p where p.reservation_id = e.reservation_id and p.id < e.id"
                            + " and p.direction = 'OUTBOUND' and p.state in ('NEW', 'PROCESSING'))"
                            + " order by e.next_attempt_at, e.id", Long.class)
                    .setParameter("now", now).setMaxResults(limit).getResultList();
            if (candidates.isEmpty()) return List.of();
            // Another node may have claimed some since the read above: lock only what is still due, skip what it holds.
            List<Long> locked = s.createNativeQuery("select id from sync_event where id in (:ids)"
                            + " and ((state = 'NEW' and next_attempt_at <= :now) or (state = 'PROCESSING' and claimed_until < :now))"
                            + " for update skip locked", Long.class)
                    .setParameterList("ids", candidates).setParameter("now", now).getResultList();
            if (locked.isEmpty()) return List.of();
            s.createMutationQuery("update SyncEvent set state = :p, claimedBy = :me, claimedUntil = :until, updatedAt = :now"
                            + " where id in :ids")
                    .setParameter("p", SyncEvent.State.PROCESSING).setParameter("me", claimer)
                    .setParameter("until", now.plus(CLAIM)).setParameter("now", now)
                    .setParameterList("ids", locked).executeUpdate();
            return locked.stream().map(Number::longValue).sorted().toList();
        });
    }

    // -------------------------------------------------------------------------------------------- processing

    /** What one claimed event asks for, read in one short transaction. */
    record Work(long eventId, long tenantId, Long reservationId, Long providerId, String mailbox, SyncEvent.Type type,
                String externalEventId, boolean noRequest, GraphEvents.Draft draft, String roomEmail, String problem,
                String skip) {}

    /** The result of the Graph call (or of not making one). */
    record Outcome(SyncEvent.State state, GraphEvents.Saved saved, String providerPayload, String providerResponse,
                   GraphFailure failure, String message, boolean gone) {}

    /** Sends one claimed event and records the outcome; does nothing if the claim is no longer ours. */
    void process(long eventId) {
        Work work;
        try {
            work = tx.call(s -> prepare(s, eventId, node));
        } catch (RuntimeException e) {
            log.error("Sync event {} could not be prepared", eventId, e);
            record(eventId, node, null, new Outcome(SyncEvent.State.ERROR, null, null, null, null,
                    "Roomsync could not build the request: " + e.getMessage(), false));
            return;
        }
        if (work == null) return;
        Outcome outcome;
        try {
            outcome = send(work);
        } catch (RuntimeException e) {
            // Not Graph's answer but ours (e.g. the provider was deleted meanwhile): retrying will not help.
            log.error("Sync event {} could not be sent", eventId, e);
            outcome = new Outcome(SyncEvent.State.ERROR, null, null, null, null, "Roomsync could not send the request: " + e.getMessage(), false);
        }
        try {
            record(eventId, node, work, outcome);
        } catch (RuntimeException e) {
            // An outcome that can't be written (e.g. Graph's iCalUId already held by another reservation) must not
            // abort the batch: the rest of it would stay claimed, and this event would fail the same way every claim.
            log.error("Outcome of sync event {} could not be recorded", eventId, e);
            record(eventId, node, work, new Outcome(SyncEvent.State.ERROR, null, outcome.providerPayload(), outcome.providerResponse(),
                    null, "Roomsync could not record Graph's answer: " + e.getMessage(), false));
        }
    }

    Work prepare(Session s, long eventId, String claimer) {
        SyncEvent e = s.find(SyncEvent.class, eventId);
        if (e == null || e.state != SyncEvent.State.PROCESSING || !claimer.equals(e.claimedBy)) return null;
        Reservation r = e.reservationId == null ? null : s.find(Reservation.class, e.reservationId);
        SyncConfiguration config = e.syncConfigurationId == null ? null : s.find(SyncConfiguration.class, e.syncConfigurationId);
        String problem = null;
        if (r == null) problem = "The reservation no longer exists.";
        else if (e.providerId == null) problem = "The sync event names no calendar provider.";
        else if (e.mailbox == null || e.mailbox.isBlank()) {
            problem = r.syncMailbox == SyncMailbox.OTHER
                    ? "The provider has no delegated user e-mail, which Strict mode needs as the organizer's mailbox."
                    : "The reservation's user has no e-mail address.";
        }
        if (problem != null) {
            return new Work(e.id, e.tenantId, e.reservationId, e.providerId, e.mailbox, e.eventType, null, false, null, null, problem, null);
        }
        String externalId = r.externalEventId != null ? r.externalEventId : e.externalEventId;
        if (e.eventType == SyncEvent.Type.CREATE && externalId == null && !r.state.holdsSlot()) {
            // Cancelled before its create went out: making the event only to cancel it would let the room's copy
            // arrive with an iCalUId no reservation knows yet, and inbound would take it for a foreign meeting.
            return new Work(e.id, e.tenantId, r.id, e.providerId, e.mailbox, e.eventType, null, false, null, null, null,
                    "The reservation was " + r.state.label.toLowerCase(Locale.ROOT) + " before it reached Exchange: nothing to create.");
        }
        GraphEvents.Draft draft = e.eventType == SyncEvent.Type.DELETE ? null : draft(s, e, r, config);
        boolean noRequest = config != null && config.noRequest;
        return new Work(e.id, e.tenantId, r.id, e.providerId, e.mailbox, e.eventType, externalId, noRequest, draft,
                config == null ? null : config.mailboxEmail, null, null);
    }

    private GraphEvents.Draft draft(Session s, SyncEvent e, Reservation r, SyncConfiguration config) {
        Reservable room = s.find(Reservable.class, r.reservableId);
        Building building = s.find(Building.class, room.buildingId);
        ReservableModule module = s.find(ReservableModule.class, room.moduleId);
        User requestedFor = r.requestedForId == null ? null : s.find(User.class, r.requestedForId);
        ZoneId zone = zone(s, r.tenantId, requestedFor, building);
        List<GraphEvents.Invitee> invitees = new ArrayList<>();
        String organizer = e.mailbox.toLowerCase(Locale.ROOT);
        java.util.Set<String> seen = new java.util.HashSet<>();
        seen.add(organizer);
        if (requestedFor != null && seen.add(requestedFor.emailLower)) {
            invitees.add(new GraphEvents.Invitee(requestedFor.email, requestedFor.displayName, false));
        }
        for (Attendee a : s.createSelectionQuery("from Attendee where reservationId = :r order by id", Attendee.class)
                .setParameter("r", r.id).getResultList()) {
            if (seen.add(a.email.toLowerCase(Locale.ROOT))) invitees.add(new GraphEvents.Invitee(a.email, a.displayName, false));
        }
        String roomEmail = config != null ? config.mailboxEmail : room.email;
        if (roomEmail != null && seen.add(roomEmail.toLowerCase(Locale.ROOT))) {
            invitees.add(new GraphEvents.Invitee(roomEmail, room.name, true));
        }
        boolean firstCreate = e.eventType != SyncEvent.Type.DELETE && isFirstCreate(s, r.id, e.id);
        // The same transactionId on every retry of the reservation's create: Graph answers with the event it made.
        String transactionId = firstCreate ? "rs-" + r.id : "rs-" + r.id + "-" + e.id;
        return new GraphEvents.Draft(r.subject, body(r.notes), LocalDateTime.ofInstant(r.startAt, zone),
                LocalDateTime.ofInstant(r.endAt, zone), zone.getId(), module != null && module.showAs == ShowAs.FREE,
                room.name, roomEmail, invitees, transactionId, r.id);
    }

    private static boolean isFirstCreate(Session s, long reservationId, long eventId) {
        Long earlier = s.createSelectionQuery("select count(*) from SyncEvent where reservationId = :r and direction = :d"
                        + " and eventType = :t and id < :id", Long.class)
                .setParameter("r", reservationId).setParameter("d", SyncEvent.Direction.OUTBOUND)
                .setParameter("t", SyncEvent.Type.CREATE).setParameter("id", eventId).getSingleResult();
        return earlier == 0;
    }

    /** use_user_default_tz: the requested-for user's zone first; then use_default_tz: the building's zone or UTC. */
    private ZoneId zone(Session s, long tenantId, User user, Building building) {
        if (properties.useUserDefaultTz(s, tenantId) && user != null && user.timeZone != null && !user.timeZone.isBlank()) {
            try {
                return ZoneId.of(user.timeZone);
            } catch (java.time.DateTimeException ignored) {
                // an unknown zone falls back to the default below
            }
        }
        return properties.useBuildingTz(s, tenantId) ? building.zone() : UTC;
    }

    /** Notes become the event body, escaped, line breaks kept. */
    static String body(String notes) {
        if (notes == null || notes.isBlank()) return "";
        String escaped = notes.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
        return "<p>" + escaped.replace("\r\n", "\n").replace("\n", "<br>") + "</p>";
    }

    /** The Graph call, outside any transaction. */
    Outcome send(Work w) {
        if (w.problem() != null) return new Outcome(SyncEvent.State.ERROR, null, null, null, null, w.problem(), false);
        if (w.skip() != null) return new Outcome(SyncEvent.State.SKIPPED, null, null, null, null, w.skip(), false);
        String payload = w.draft() == null ? null
                : SyncOutbox.pretty(GraphEvents.json(w.draft(), w.type() == SyncEvent.Type.CREATE || w.externalEventId() == null));
        if (w.noRequest()) {
            return new Outcome(SyncEvent.State.PROCESSED, null, payload, null, null, null, false);
        }
        try {
            GraphClientFactory.GraphApp app = providerClients.app(w.tenantId(), w.providerId());
            switch (w.type()) {
                case CREATE:
                case UPDATE: {
                    GraphEvents.Saved saved = w.externalEventId() == null
                            ? graphEvents.create(app, w.mailbox(), w.draft())
                            : graphEvents.update(app, w.mailbox(), w.externalEventId(), w.draft());
                    return new Outcome(SyncEvent.State.PROCESSED, saved, payload, response(saved), null, null, false);
                }
                case DELETE: {
                    if (w.externalEventId() == null) {
                        return new Outcome(SyncEvent.State.SKIPPED, null, null, null, null,
                                "The reservation never reached Exchange: nothing to cancel.", false);
                    }
                    String comment = "Cancelled in Roomsync.";
                    try {
                        graphEvents.cancel(app, w.mailbox(), w.externalEventId(), comment);
                        payload = SyncOutbox.pretty(Map.of("comment", comment));
                    } catch (GraphFailure f) {
                        // Only an organizer can cancel; an event we do not organize is deleted instead.
                        if (f.kind() != GraphFailure.Kind.INVALID_REQUEST) throw f;
                        graphEvents.delete(app, w.mailbox(), w.externalEventId());
                    }
                    return new Outcome(SyncEvent.State.PROCESSED, null, payload, null, null, null, true);
                }
                default:
                    return new Outcome(SyncEvent.State.SKIPPED, null, payload, null, null, "Not an outbound change.", false);
            }
        } catch (GraphFailure f) {
            if (w.type() == SyncEvent.Type.DELETE && f.kind() == GraphFailure.Kind.NOT_FOUND) {
                // Already gone from Exchange: what a cancel wants.
                return new Outcome(SyncEvent.State.PROCESSED, null, payload, failureJson(f), null, null, true);
            }
            return new Outcome(null, null, payload, failureJson(f), f, f.getMessage(), false);
        }
    }

    private static String response(GraphEvents.Saved saved) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("id", saved.id());
        o.put("iCalUId", saved.iCalUId());
        if (saved.webLink() != null) o.put("webLink", saved.webLink());
        return SyncOutbox.pretty(o);
    }

    private static String failureJson(GraphFailure f) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("status", f.status());
        error.put("code", f.code());
        error.put("message", f.getMessage());
        error.put("requestId", f.requestId());
        if (f.retryAfter() != null) error.put("retryAfterSeconds", f.retryAfter().toMillis() / 1000.0);
        return SyncOutbox.pretty(Map.of("error", error));
    }

    // --------------------------------------------------------------------------------------------- recording

    /** Writes the outcome, unless another node took the event over meanwhile (its claim expired). */
    void record(long eventId, String claimer, Work work, Outcome o) {
        tx.run(s -> {
            SyncEvent e = s.find(SyncEvent.class, eventId);
            if (e == null || e.state != SyncEvent.State.PROCESSING || !claimer.equals(e.claimedBy)) {
                log.warn("Sync event {} was taken over by another worker; its outcome here is dropped", eventId);
                return;
            }
            Instant now = clock.instant();
            e.updatedAt = now;
            e.claimedBy = null;
            e.claimedUntil = null;
            if (o.providerPayload() != null) e.providerPayload = o.providerPayload();
            if (o.providerResponse() != null) e.providerResponse = o.providerResponse();
            e.attempts++;
            if (o.failure() == null && o.state() != SyncEvent.State.ERROR) {
                succeeded(s, e, o, now);
                return;
            }
            GraphFailure f = o.failure();
            e.errorMessage = truncate(o.message(), 4000);
            e.graphRequestId = f == null ? null : f.requestId();
            e.errorOrigin = f == null || f.status() == 0 ? SyncEvent.ErrorOrigin.NOT_SENT : SyncEvent.ErrorOrigin.REJECTED;
            int maxRetries = properties.maxEventRetryCount(s, e.tenantId);
            if (f != null && f.retryable() && e.attempts <= maxRetries) {
                e.state = SyncEvent.State.NEW;
                e.nextAttemptAt = now.plus(delay(e.attempts, f.retryAfter()));
                return;
            }
            e.state = SyncEvent.State.ERROR;
            e.processedAt = now;
            if (e.reservationId != null) setSyncState(s, e.reservationId, SyncState.ERROR);
            String what = e.eventType.name().toLowerCase(Locale.ROOT);
            notifications.toSyncAdmins(s, e.tenantId, "sync-event-error",
                    "A reservation could not be synchronized with Exchange (" + what + ")",
                    (f != null && f.retryable() ? "Gave up after " + e.attempts + " attempts: " : "") + e.errorMessage,
                    "/admin/sync/events/" + e.id);
        });
    }

    private void succeeded(Session s, SyncEvent e, Outcome o, Instant now) {
        e.state = o.state();
        e.processedAt = now;
        e.errorMessage = o.message();
        e.errorOrigin = null;
        if (e.reservationId == null) return;
        boolean more = s.createSelectionQuery("select count(*) from SyncEvent where reservationId = :r and direction = :d"
                        + " and id > :id and state in :open", Long.class)
                .setParameter("r", e.reservationId).setParameter("d", SyncEvent.Direction.OUTBOUND).setParameter("id", e.id)
                .setParameterList("open", List.of(SyncEvent.State.NEW, SyncEvent.State.PROCESSING)).getSingleResult() > 0;
        SyncState state = more ? SyncState.ENQUEUED : SyncState.SYNCHRONIZED;
        if (o.saved() != null) {
            e.externalEventId = o.saved().id();
            // Bulk updates leave the reservation's version alone: a person editing it meanwhile is not refused.
            s.createMutationQuery("update Reservation set externalEventId = :id, externalIcalUid = :ical, syncState = :st where id = :r")
                    .setParameter("id", o.saved().id()).setParameter("ical", o.saved().iCalUId())
                    .setParameter("st", state).setParameter("r", e.reservationId).executeUpdate();
        } else if (o.gone()) {
            Reservation r = s.find(Reservation.class, e.reservationId);
            boolean stillBooked = r != null && r.state.holdsSlot();
            if (stillBooked && !more) {
                // Moved off every synced room: no Exchange event any more, and no room copy of it. A room event id left
                // behind would keep a later move back from matching the new room copy before its create is recorded.
                s.createMutationQuery("update Reservation set externalEventId = null, externalIcalUid = null, roomEventId = null,"
                                + " syncState = :st where id = :r")
                        .setParameter("st", SyncState.NOT_SYNCED).setParameter("r", e.reservationId).executeUpdate();
            } else {
                setSyncState(s, e.reservationId, state);
            }
        } else if (e.state == SyncEvent.State.PROCESSED || e.state == SyncEvent.State.SKIPPED) {
            setSyncState(s, e.reservationId, state);
        }
    }

    private static void setSyncState(Session s, long reservationId, SyncState state) {
        s.createMutationQuery("update Reservation set syncState = :st where id = :r")
                .setParameter("st", state).setParameter("r", reservationId).executeUpdate();
    }

    /** max(Retry-After, exponential backoff with ±20 % jitter, capped). */
    static Duration delay(int attempts, Duration retryAfter) {
        long base = FIRST_BACKOFF.toMillis() << Math.min(20, Math.max(0, attempts - 1));
        long capped = Math.min(base, LONGEST_BACKOFF.toMillis());
        long jittered = (long) (capped * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble()));
        Duration backoff = Duration.ofMillis(Math.min(jittered, LONGEST_BACKOFF.toMillis()));
        return retryAfter != null && retryAfter.compareTo(backoff) > 0 ? retryAfter : backoff;
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
