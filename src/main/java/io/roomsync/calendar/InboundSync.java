package io.roomsync.calendar;

import io.roomsync.db.Tx;
import io.roomsync.graph.GraphClientFactory.GraphApp;
import io.roomsync.graph.GraphDelta;
import io.roomsync.graph.GraphFailure;
import io.roomsync.notify.Notifications;
import io.roomsync.audit.AuditLog;
import jakarta.persistence.LockModeType;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.hibernate.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Inbound sync (Exchange -> Roomsync). The "inbox" job claims due CHANGE and RESYNC items ({@code FOR UPDATE SKIP
 * LOCKED}, then a claim column, so several nodes never take the same item), coalesces them per subscription (any
 * number of items for one mailbox is one pull), and pulls the room mailbox's calendarView/delta: from the stored
 * delta link, or over the whole window when there is none. Each page's changes commit in their own transaction; the
 * new delta link commits with the last page's changes and the deletion of the items, so a crash repeats a pull
 * rather than losing one. Throttling and outages release the items for later (Retry-After), never sleeping.
 */
public final class InboundSync {
    public static final String JOB = "inbox";
    public static final String SAFETY_NET_JOB = "safety-net-resync";
    private static final Logger log = LoggerFactory.getLogger(InboundSync.class);

    static final int CLAIM_BATCH = 500;
    static final int PAGE_SIZE = 100;
    static final int DEFAULT_HORIZON_DAYS = 90;
    /** A full round starts this many days before today (never before the subscription's sync start). */
    static final int LOOK_BACK_DAYS = 1;
    /**
     * A full round reads this many days past the booking horizon, so that its window (which Graph keeps inside the
     * delta link) has to move only about once a week rather than on every new day.
     */
    static final int WINDOW_AHEAD_DAYS = 7;
    /**
     * The window moves (the delta link is dropped for a full round) once its end is no more than this many days past
     * today + the booking horizon: until then it holds the last bookable day whatever the building's time zone.
     */
    static final int WINDOW_MARGIN_DAYS = 1;
    static final Duration CLAIM_FOR = Duration.ofMinutes(5);
    static final Duration DEFAULT_RETRY = Duration.ofSeconds(30);
    static final Duration LONGEST_RETRY = Duration.ofHours(1);
    /** How soon a pull that met a room copy of ours, not yet recorded by outbound sync, is repeated. */
    static final Duration UNRECORDED_WAIT = Duration.ofSeconds(2);
    /** A mailbox not pulled for this long gets a RESYNC item from the safety net. */
    static final Duration SAFETY_NET_AGE = Duration.ofMinutes(15);
    private static final int MAX_PAYLOAD = 60_000;

    private final Tx tx;
    private final Clock clock;
    private final ProviderClients clients;
    private final GraphDelta delta;
    private final InboundChanges changes;
    private final String node = "inbound-" + UUID.randomUUID();

    public InboundSync(Tx tx, Clock clock, ProviderClients clients, GraphDelta delta, AuditLog audit, Notifications notifications) {
        this.tx = tx;
        this.clock = clock;
        this.clients = clients;
        this.delta = delta;
        this.changes = new InboundChanges(audit, notifications, clock);
    }

    /**
     * The mailbox a subscription pulls, as read at the start of a pull, and the window a full round reads now;
     * {@code windowPassed}: the stored delta link's window no longer reaches far enough past the booking horizon.
     */
    record Target(long subscriptionId, long tenantId, long configurationId, long providerId, long reservableId, String mailbox,
                  String deltaLink, boolean windowPassed, Instant from, Instant to) {
        Target fullRound() {
            return new Target(subscriptionId, tenantId, configurationId, providerId, reservableId, mailbox, null, false, from, to);
        }
    }

    private record Claimed(long subscriptionId, List<Long> itemIds, int attempts) {}

    /** The "inbox" job: drains every due item, one pull per subscription. */
    public void drain() {
        // Bounded: items released for later are not due again in this run, so each round shrinks the work.
        for (int round = 0; round < 100; round++) {
            List<Claimed> claimed = claim();
            if (claimed.isEmpty()) return;
            for (Claimed c : claimed) {
                try {
                    pull(c);
                } catch (InboundChanges.OursNotYetRecorded e) {
                    release(c, null, UNRECORDED_WAIT, null);
                } catch (RuntimeException e) {
                    log.error("Inbound pull of subscription {} failed", c.subscriptionId, e);
                    release(c, null, backoff(c.attempts), "Inbound sync failed: " + e);
                }
            }
        }
    }

    private List<Claimed> claim() {
        Instant now = clock.instant();
        return tx.call(s -> {
            Map<Long, List<Long>> bySubscription = new LinkedHashMap<>();
            Map<Long, Integer> attempts = new LinkedHashMap<>();
            s.doWork(c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT id, subscription_id, attempts FROM inbox_item"
                        + " WHERE kind IN ('CHANGE', 'RESYNC') AND next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until < ?)"
                        + " ORDER BY id LIMIT " + CLAIM_BATCH + " FOR UPDATE SKIP LOCKED")) {
                    LocalDateTime t = LocalDateTime.ofInstant(now, ZoneOffset.UTC);
                    ps.setObject(1, t);
                    ps.setObject(2, t);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            long sub = rs.getLong(2);
                            bySubscription.computeIfAbsent(sub, k -> new ArrayList<>()).add(rs.getLong(1));
                            attempts.merge(sub, rs.getInt(3), Math::max);
                        }
                    }
                }
            });
            if (bySubscription.isEmpty()) return List.of();
            List<Long> all = bySubscription.values().stream().flatMap(List::stream).toList();
            // The claim column guards items from other nodes once the row locks are gone (after this commit).
            s.createMutationQuery("update InboxItem set claimedBy = :me, claimedUntil = :until, attempts = attempts + 1 where id in :ids")
                    .setParameter("me", node).setParameter("until", now.plus(CLAIM_FOR)).setParameterList("ids", all).executeUpdate();
            List<Claimed> out = new ArrayList<>();
            bySubscription.forEach((sub, ids) -> out.add(new Claimed(sub, List.copyOf(ids), attempts.get(sub) + 1)));
            return out;
        });
    }

    private void pull(Claimed claimed) {
        Target read = tx.call(s -> target(s, claimed.subscriptionId));
        if (read == null) {
            // The configuration was deactivated or removed: nothing to pull for these items any more.
            tx.run(s -> deleteItems(s, claimed.itemIds));
            return;
        }
        Instant started = clock.instant();
        InboundChanges.Outcome outcome = new InboundChanges.Outcome();
        List<String> requestIds = new ArrayList<>();
        Target target = read;
        String expectedLink = read.deltaLink;
        if (read.windowPassed) {
            // Following the link would never read past its old window end: start over with today's window.
            log.info("Delta window of {} ends too near the booking horizon; moving it with a full round", read.mailbox);
            outcome.lines.add("delta window ends too near the booking horizon: full round over the new window");
            expectedLink = dropDeltaLink(read);
            target = read.fullRound();
        }
        try {
            pullPages(target, claimed, expectedLink, outcome, requestIds);
        } catch (GraphFailure f) {
            requestIds.add(f.requestId());
            if (f.kind() == GraphFailure.Kind.SYNC_STATE_LOST && target.deltaLink != null) {
                // Graph forgot our delta state: start over with the whole window (upserts keep it duplicate-free).
                log.info("Delta state of {} lost ({}); resyncing the whole window", target.mailbox, f.code());
                try {
                    outcome.lines.add("delta link no longer valid (" + f.code() + "): full window resync");
                    pullPages(target.fullRound(), claimed, dropDeltaLink(target), outcome, requestIds);
                    return;
                } catch (GraphFailure again) {
                    requestIds.add(again.requestId());
                    f = again;
                }
            }
            Duration wait = f.retryAfter() != null ? f.retryAfter() : backoff(claimed.attempts);
            String error = f.kind() + (f.status() > 0 ? " (" + f.status() + (f.code() == null ? "" : " " + f.code()) + ")" : "")
                    + ": " + f.getMessage();
            release(claimed, target, wait, error);
            recordPull(target, started, outcome, requestIds, error);
        }
    }

    /**
     * Drops the delta link a pull started from, for a full round, and answers the link that round must still find
     * when it commits: null, or the one it started from when someone moved the delta state on meanwhile (then the
     * round commits nothing and its items are pulled again from theirs).
     */
    private String dropDeltaLink(Target target) {
        return tx.call(s -> {
            Subscription sub = s.find(Subscription.class, target.subscriptionId, LockModeType.PESSIMISTIC_WRITE);
            if (sub == null || sub.deltaLink == null) return null;
            if (!sub.deltaLink.equals(target.deltaLink)) return target.deltaLink;
            s.createMutationQuery("update Subscription set deltaLink = null where id = :id").setParameter("id", sub.id).executeUpdate();
            return null;
        });
    }

    private void pullPages(Target target, Claimed claimed, String expectedLink, InboundChanges.Outcome outcome, List<String> requestIds) {
        GraphApp app = clients.app(target.tenantId, target.providerId);
        InboundChanges.Room room = new InboundChanges.Room(target.tenantId, target.reservableId, target.mailbox);
        boolean full = target.deltaLink == null;
        // The room copies a full round met: it has no @removed for what was deleted before it, only their absence.
        Set<String> seen = new HashSet<>();
        Instant started = clock.instant();
        GraphDelta.Page page = full
                ? delta.first(app, target.mailbox, target.from, target.to, PAGE_SIZE)
                : delta.follow(app, target.mailbox, target.deltaLink, PAGE_SIZE);
        while (true) {
            requestIds.add(page.requestId());
            GraphDelta.Page current = page;
            if (full) for (GraphDelta.Change c : current.changes()) if (!c.removed()) seen.add(c.id());
            if (current.nextLink() != null) {
                outcome.add(tx.call(s -> changes.apply(s, room, current.changes())));
                page = delta.follow(app, target.mailbox, current.nextLink(), PAGE_SIZE);
                continue;
            }
            if (current.deltaLink() == null) throw new IllegalStateException("A delta page without next or delta link");
            // The body may run again after a deadlock: it builds its own total instead of adding to the outcome.
            InboundChanges.Outcome total = tx.call(s -> {
                Subscription sub = s.find(Subscription.class, target.subscriptionId, LockModeType.PESSIMISTIC_WRITE);
                // Someone else moved the delta state on meanwhile (another pull, or a reset for a resync): our link is
                // stale, so apply nothing and let the items be pulled again from theirs.
                if (sub == null || !Objects.equals(sub.deltaLink, expectedLink)) {
                    return null;
                }
                InboundChanges.Outcome all = new InboundChanges.Outcome();
                all.add(outcome);
                all.add(changes.apply(s, room, current.changes()));
                // Only now is the round complete: a round that failed half-way saw too little to judge what is gone.
                if (full) all.add(changes.sweep(s, room, target.from, target.to, seen, started));
                s.createMutationQuery("update Subscription set deltaLink = :link, deltaWindowEnd = :end, lastDeltaAt = :now where id = :id")
                        .setParameter("link", current.deltaLink()).setParameter("end", full ? target.to : sub.deltaWindowEnd)
                        .setParameter("now", clock.instant()).setParameter("id", target.subscriptionId).executeUpdate();
                deleteItems(s, claimed.itemIds);
                s.persist(syncEvent(target, started, all, requestIds, null));
                return all;
            });
            if (total == null) release(claimed, target, Duration.ZERO, null);
            return;
        }
    }

    /** The subscription's mailbox and window, or null when its configuration is not active. */
    private Target target(Session s, long subscriptionId) {
        Subscription sub = s.find(Subscription.class, subscriptionId);
        if (sub == null) return null;
        SyncConfiguration config = s.find(SyncConfiguration.class, sub.syncConfigurationId);
        if (config == null || !config.active) return null;
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        LocalDate start = today.minusDays(LOOK_BACK_DAYS);
        if (sub.syncStart != null && sub.syncStart.isAfter(start)) start = sub.syncStart;
        Integer horizon = s.createSelectionQuery("select max(bookingWindowDays) from ReservableModule where tenantId = :t", Integer.class)
                .setParameter("t", sub.tenantId).uniqueResult();
        int days = horizon == null || horizon <= 0 ? DEFAULT_HORIZON_DAYS : horizon;
        LocalDate end = today.plusDays(days + WINDOW_AHEAD_DAYS);
        if (sub.syncEnd != null && sub.syncEnd.isAfter(end)) end = sub.syncEnd;
        // A link stored without its window end (before that was recorded) counts as passed: its window is unknown.
        boolean windowPassed = sub.deltaLink != null && (sub.deltaWindowEnd == null
                || !sub.deltaWindowEnd.isAfter(startOfDay(today.plusDays(days + WINDOW_MARGIN_DAYS))));
        return new Target(sub.id, sub.tenantId, config.id, config.providerId, config.reservableId, config.mailboxEmail, sub.deltaLink,
                windowPassed, startOfDay(start), startOfDay(end));
    }

    private static Instant startOfDay(LocalDate day) {
        return day.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    private void deleteItems(Session s, List<Long> ids) {
        s.createMutationQuery("delete from InboxItem where id in :ids and claimedBy = :me")
                .setParameterList("ids", ids).setParameter("me", node).executeUpdate();
    }

    /** Gives the items back, due again after {@code wait}; they are pulled then (nothing is lost). */
    private void release(Claimed claimed, Target target, Duration wait, String error) {
        Instant at = clock.instant().plus(wait);
        tx.run(s -> s.createMutationQuery("update InboxItem set claimedBy = null, claimedUntil = null, nextAttemptAt = :at"
                        + " where id in :ids and claimedBy = :me")
                .setParameter("at", at).setParameterList("ids", claimed.itemIds).setParameter("me", node).executeUpdate());
        if (error != null) log.warn("Inbound pull of {} postponed until {}: {}", target == null ? "subscription " + claimed.subscriptionId : target.mailbox, at, error);
    }

    private void recordPull(Target target, Instant started, InboundChanges.Outcome outcome, List<String> requestIds, String error) {
        tx.run(s -> s.persist(syncEvent(target, started, outcome, requestIds, error)));
    }

    /** One READ sync event per pull (not per item), so the log stays bounded however busy the room is. */
    private SyncEvent syncEvent(Target target, Instant started, InboundChanges.Outcome outcome, List<String> requestIds, String error) {
        Instant now = clock.instant();
        SyncEvent e = new SyncEvent();
        e.tenantId = target.tenantId;
        e.syncConfigurationId = target.configurationId;
        e.providerId = target.providerId;
        e.mailbox = target.mailbox;
        e.direction = SyncEvent.Direction.INBOUND;
        e.eventType = SyncEvent.Type.READ;
        e.state = error == null ? SyncEvent.State.PROCESSED : SyncEvent.State.ERROR;
        e.attempts = 1;
        e.nextAttemptAt = now;
        e.ourPayload = "calendarView/delta of " + target.mailbox + (target.deltaLink == null
                ? " over " + target.from + " .. " + target.to + " (full window)" : " from the stored delta link");
        StringBuilder p = new StringBuilder(outcome.toString());
        for (String line : outcome.lines) p.append('\n').append(line);
        e.providerPayload = p.length() > MAX_PAYLOAD ? p.substring(0, MAX_PAYLOAD) : p.toString();
        e.errorMessage = error;
        e.errorOrigin = error == null ? null : SyncEvent.ErrorOrigin.REJECTED;
        List<String> ids = requestIds.stream().filter(Objects::nonNull).toList();
        e.graphRequestId = ids.isEmpty() ? null : ids.get(ids.size() - 1);
        e.createdAt = started;
        e.updatedAt = now;
        e.processedAt = now;
        return e;
    }

    private static Duration backoff(int attempts) {
        long seconds = DEFAULT_RETRY.toSeconds() << Math.min(Math.max(attempts - 1, 0), 7);
        return Duration.ofSeconds(Math.min(seconds, LONGEST_RETRY.toSeconds()));
    }

    /**
     * The "safety-net-resync" job: a RESYNC item for every active configuration's subscription that was not pulled
     * recently (a lost notification is never a lost change); returns how many were added.
     */
    public int safetyNet() {
        Instant now = clock.instant();
        int added = tx.call(s -> {
            List<Subscription> stale = s.createSelectionQuery("select s from Subscription s, SyncConfiguration c"
                            + " where c.id = s.syncConfigurationId and c.active = true and s.status <> :deleting"
                            + " and (s.lastDeltaAt is null or s.lastDeltaAt < :cutoff)"
                            + " and not exists (select 1 from InboxItem i where i.subscriptionId = s.id and i.kind = :resync)", Subscription.class)
                    .setParameter("deleting", SubscriptionStatus.BEING_DELETED).setParameter("cutoff", now.minus(SAFETY_NET_AGE))
                    .setParameter("resync", InboxItem.Kind.RESYNC).getResultList();
            for (Subscription sub : stale) s.persist(resyncItem(sub, now));
            return stale.size();
        });
        return added;
    }

    /** A RESYNC item for a subscription (also for others' use: lifecycle "missed", "subscriptionRemoved"). */
    public static InboxItem resyncItem(Subscription sub, Instant now) {
        InboxItem i = new InboxItem();
        i.tenantId = sub.tenantId;
        i.subscriptionId = sub.id;
        i.kind = InboxItem.Kind.RESYNC;
        i.receivedAt = now;
        i.nextAttemptAt = now;
        return i;
    }
}
