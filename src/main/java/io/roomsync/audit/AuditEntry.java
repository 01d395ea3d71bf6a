package io.roomsync.audit;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** One audited change: who, when, what changed, from which source. */
@Entity
@Table(name = "audit_entry")
public class AuditEntry {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    public Long tenantId;
    public Long actorUserId;
    public String actorLabel;
    public String source;
    public String subSource;
    public String entityType;
    public Long entityId;
    public String action;
    /** Human-readable list of changed fields, "field: old -> new" per line. */
    public String changes;
    public Instant createdAt;
}
