package io.roomsync.calendar;

import io.roomsync.common.NotFoundException;
import io.roomsync.db.Tx;
import io.roomsync.jobs.Jobs;
import io.roomsync.location.Reservable;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hibernate.Session;

/** The sync events (the work log) of a tenant: list with filters, one event in full, Re-process. */
public final class SyncEventService {
    public static final int MAX_ROWS = 500;

    /** Filters; null = any. Days are UTC days of creation, from and to both included. */
    public record Filter(LocalDate from, LocalDate to, SyncEvent.State state, SyncEvent.Direction direction,
                         SyncEvent.Type type, Long roomId, Long reservationId) {}

    public record Row(long id, Instant createdAt, SyncEvent.Direction direction, SyncEvent.Type type, SyncEvent.State state,
                      int attempts, Long reservationId, Long roomId, String room, String mailbox, String error,
                      SyncEvent.ErrorOrigin errorOrigin, Instant nextAttemptAt, Instant processedAt) {}

    public record Detail(Row row, String ourPayload, String providerPayload, String providerResponse, String graphRequestId,
                         String externalEventId, Instant updatedAt) {}

    public record Room(long id, String name) {}

    private final Tx tx;
    private final Clock clock;
    private final Jobs jobs;

    public SyncEventService(Tx tx, Clock clock, Jobs jobs) {
        this.tx = tx;
        this.clock = clock;
        this.jobs = jobs;
    }

    public LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    public List<Row> list(long tenantId, Filter f) {
        return tx.call(s -> {
            StringBuilder q = new StringBuilder("from SyncEvent e where e.tenantId = :t");
            Map<String, Object> p = new HashMap<>();
            p.put("t", tenantId);
            if (f.from() != null) {
                q.append(" and e.createdAt >= :from");
                p.put("from", f.from().atStartOfDay().toInstant(ZoneOffset.UTC));
            }
            if (f.to() != null) {
                q.append(" and e.createdAt < :to");
                p.put("to", f.to().plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC));
            }
            if (f.state() != null) {
                q.append(" and e.state = :state");
                p.put("state", f.state());
            }
            if (f.direction() != null) {
                q.append(" and e.direction = :dir");
                p.put("dir", f.direction());
            }
            if (f.type() != null) {
                q.append(" and e.eventType = :type");
                p.put("type", f.type());
            }
            if (f.reservationId() != null) {
                q.append(" and e.reservationId = :res");
                p.put("res", f.reservationId());
            }
            if (f.roomId() != null) {
                q.append(" and e.syncConfigurationId in (select c.id from SyncConfiguration c where c.reservableId = :room)");
                p.put("room", f.roomId());
            }
            q.append(" order by e.id desc");
            var query = s.createSelectionQuery(q.toString(), SyncEvent.class);
            p.forEach(query::setParameter);
            return rows(s, query.setMaxResults(MAX_ROWS).getResultList());
        });
    }

    public Detail get(long tenantId, long id) {
        return tx.call(s -> {
            SyncEvent e = load(s, tenantId, id);
            return new Detail(rows(s, List.of(e)).get(0), e.ourPayload, e.providerPayload, e.providerResponse,
                    e.graphRequestId, e.externalEventId, e.updatedAt);
        });
    }

    /** The tenant's rooms that have a sync configuration, for the room filter. */
    public List<Room> rooms(long tenantId) {
        return tx.call(s -> s.createSelectionQuery("select r.id, r.name from Reservable r where r.tenantId = :t"
                        + " and r.id in (select c.reservableId from SyncConfiguration c where c.tenantId = :t) order by r.name", Object[].class)
                .setParameter("t", tenantId).getResultList().stream()
                .map(o -> new Room((Long) o[0], (String) o[1])).toList());
    }

    /**
     * Sends outbound events again now: New, due now, attempts from zero. Events being sent right now are left
     * alone; ids of another tenant are a 404. Returns how many were queued.
     */
    public int reprocess(long tenantId, Collection<Long> ids) {
        int n = tx.call(s -> {
            int count = 0;
            Instant now = clock.instant();
            for (Long id : ids) {
                SyncEvent e = load(s, tenantId, id);
                if (e.direction != SyncEvent.Direction.OUTBOUND || e.state == SyncEvent.State.PROCESSING
                        || e.state == SyncEvent.State.NEW) continue;
                e.state = SyncEvent.State.NEW;
                e.attempts = 0;
                e.nextAttemptAt = now;
                e.claimedBy = null;
                e.claimedUntil = null;
                e.updatedAt = now;
                if (e.reservationId != null) {
                    s.createMutationQuery("update Reservation set syncState = :st where id = :r")
                            .setParameter("st", io.roomsync.reservation.SyncState.ENQUEUED).setParameter("r", e.reservationId)
                            .executeUpdate();
                }
                count++;
            }
            return count;
        });
        if (n > 0) jobs.wake(SyncOutbox.JOB);
        return n;
    }

    private static SyncEvent load(Session s, long tenantId, long id) {
        SyncEvent e = s.find(SyncEvent.class, id);
        if (e == null || !e.tenantId.equals(tenantId)) throw new NotFoundException("Sync event");
        return e;
    }

    private static List<Row> rows(Session s, List<SyncEvent> events) {
        Map<Long, Long> roomOfConfig = new HashMap<>();
        Map<Long, String> roomNames = new HashMap<>();
        List<Long> configIds = events.stream().map(e -> e.syncConfigurationId).filter(java.util.Objects::nonNull).distinct().toList();
        if (!configIds.isEmpty()) {
            s.createSelectionQuery("from SyncConfiguration where id in :ids", SyncConfiguration.class)
                    .setParameterList("ids", configIds).getResultList().forEach(c -> roomOfConfig.put(c.id, c.reservableId));
            s.createSelectionQuery("from Reservable where id in :ids", Reservable.class)
                    .setParameterList("ids", roomOfConfig.values()).getResultList().forEach(r -> roomNames.put(r.id, r.name));
        }
        List<Row> rows = new ArrayList<>();
        for (SyncEvent e : events) {
            Long roomId = e.syncConfigurationId == null ? null : roomOfConfig.get(e.syncConfigurationId);
            rows.add(new Row(e.id, e.createdAt, e.direction, e.eventType, e.state, e.attempts, e.reservationId, roomId,
                    roomId == null ? null : roomNames.get(roomId), e.mailbox, e.errorMessage, e.errorOrigin,
                    e.nextAttemptAt, e.processedAt));
        }
        return rows;
    }
}
