package io.roomsync.tenant;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A signed-in browser. The id is the SHA-256 of the cookie value, so a database leak yields no usable cookie. */
@Entity
@Table(name = "user_session")
public class UserSession {
    @Id
    public String id;
    public Long userId;
    public Long tenantId;
    public String csrfToken;
    public Instant createdAt;
    public Instant lastSeenAt;
    public Instant expiresAt;
}
