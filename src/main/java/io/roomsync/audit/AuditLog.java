package io.roomsync.audit;

import io.roomsync.tenant.CurrentUser;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.hibernate.Session;

/**
 * Records who changed what, when and from which source, inside the caller's transaction, so a change and its
 * audit entry are written together or not at all.
 */
public final class AuditLog {
    private final Clock clock;

    public AuditLog(Clock clock) {
        this.clock = clock;
    }

    /** Collects "field: old -> new" lines for the fields that actually changed. */
    public static final class Changes {
        private final List<String> lines = new ArrayList<>();

        public Changes field(String name, Object before, Object after) {
            if (!Objects.equals(before, after)) lines.add(name + ": " + show(before) + " -> " + show(after));
            return this;
        }

        /** For values that must not be recorded (secrets, password hashes). */
        public Changes secret(String name, boolean changed) {
            if (changed) lines.add(name + ": changed");
            return this;
        }

        public boolean isEmpty() {
            return lines.isEmpty();
        }

        @Override
        public String toString() {
            return String.join("\n", lines);
        }

        private static String show(Object v) {
            return v == null ? "(none)" : "'" + v + "'";
        }
    }

    public void record(Session s, CurrentUser actor, String source, String subSource, String entityType, Long entityId,
                       String action, Changes changes) {
        AuditEntry e = new AuditEntry();
        e.tenantId = actor == null ? null : actor.tenantId();
        e.actorUserId = actor == null ? null : actor.userId();
        e.actorLabel = actor == null ? "system" : actor.email();
        e.source = source;
        e.subSource = subSource;
        e.entityType = entityType;
        e.entityId = entityId;
        e.action = action;
        e.changes = changes == null || changes.isEmpty() ? null : changes.toString();
        e.createdAt = clock.instant();
        s.persist(e);
    }

    /** For changes without a signed-in actor (jobs, Exchange); tenantId given explicitly. */
    public void recordSystem(Session s, long tenantId, String source, String subSource, String entityType, Long entityId,
                             String action, Changes changes) {
        AuditEntry e = new AuditEntry();
        e.tenantId = tenantId;
        e.actorLabel = source;
        e.source = source;
        e.subSource = subSource;
        e.entityType = entityType;
        e.entityId = entityId;
        e.action = action;
        e.changes = changes == null || changes.isEmpty() ? null : changes.toString();
        e.createdAt = clock.instant();
        s.persist(e);
    }

    public List<AuditEntry> forEntity(Session s, long tenantId, String entityType, long entityId) {
        return s.createSelectionQuery("from AuditEntry where tenantId = :t and entityType = :type and entityId = :id order by id", AuditEntry.class)
                .setParameter("t", tenantId).setParameter("type", entityType).setParameter("id", entityId).getResultList();
    }
}
