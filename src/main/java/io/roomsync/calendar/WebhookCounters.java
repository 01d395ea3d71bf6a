package io.roomsync.calendar;

import io.roomsync.db.Tx;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts webhook items that were dropped (forged client state, unknown subscription, malformed), per tenant and
 * UTC day. Counting is in memory so that a flood of forged items costs no database writes; {@link #flush} adds the
 * counts to webhook_drop_count (a job does it periodically, pages before they read). Items of unknown
 * subscriptions belong to no tenant: they are counted under tenant 0 and shown to every tenant as "unattributed".
 */
public final class WebhookCounters {
    public enum Reason { FORGED, UNKNOWN, MALFORMED }

    public static final long UNATTRIBUTED = 0;

    /** One day's count; unattributed = not known to belong to this tenant (unknown subscriptions). */
    public record DropCount(LocalDate day, Reason reason, boolean unattributed, long dropped) {}

    private record Key(long tenantId, LocalDate day, Reason reason) {}

    private final Tx tx;
    private final Clock clock;
    private final Map<Key, LongAdder> pending = new ConcurrentHashMap<>();

    public WebhookCounters(Tx tx, Clock clock) {
        this.tx = tx;
        this.clock = clock;
    }

    public void count(long tenantId, Reason reason, int n) {
        if (n <= 0) return;
        pending.computeIfAbsent(new Key(tenantId, LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC), reason), k -> new LongAdder()).add(n);
    }

    /** Writes the counts gathered so far; safe on several nodes at once. */
    public synchronized void flush() {
        for (Map.Entry<Key, LongAdder> e : pending.entrySet()) {
            long n = e.getValue().sumThenReset();
            if (n == 0) continue;
            Key k = e.getKey();
            try {
                add(k, n);
            } catch (RuntimeException first) {
                // Another node inserted the day's row between our update and insert: the update finds it now.
                add(k, n);
            }
        }
    }

    private void add(Key k, long n) {
        tx.run(s -> {
            int updated = s.createNativeMutationQuery("update webhook_drop_count set dropped = dropped + :n "
                            + "where tenant_id = :t and count_date = :d and reason = :r")
                    .setParameter("n", n).setParameter("t", k.tenantId).setParameter("d", k.day).setParameter("r", k.reason.name())
                    .executeUpdate();
            if (updated == 0) {
                s.createNativeMutationQuery("insert into webhook_drop_count (tenant_id, count_date, reason, dropped) values (:t, :d, :r, :n)")
                        .setParameter("n", n).setParameter("t", k.tenantId).setParameter("d", k.day).setParameter("r", k.reason.name())
                        .executeUpdate();
            }
        });
    }

    /** The tenant's and the unattributed counts of the last days, newest first. */
    public List<DropCount> recent(long tenantId, int days) {
        LocalDate since = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).minusDays(days);
        List<Object[]> rows = tx.call(s -> s.createNativeQuery("select tenant_id, count_date, reason, dropped from webhook_drop_count "
                        + "where tenant_id in (:t, 0) and count_date >= :since order by count_date desc, reason, tenant_id", Object[].class)
                .setParameter("t", tenantId).setParameter("since", since).getResultList());
        List<DropCount> out = new ArrayList<>();
        for (Object[] r : rows) {
            LocalDate day = r[1] instanceof java.sql.Date d ? d.toLocalDate() : (LocalDate) r[1];
            out.add(new DropCount(day, Reason.valueOf((String) r[2]), ((Number) r[0]).longValue() == UNATTRIBUTED,
                    ((Number) r[3]).longValue()));
        }
        return out;
    }
}
