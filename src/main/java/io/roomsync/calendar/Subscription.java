package io.roomsync.calendar;

import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.time.LocalDate;

/**
 * The Graph change subscription on a room mailbox's events, one per sync configuration, and the mailbox's
 * calendarView/delta state. The client state itself is never stored, only its SHA-256.
 */
@Entity
@Table(name = "subscription")
public class Subscription {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    public Long tenantId;
    public Long syncConfigurationId;
    public Long providerId;
    public String mailboxLower;
    public String graphSubscriptionId;
    public String resource;
    public String changeType;
    /** As Graph returned it. */
    public Instant expiresAt;
    @Enumerated(EnumType.STRING)
    public SubscriptionStatus status;
    public String clientStateHash;
    public Instant lastRenewedAt;
    public String lastError;
    public Instant lastErrorAt;
    public Instant failedSince;
    public Instant lastDigestAt;
    public Instant lastNotificationAt;
    public LocalDate syncStart;
    public LocalDate syncEnd;
    /** NULL: the next pull syncs the whole window. */
    public String deltaLink;
    /** The end of the calendarView window the delta link reads (Graph keeps the window in the link). */
    public Instant deltaWindowEnd;
    public Instant lastDeltaAt;
    public Instant createdAt;
    public Instant updatedAt;
    @Version
    public long version;
}
