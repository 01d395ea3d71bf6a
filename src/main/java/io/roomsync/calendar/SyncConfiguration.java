package io.roomsync.calendar;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;

/**
 * A room that syncs with one provider's room mailbox. Created inactive; only Activate/Deactivate change
 * {@link #active} (activating creates the Graph subscription, deactivating deletes it).
 */
@Entity
@Table(name = "sync_configuration")
public class SyncConfiguration {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    public Long tenantId;
    public Long reservableId;
    public Long providerId;
    public String mailboxEmail;
    public String mailboxLower;
    public boolean active;
    /** Build and store Graph payloads on the sync events, send nothing. */
    public boolean noRequest;
    public Instant createdAt;
    public Instant updatedAt;
    @Version
    public long version;
}
