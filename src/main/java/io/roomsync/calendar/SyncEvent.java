package io.roomsync.calendar;

import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * One unit of sync work and its record: outbound events are the transactional outbox (written in the same
 * transaction as the reservation change, claimed by workers with SKIP LOCKED); inbound reads are logged here too.
 */
@Entity
@Table(name = "sync_event")
public class SyncEvent {
    public enum Direction { OUTBOUND, INBOUND }

    public enum Type { CREATE, UPDATE, DELETE, READ }

    public enum State { NEW, PROCESSING, PROCESSED, ERROR, SKIPPED }

    /** Where an error arose: before Graph answered, or Graph refused the request. */
    public enum ErrorOrigin { NOT_SENT, REJECTED }

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    public Long tenantId;
    public Long reservationId;
    public Long syncConfigurationId;
    public Long providerId;
    public String mailbox;
    @Enumerated(EnumType.STRING)
    public Direction direction;
    @Enumerated(EnumType.STRING)
    public Type eventType;
    @Enumerated(EnumType.STRING)
    public State state;
    public int attempts;
    public Instant nextAttemptAt;
    public String claimedBy;
    public Instant claimedUntil;
    public String ourPayload;
    public String providerPayload;
    public String providerResponse;
    public String errorMessage;
    @Enumerated(EnumType.STRING)
    public ErrorOrigin errorOrigin;
    public String graphRequestId;
    public String externalEventId;
    public Instant createdAt;
    public Instant updatedAt;
    public Instant processedAt;
}
