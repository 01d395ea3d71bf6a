package io.roomsync.calendar;

import io.roomsync.common.Tokens;
import io.roomsync.db.Tx;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Makes webhook items durable before Graph gets its 202: checks each item's client state against the stored
 * SHA-256 (constant time), inserts the valid ones into inbox_item in one transaction (one batch), and counts the
 * dropped ones. The subscription's last_notification_at is written at most once a second per subscription and
 * node, so a burst of notifications does not queue on one hot row.
 */
public final class WebhookIngest {
    /** One item of a notification or lifecycle collection, as parsed; null fields were missing. */
    public record Item(String subscriptionId, String clientState, String changeType, String resourceId, String lifecycleEvent) {}

    /** How many items were stored and dropped. */
    public record Result(int stored, int forged, int unknown, int malformed) {}

    private record Known(long id, long tenantId, String clientStateHash) {}

    private final Tx tx;
    private final Clock clock;
    private final WebhookCounters counters;
    private final Map<Long, Instant> lastTouched = new ConcurrentHashMap<>();

    public WebhookIngest(Tx tx, Clock clock, WebhookCounters counters) {
        this.tx = tx;
        this.clock = clock;
        this.counters = counters;
    }

    /**
     * Stores the valid items (CHANGE, or LIFECYCLE when {@code lifecycle}); throws when the database could not
     * store them (the caller answers 5xx so that Graph delivers again).
     * @param malformed items that could not be parsed at all (counted, unattributed)
     */
    public Result ingest(List<Item> items, boolean lifecycle, int malformed) {
        Set<String> ids = new HashSet<>();
        for (Item i : items) if (i.subscriptionId() != null) ids.add(i.subscriptionId());
        Instant now = clock.instant();
        // One transaction: look the subscriptions up, insert the valid items (one batch), touch last_notification_at.
        Sorted sorted = tx.call(s -> {
            Sorted out = sort(items, lifecycle, lookup(s, ids), now);
            if (!out.rows.isEmpty()) insert(s, out.rows, out.touched, now);
            return out;
        });
        sorted.forgedByTenant.forEach((tenant, n) -> counters.count(tenant, WebhookCounters.Reason.FORGED, n));
        counters.count(WebhookCounters.UNATTRIBUTED, WebhookCounters.Reason.UNKNOWN, sorted.unknown);
        counters.count(WebhookCounters.UNATTRIBUTED, WebhookCounters.Reason.MALFORMED, sorted.malformed + malformed);
        int forged = sorted.forgedByTenant.values().stream().mapToInt(Integer::intValue).sum();
        return new Result(sorted.rows.size(), forged, sorted.unknown, sorted.malformed + malformed);
    }

    /** The items split into rows to insert and drops, by reason. */
    private record Sorted(List<Object[]> rows, Set<Long> touched, Map<Long, Integer> forgedByTenant, int unknown, int malformed) {}

    private Sorted sort(List<Item> items, boolean lifecycle, Map<String, Known> known, Instant now) {
        List<Object[]> rows = new ArrayList<>();
        Map<Long, Integer> forgedByTenant = new HashMap<>();
        Set<Long> touched = new HashSet<>();
        int unknown = 0;
        int bad = 0;
        for (Item i : items) {
            if (i.subscriptionId() == null || (lifecycle ? i.lifecycleEvent() == null : i.changeType() == null)) {
                bad++;
                continue;
            }
            Known k = known.get(i.subscriptionId());
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
                    truncate(i.resourceId(), 500)});
            // Claimed before the write, so that concurrent requests for one subscription don't queue on its row.
            lastTouched.compute(k.id(), (id, last) -> {
                if (last != null && !last.isBefore(now.minusSeconds(1))) return last;
                touched.add(id);
                return now;
            });
        }
        return new Sorted(rows, touched, forgedByTenant, unknown, bad);
    }

    private static Map<String, Known> lookup(org.hibernate.Session s, Set<String> graphIds) {
        if (graphIds.isEmpty()) return Map.of();
        Map<String, Known> out = new HashMap<>();
        s.createSelectionQuery("select graphSubscriptionId, id, tenantId, clientStateHash from Subscription "
                            + "where graphSubscriptionId in (:ids) and clientStateHash is not null", Object[].class)
                    .setParameter("ids", graphIds).getResultList()
                    .forEach(r -> out.put((String) r[0], new Known((Long) r[1], (Long) r[2], (String) r[3])));
        return out;
    }

    private static void insert(org.hibernate.Session s, List<Object[]> rows, Set<Long> touched, Instant now) {
        LocalDateTime at = LocalDateTime.ofInstant(now, ZoneOffset.UTC);
        s.doWork(conn -> {
            try (PreparedStatement ps = conn.prepareStatement("insert into inbox_item (tenant_id, subscription_id, kind, "
                    + "change_type, lifecycle_event, resource_id, received_at, attempts, next_attempt_at) values (?, ?, ?, ?, ?, ?, ?, 0, ?)")) {
                for (Object[] r : rows) {
                    ps.setLong(1, (Long) r[0]);
                    ps.setLong(2, (Long) r[1]);
                    ps.setString(3, (String) r[2]);
                    ps.setString(4, (String) r[3]);
                    ps.setString(5, (String) r[4]);
                    ps.setString(6, (String) r[5]);
                    ps.setObject(7, at);
                    ps.setObject(8, at);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        });
        if (!touched.isEmpty()) {
            s.createMutationQuery("update Subscription set lastNotificationAt = :now where id in (:ids)")
                    .setParameter("now", now).setParameter("ids", touched).executeUpdate();
        }
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
