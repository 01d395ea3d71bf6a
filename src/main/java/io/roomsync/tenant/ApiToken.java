package io.roomsync.tenant;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A personal access token for the REST API. Shown once; stored as its SHA-256. Acts as its user. */
@Entity
@Table(name = "api_token")
public class ApiToken {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    public Long tenantId;
    public Long userId;
    public String name;
    public String tokenHash;
    /** The first characters of the token, so a user can tell tokens apart. */
    public String tokenPrefix;
    public Instant createdAt;
    public Instant lastUsedAt;
    public Instant revokedAt;
}
