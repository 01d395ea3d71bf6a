package io.roomsync.calendar;

import io.roomsync.db.Tx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** How the tenant's sync is doing, at a glance: the work log's counts, subscriptions and their expiries. */
public final class SyncHealthService {

    /** One room's subscription as the health page shows it. */
    public record SubscriptionRow(long syncConfigurationId, String room, String mailbox, SubscriptionStatus status,
                                  Instant expiresAt, Instant lastNotificationAt, Instant lastDeltaAt, String lastError) {}

    public record Health(Instant at, long eventsToday, long pending, long errorsLast24Hours, long errorsNotSentLast30Days,
                         long errorsRejectedLast30Days, long inboxBacklog, Map<SubscriptionStatus, Long> subscriptionsByStatus,
                         List<SubscriptionRow> subscriptions, List<WebhookCounters.DropCount> webhookDropsLast7Days) {}

    private final Tx tx;
    private final Clock clock;
    private final WebhookCounters webhookCounters;

    public SyncHealthService(Tx tx, Clock clock, WebhookCounters webhookCounters) {
        this.tx = tx;
        this.clock = clock;
        this.webhookCounters = webhookCounters;
    }

    public Health health(long tenantId) {
        Instant now = clock.instant();
        Instant startOfDay = LocalDate.ofInstant(now, ZoneOffset.UTC).atStartOfDay().toInstant(ZoneOffset.UTC);
        webhookCounters.flush();
        List<WebhookCounters.DropCount> drops = webhookCounters.recent(tenantId, 7);
        return tx.call(s -> {
            long today = count(s.createSelectionQuery("select count(*) from SyncEvent where tenantId = :t and createdAt >= :since", Long.class)
                    .setParameter("t", tenantId).setParameter("since", startOfDay).getSingleResult());
            long pending = s.createSelectionQuery("select count(*) from SyncEvent where tenantId = :t and state in (:states)", Long.class)
                    .setParameter("t", tenantId).setParameter("states", List.of(SyncEvent.State.NEW, SyncEvent.State.PROCESSING))
                    .getSingleResult();
            long errors24h = errorsSince(s, tenantId, now.minus(Duration.ofHours(24)), null);
            Instant monthAgo = now.minus(Duration.ofDays(30));
            long notSent = errorsSince(s, tenantId, monthAgo, SyncEvent.ErrorOrigin.NOT_SENT);
            long rejected = errorsSince(s, tenantId, monthAgo, SyncEvent.ErrorOrigin.REJECTED);
            long backlog = s.createSelectionQuery("select count(*) from InboxItem where tenantId = :t", Long.class)
                    .setParameter("t", tenantId).getSingleResult();

            Map<SubscriptionStatus, Long> byStatus = new EnumMap<>(SubscriptionStatus.class);
            for (SubscriptionStatus status : SubscriptionStatus.values()) byStatus.put(status, 0L);
            List<SubscriptionRow> rows = new ArrayList<>();
            List<Object[]> found = s.createSelectionQuery("""
                    select c.id, r.name, c.mailboxEmail, sub.status, sub.expiresAt, sub.lastNotificationAt, sub.lastDeltaAt, sub.lastError
                    from SyncConfiguration c join Reservable r on r.id = c.reservableId
                    join Subscription sub on sub.syncConfigurationId = c.id
                    where c.tenantId = :t order by sub.expiresAt nulls first, r.name""", Object[].class)
                    .setParameter("t", tenantId).getResultList();
            for (Object[] f : found) {
                SubscriptionStatus status = (SubscriptionStatus) f[3];
                byStatus.merge(status, 1L, Long::sum);
                rows.add(new SubscriptionRow((Long) f[0], (String) f[1], (String) f[2], status, (Instant) f[4], (Instant) f[5],
                        (Instant) f[6], (String) f[7]));
            }
            return new Health(now, today, pending, errors24h, notSent, rejected, backlog, byStatus, rows, drops);
        });
    }

    private static long count(Long n) {
        return n == null ? 0 : n;
    }

    private static long errorsSince(org.hibernate.Session s, long tenantId, Instant since, SyncEvent.ErrorOrigin origin) {
        String hql = "select count(*) from SyncEvent where tenantId = :t and state = :error and updatedAt >= :since"
                + (origin == null ? "" : " and errorOrigin = :origin");
        var q = s.createSelectionQuery(hql, Long.class).setParameter("t", tenantId)
                .setParameter("error", SyncEvent.State.ERROR).setParameter("since", since);
        if (origin != null) q.setParameter("origin", origin);
        return q.getSingleResult();
    }
}
