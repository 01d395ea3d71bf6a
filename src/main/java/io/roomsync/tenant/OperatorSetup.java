package io.roomsync.tenant;

import io.roomsync.audit.AuditLog;
import io.roomsync.common.Tokens;
import io.roomsync.common.ValidationException;
import io.roomsync.db.Tx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import org.hibernate.LockMode;
import org.hibernate.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first platform operator of an installation: a fresh (non-demo) start prints a one-time link to the console,
 * and whoever can read the console creates the operator account there. The link works once, for 24 hours, and
 * only while no operator exists.
 */
public final class OperatorSetup {
    private static final Logger log = LoggerFactory.getLogger(OperatorSetup.class);
    public static final String PURPOSE = "operator-setup";
    public static final Duration VALIDITY = Duration.ofHours(24);

    private final Tx tx;
    private final Clock clock;
    private final AuditLog audit;

    public OperatorSetup(Tx tx, Clock clock, AuditLog audit) {
        this.tx = tx;
        this.clock = clock;
        this.audit = audit;
    }

    public boolean operatorExists() {
        return tx.call(OperatorSetup::operatorExists);
    }

    /** On start-up: when there is no operator yet, creates a set-up link and prints it (and nothing else secret). */
    public Optional<String> announceIfNeeded(String baseUrl) {
        if (operatorExists()) return Optional.empty();
        String link = baseUrl + "/setup/" + createToken();
        log.info("No platform operator yet. Create one within 24 hours at {}", link);
        return Optional.of(link);
    }

    /** A new one-time set-up token; only its hash is stored. */
    public String createToken() {
        String token = Tokens.random(32);
        Instant now = clock.instant();
        tx.run(s -> {
            OneTimeToken t = new OneTimeToken();
            t.tokenHash = Tokens.sha256(token);
            t.purpose = PURPOSE;
            t.createdAt = now;
            t.expiresAt = now.plus(VALIDITY);
            s.persist(t);
        });
        return token;
    }

    /** Whether a set-up link can still be used. */
    public boolean usable(String token) {
        return tx.call(s -> usableToken(s, token, false) != null);
    }

    /** Creates the operator, uses up the link, and returns the new operator's id. */
    public long complete(String token, String displayName, String email, String password) {
        ValidationException.Errors errors = new ValidationException.Errors();
        String name = UserService.checkName(displayName, errors);
        String mail = UserService.checkEmail(email, errors);
        String pw = Passwords.problem(password);
        if (pw != null) errors.add("password", pw);
        errors.throwIfAny();
        String hash = Passwords.hash(password);
        return tx.call(s -> {
            // Locked, so two submits of the same link cannot both create an operator.
            OneTimeToken t = usableToken(s, token, true);
            if (t == null) throw new ValidationException("", "This set-up link has been used or has expired.");
            User u = new User();
            u.tenantId = null;
            u.setEmail(mail);
            u.displayName = name;
            u.roles = EnumSet.of(Role.PLATFORM_OPERATOR);
            u.passwordHash = hash;
            u.active = true;
            u.createdAt = clock.instant();
            s.persist(u);
            t.usedAt = clock.instant();
            t.userId = u.id;
            audit.record(s, SignInService.toCurrentUser(u, null, false), "portal", null, "User", u.id, "create",
                    new AuditLog.Changes().field("email", null, u.email).field("roles", null, Role.PLATFORM_OPERATOR.label));
            return u.id;
        });
    }

    private OneTimeToken usableToken(Session s, String token, boolean lock) {
        if (token == null || token.isBlank() || token.length() > 100) return null;
        OneTimeToken t = lock ? s.find(OneTimeToken.class, Tokens.sha256(token), LockMode.PESSIMISTIC_WRITE)
                : s.find(OneTimeToken.class, Tokens.sha256(token));
        if (t == null || !PURPOSE.equals(t.purpose) || t.usedAt != null || !t.expiresAt.isAfter(clock.instant())) return null;
        if (operatorExists(s)) return null;
        return t;
    }

    private static boolean operatorExists(Session s) {
        // Only platform operators are users without a tenant.
        return s.createSelectionQuery("select count(*) from User where tenantId is null and active = true", Long.class)
                .getSingleResult() > 0;
    }
}
