package io.roomsync.calendar;

import io.roomsync.common.Tokens;
import io.roomsync.db.Tx;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes webhook items durable before Graph gets its 202: checks each item's client state against the stored
 * SHA-256 (constant time), hands the valid ones to a writer, and counts the dropped ones.
 *
 * <p>Group commit: a commit per request capped ingest at a few hundred requests a second (the commit, not the
 * insert, is the cost). Requests therefore queue their rows; a small pool of writer threads takes everything queued
 * by concurrent requests, inserts it as multi-row INSERTs in one transaction, and only then completes each waiting
 * request, which answers 202 (or 5xx when the commit failed, so that Graph delivers again). The subscription
 * look-up is cached briefly; a cached hash that does not match is looked up again before an item counts as forged,
 * so a subscription recreated under the same id is never judged by its old client state.
 */
public final class WebhookIngest implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebhookIngest.class);
    /** How long a subscription look-up is trusted: the window in which a deleted subscription's items still count. */
    static final Duration LOOKUP_TTL = Duration.ofSeconds(5);
    /** Rows per transaction at most, and per multi-row INSERT statement. */
    private static final int GROUP_ROWS = 2_000;
    private static final int STATEMENT_ROWS = 500;
    /** A request gives up waiting (and answers 5xx) after this long. */
    private static final Duration WAIT = Duration.ofSeconds(20);

    /** One item of a notification or lifecycle collection, as parsed; null fields were missing. */
    public record Item(String subscriptionId, String clientState, String changeType, String resourceId, String lifecycleEvent) {}

    /** How many items were stored and dropped. */
    public record Result(int stored, int forged, int unknown, int malformed) {}

    private record Known(long id, long tenantId, String clientStateHash, Instant lookedUpAt) {}

    /** One request's rows waiting for a writer. */
    private record Pending(List<Object[]> rows, Set<Long> touched, Instant at, CompletableFuture<Void> done) {}

    private final Tx tx;
    private final Clock clock;
    private final WebhookCounters counters;
    private final Map<Long, Instant> lastTouched = new ConcurrentHashMap<>();
    private final Map<String, Known> known = new ConcurrentHashMap<>();
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final List<Thread> writers = new ArrayList<>();
    private volatile boolean closed;

    public WebhookIngest(Tx tx, Clock clock, WebhookCounters counters) {
        this(tx, clock, counters, 2);
    }

    /** @param writerThreads writers committing groups; two let one group fill while the other commits */
    public WebhookIngest(Tx tx, Clock clock, WebhookCounters counters, int writerThreads) {
        this.tx = tx;
        this.clock = clock;
        this.counters = counters;
        for (int i = 0; i < writerThreads; i++) {
            Thread t = new Thread(this::write, "webhook-writer-" + i);
            t.setDaemon(true);
            t.start();
            writers.add(t);
        }
    }

    /**
     * Stores the valid items (CHANGE, or LIFECYCLE when {@code lifecycle}); returns once they are committed, and
     * throws when the database could not store them (the caller answers 5xx so that Graph delivers again).
     * @param malformed items that could not be parsed at all (counted, unattributed)
     */
    public Result ingest(List<Item> items, boolean lifecycle, int malformed) {
        Instant now = clock.instant();
        Sorted sorted = sort(items, lifecycle, now);
        sorted.forgedByTenant.forEach((tenant, n) -> counters.count(tenant, WebhookCounters.Reason.FORGED, n));
        counters.count(WebhookCounters.UNATTRIBUTED, WebhookCounters.Reason.UNKNOWN, sorted.unknown);
        counters.count(WebhookCounters.UNATTRIBUTED, WebhookCounters.Reason.MALFORMED, sorted.malformed + malformed);
        if (!sorted.rows.isEmpty()) store(sorted.rows, sorted.touched, now);
        int forged = sorted.forgedByTenant.values().stream().mapToInt(Integer::intValue).sum();
        return new Result(sorted.rows.size(), forged, sorted.unknown, sorted.malformed + malformed);
    }

    private void store(List<Object[]> rows, Set<Long> touched, Instant now) {
        if (closed) throw new IllegalStateException("Webhook ingest is shut down");
        Pending p = new Pending(rows, touched, now, new CompletableFuture<>());
        queue.add(p);
        try {
            p.done.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Webhook items could not be stored", e.getCause());
        } catch (TimeoutException e) {
            // The rows may still commit later; a redelivery then only adds a duplicate item, which the inbox coalesces.
            throw new IllegalStateException("Webhook items were not stored within " + WAIT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while storing webhook items", e);
        }
    }

    /** A writer: takes what concurrent requests queued, commits it as one transaction, completes their futures. */
    private void write() {
        List<Pending> group = new ArrayList<>();
        while (!closed) {
            try {
                Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) continue;
                group.add(first);
                int rows = first.rows.size();
                Pending next;
                while (rows < GROUP_ROWS && (next = queue.poll()) != null) {
                    group.add(next);
                    rows += next.rows.size();
                }
                commit(group);
            } catch (InterruptedException e) {
                break;
            } catch (Throwable t) {
                log.error("Webhook writer failed", t);
                for (Pending p : group) p.done.completeExceptionally(t);
            } finally {
                group.clear();
            }
        }
    }

    private void commit(List<Pending> group) {
        try {
            insert(group);
            for (Pending p : group) p.done.complete(null);
        } catch (RuntimeException e) {
            if (group.size() == 1) {
                group.get(0).done.completeExceptionally(e);
                return;
            }
            // One request's rows must not fail the others: each gets its own transaction.
            for (Pending p : group) {
                try {
                    insert(List.of(p));
                    p.done.complete(null);
                } catch (RuntimeException single) {
                    p.done.completeExceptionally(single);
                }
            }
        }
    }

    private void insert(List<Pending> group) {
        List<Object[]> rows = new ArrayList<>();
        Set<Long> touched = new HashSet<>();
        Instant latest = group.get(0).at;
        for (Pending p : group) {
            rows.addAll(p.rows);
            touched.addAll(p.touched);
            if (p.at.isAfter(latest)) latest = p.at;
        }
        Instant touchedAt = latest;
        tx.run(s -> {
            s.doWork(conn -> {
                for (int from = 0; from < rows.size(); from += STATEMENT_ROWS) {
                    List<Object[]> chunk = rows.subList(from, Math.min(rows.size(), from + STATEMENT_ROWS));
                    StringBuilder sql = new StringBuilder("insert into inbox_item (tenant_id, subscription_id, kind, change_type, "
                            + "lifecycle_event, resource_id, received_at, attempts, next_attempt_at) values ");
                    for (int i = 0; i < chunk.size(); i++) sql.append(i == 0 ? "" : ", ").append("(?, ?, ?, ?, ?, ?, ?, 0, ?)");
                    try (PreparedStatement ps = conn.prepareStatement(sql.toString())) {
                        int c = 1;
                        for (Object[] r : chunk) {
                            ps.setLong(c++, (Long) r[0]);
                            ps.setLong(c++, (Long) r[1]);
                            ps.setString(c++, (String) r[2]);
                            ps.setString(c++, (String) r[3]);
                            ps.setString(c++, (String) r[4]);
                            ps.setString(c++, (String) r[5]);
                            ps.setObject(c++, r[6]);
                            ps.setObject(c++, r[6]);
                        }
                        ps.executeUpdate();
                    }
                }
            });
            if (!touched.isEmpty()) {
                s.createMutationQuery("update Subscription set lastNotificationAt = :now where id in (:ids)")
                        .setParameter("now", touchedAt).setParameter("ids", touched).executeUpdate();
            }
        });
    }

    /** The items split into rows to insert and drops, by reason. */
    private record Sorted(List<Object[]> rows, Set<Long> touched, Map<Long, Integer> forgedByTenant, int unknown, int malformed) {}

    private Sorted sort(List<Item> items, boolean lifecycle, Instant now) {
        Map<String, Known> found = lookup(items, now);
        List<Object[]> rows = new ArrayList<>();
        Map<Long, Integer> forgedByTenant = new HashMap<>();
        Set<Long> touched = new HashSet<>();
        LocalDateTime at = LocalDateTime.ofInstant(now, ZoneOffset.UTC);
        int unknown = 0;
        int bad = 0;
        for (Item i : items) {
            if (i.subscriptionId() == null || (lifecycle ? i.lifecycleEvent() == null : i.changeType() == null)) {
                bad++;
                continue;
            }
            Known k = found.get(i.subscriptionId());
            if (k == null) {
                unknown++;
                continue;
            }
            if (i.clientState() == null || !Tokens.constantTimeEquals(Tokens.sha256(i.clientState()), k.clientStateHash())) {
                forgedByTenant.merge(k.tenantId(), 1, Integer::sum);
                continue;
            }
            rows.add(new Object[] {k.tenantId(), k.id(), lifecycle ? "LIFECYCLE" : "CHANGE",
                    lifecycle ? null : truncate(i.changeType(), 16), lifecycle ? truncate(i.lifecycleEvent(), 40) : null,
                    truncate(i.resourceId(), 500), at});
            // Claimed before the write, so that concurrent requests for one subscription don't queue on its row.
            lastTouched.compute(k.id(), (id, last) -> {
                if (last != null && !last.isBefore(now.minusSeconds(1))) return last;
                touched.add(id);
                return now;
            });
        }
        return new Sorted(rows, touched, forgedByTenant, unknown, bad);
    }

    /**
     * The subscriptions the items name: from the cache when fresh and the item's client state matches its hash,
     * else from the database (unknown ids are never cached, so a new subscription is found at once).
     */
    private Map<String, Known> lookup(List<Item> items, Instant now) {
        Map<String, Known> out = new HashMap<>();
        Set<String> missing = new HashSet<>();
        Instant fresh = now.minus(LOOKUP_TTL);
        for (Item i : items) {
            String id = i.subscriptionId();
            if (id == null || out.containsKey(id) || missing.contains(id)) continue;
            Known k = known.get(id);
            boolean matches = k != null && i.clientState() != null
                    && Tokens.constantTimeEquals(Tokens.sha256(i.clientState()), k.clientStateHash());
            if (k != null && matches && k.lookedUpAt().isAfter(fresh)) out.put(id, k);
            else missing.add(id);
        }
        if (!missing.isEmpty()) {
            List<Object[]> found = tx.call(s -> s.createSelectionQuery("select graphSubscriptionId, id, tenantId, clientStateHash "
                            + "from Subscription where graphSubscriptionId in (:ids) and clientStateHash is not null", Object[].class)
                    .setParameter("ids", missing).getResultList());
            for (String id : missing) known.remove(id);
            for (Object[] r : found) {
                Known k = new Known((Long) r[1], (Long) r[2], (String) r[3], now);
                known.put((String) r[0], k);
                out.put((String) r[0], k);
            }
        }
        return out;
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    @Override
    public void close() {
        closed = true;
        for (Thread t : writers) t.interrupt();
        for (Thread t : writers) {
            try {
                t.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Pending p;
        while ((p = queue.poll()) != null) p.done.completeExceptionally(new IllegalStateException("Webhook ingest is shut down"));
    }
}
