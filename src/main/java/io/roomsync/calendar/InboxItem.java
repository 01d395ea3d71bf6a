package io.roomsync.calendar;

import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A webhook item stored before Graph got its 202, until a worker has handled it (then it is deleted). */
@Entity
@Table(name = "inbox_item")
public class InboxItem {
    public enum Kind { CHANGE, LIFECYCLE, RESYNC }

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    public Long tenantId;
    public Long subscriptionId;
    @Enumerated(EnumType.STRING)
    public Kind kind;
    /** created, updated, deleted (CHANGE). */
    public String changeType;
    /** reauthorizationRequired, subscriptionRemoved, missed (LIFECYCLE). */
    public String lifecycleEvent;
    public String resourceId;
    public Instant receivedAt;
    public int attempts;
    public Instant nextAttemptAt;
    public String claimedBy;
    public Instant claimedUntil;
}
