package io.roomsync.tenant;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A one-time link (operator set-up); only the SHA-256 of the token is stored. */
@Entity
@Table(name = "one_time_token")
public class OneTimeToken {
    @Id
    public String tokenHash;
    public String purpose;
    public Long userId;
    public Instant expiresAt;
    public Instant usedAt;
    public Instant createdAt;
}
