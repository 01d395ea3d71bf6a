package io.roomsync.tenant;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** Failed sign-ins for one key (an account or a client address), kept in the database so every node sees them. */
@Entity
@Table(name = "login_throttle")
public class LoginThrottle {
    @Id
    public String keyHash;
    public int failures;
    public Instant windowStartedAt;
    public Instant lockedUntil;
}
