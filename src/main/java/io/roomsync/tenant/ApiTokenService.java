package io.roomsync.tenant;

import io.roomsync.audit.AuditLog;
import io.roomsync.common.NotFoundException;
import io.roomsync.common.Tokens;
import io.roomsync.common.ValidationException;
import io.roomsync.db.Tx;
import java.time.Clock;
import java.util.List;

/**
 * Personal access tokens: a user creates them for scripts and integrations. The token is shown once and only its
 * SHA-256 is kept; it acts as its user, with the user's roles, until revoked or the user is deactivated.
 */
public final class ApiTokenService {
    public static final String TOKEN_PREFIX = "rs_";
    static final int MAX_ACTIVE_TOKENS = 50;

    private final Tx tx;
    private final Clock clock;
    private final AuditLog audit;

    public ApiTokenService(Tx tx, Clock clock, AuditLog audit) {
        this.tx = tx;
        this.clock = clock;
        this.audit = audit;
    }

    /** A new token: the secret itself (to show once) and its record. */
    public record Created(String token, ApiToken record) {}

    public List<ApiToken> mine(CurrentUser user) {
        return tx.call(s -> s.createSelectionQuery(
                        "from ApiToken where tenantId = :t and userId = :u order by case when revokedAt is null then 0 else 1 end, createdAt desc, id desc", ApiToken.class)
                .setParameter("t", user.tenant()).setParameter("u", user.userId()).getResultList());
    }

    public Created create(CurrentUser user, String name) {
        String n = name == null ? "" : name.trim();
        if (n.isEmpty()) throw new ValidationException("name", "Give the token a name, so you can tell it apart later.");
        if (n.length() > 100) throw new ValidationException("name", "Use at most 100 characters.");
        long tenantId = user.tenant();
        return tx.call(s -> {
            long active = s.createSelectionQuery("select count(*) from ApiToken where userId = :u and revokedAt is null", Long.class)
                    .setParameter("u", user.userId()).getSingleResult();
            if (active >= MAX_ACTIVE_TOKENS) {
                throw new ValidationException("name", "You have " + active + " active tokens. Revoke ones you no longer use first.");
            }
            String token = TOKEN_PREFIX + Tokens.random(32);
            ApiToken t = new ApiToken();
            t.tenantId = tenantId;
            t.userId = user.userId();
            t.name = n;
            t.tokenHash = Tokens.sha256(token);
            t.tokenPrefix = token.substring(0, 8);
            t.createdAt = clock.instant();
            s.persist(t);
            audit.record(s, user, "portal", null, "ApiToken", t.id, "create",
                    new AuditLog.Changes().field("name", null, t.name).field("prefix", null, t.tokenPrefix));
            return new Created(token, t);
        });
    }

    /** Revokes one of the user's own tokens; anyone else's token is not found. */
    public ApiToken revoke(CurrentUser user, long tokenId) {
        return tx.call(s -> {
            ApiToken t = s.createSelectionQuery("from ApiToken where id = :id and tenantId = :t and userId = :u", ApiToken.class)
                    .setParameter("id", tokenId).setParameter("t", user.tenant()).setParameter("u", user.userId()).uniqueResult();
            if (t == null) throw new NotFoundException("Token");
            if (t.revokedAt == null) {
                t.revokedAt = clock.instant();
                audit.record(s, user, "portal", null, "ApiToken", t.id, "revoke", new AuditLog.Changes().field("name", null, t.name).field("revokedAt", null, t.revokedAt));
            }
            return t;
        });
    }
}
