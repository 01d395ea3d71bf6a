package io.roomsync.tenant;

import io.roomsync.common.Tokens;
import io.roomsync.db.Tx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import org.hibernate.LockMode;
import org.hibernate.Session;

/**
 * Local sign-in, database-backed sessions and API token authentication.
 * Repeated failures lock the account and the client address for a while, on every node at once.
 */
public final class SignInService {
    public static final Duration SESSION_IDLE = Duration.ofHours(12);
    public static final Duration SESSION_MAX = Duration.ofDays(7);
    static final int MAX_FAILURES = 5;
    static final int MAX_FAILURES_PER_ADDRESS = 30;
    static final Duration FAILURE_WINDOW = Duration.ofMinutes(15);
    static final Duration LOCKOUT = Duration.ofMinutes(15);
    /** Sessions are touched at most this often, so reads stay reads. */
    private static final Duration TOUCH_INTERVAL = Duration.ofMinutes(5);

    private final Tx tx;
    private final Clock clock;

    public SignInService(Tx tx, Clock clock) {
        this.tx = tx;
        this.clock = clock;
    }

    public sealed interface Outcome {
        record SignedIn(String sessionCookie, CurrentUser user) implements Outcome {}
        record Rejected(String message) implements Outcome {}
        record Locked(Instant until) implements Outcome {}
    }

    /** tenantSlug null or blank signs in a platform operator. */
    public Outcome signIn(String tenantSlug, String email, String password, String clientAddress) {
        Instant now = clock.instant();
        String slug = tenantSlug == null ? "" : tenantSlug.trim().toLowerCase(Locale.ROOT);
        String emailLower = email == null ? "" : email.trim().toLowerCase(Locale.ROOT);
        String accountKey = Tokens.sha256("account:" + slug + ":" + emailLower);
        String addressKey = Tokens.sha256("address:" + clientAddress);

        Instant lockedUntil = tx.call(s -> {
            Instant a = lockedUntil(s, accountKey, now);
            Instant b = lockedUntil(s, addressKey, now);
            if (a == null) return b;
            return b == null || a.isAfter(b) ? a : b;
        });
        if (lockedUntil != null) return new Outcome.Locked(lockedUntil);

        User user = tx.call(s -> findUser(s, slug, emailLower));
        // Always verify a hash, so the answer takes as long whether or not the account exists.
        boolean ok = Passwords.matches(password, user == null ? null : user.passwordHash) && user.active;
        if (!ok) {
            tx.run(s -> {
                recordFailure(s, accountKey, now, MAX_FAILURES);
                recordFailure(s, addressKey, now, MAX_FAILURES_PER_ADDRESS);
            });
            return new Outcome.Rejected("The organization, e-mail or password is not right.");
        }
        return tx.call(s -> {
            LoginThrottle t = s.find(LoginThrottle.class, accountKey);
            if (t != null) s.remove(t);
            String cookie = Tokens.random(32);
            UserSession session = persistSession(s, user, cookie, now);
            return new Outcome.SignedIn(cookie, toCurrentUser(user, session.csrfToken, false));
        });
    }

    /** Creates a session for a user without a password check (after one-time set-up links). */
    public String startSession(long userId) {
        Instant now = clock.instant();
        return tx.call(s -> {
            String cookie = Tokens.random(32);
            persistSession(s, s.find(User.class, userId), cookie, now);
            return cookie;
        });
    }

    /** The user behind a session cookie, if the session is valid; extends idle sessions. */
    public Optional<CurrentUser> sessionUser(String cookie) {
        if (cookie == null || cookie.isBlank() || cookie.length() > 100) return Optional.empty();
        String id = Tokens.sha256(cookie);
        Instant now = clock.instant();
        return Optional.ofNullable(tx.call(s -> {
            UserSession session = s.find(UserSession.class, id);
            if (session == null) return null;
            if (session.expiresAt.isBefore(now) || session.createdAt.plus(SESSION_MAX).isBefore(now)) {
                s.remove(session);
                return null;
            }
            User user = s.find(User.class, session.userId);
            if (user == null || !user.active) return null;
            if (session.lastSeenAt.plus(TOUCH_INTERVAL).isBefore(now)) {
                session.lastSeenAt = now;
                session.expiresAt = now.plus(SESSION_IDLE);
            }
            return toCurrentUser(user, session.csrfToken, false);
        }));
    }

    public void signOut(String cookie) {
        if (cookie == null) return;
        String id = Tokens.sha256(cookie);
        tx.run(s -> s.createMutationQuery("delete from UserSession where id = :id").setParameter("id", id).executeUpdate());
    }

    /** Ends every session of a user (password change, deactivation). */
    public void signOutEverywhere(Session s, long userId) {
        s.createMutationQuery("delete from UserSession where userId = :u").setParameter("u", userId).executeUpdate();
    }

    /** The user behind an API token (as sent in "Authorization: Bearer ..."), if valid and not revoked. */
    public Optional<CurrentUser> apiTokenUser(String token) {
        if (token == null || token.isBlank() || token.length() > 200) return Optional.empty();
        String hash = Tokens.sha256(token.trim());
        Instant now = clock.instant();
        return Optional.ofNullable(tx.call(s -> {
            ApiToken t = s.createSelectionQuery("from ApiToken where tokenHash = :h", ApiToken.class)
                    .setParameter("h", hash).uniqueResult();
            if (t == null || t.revokedAt != null) return null;
            User user = s.find(User.class, t.userId);
            if (user == null || !user.active || !user.tenantId.equals(t.tenantId)) return null;
            if (t.lastUsedAt == null || t.lastUsedAt.plus(TOUCH_INTERVAL).isBefore(now)) t.lastUsedAt = now;
            return toCurrentUser(user, null, true);
        }));
    }

    public void purgeExpiredSessions() {
        Instant now = clock.instant();
        tx.run(s -> s.createMutationQuery("delete from UserSession where expiresAt < :now").setParameter("now", now).executeUpdate());
    }

    /** Only the cookie's hash is stored, so the sessions table holds nothing a thief could send. */
    private static UserSession persistSession(Session s, User user, String cookie, Instant now) {
        UserSession session = new UserSession();
        session.id = Tokens.sha256(cookie);
        session.userId = user.id;
        session.tenantId = user.tenantId;
        session.csrfToken = Tokens.random(24);
        session.createdAt = now;
        session.lastSeenAt = now;
        session.expiresAt = now.plus(SESSION_IDLE);
        s.persist(session);
        return session;
    }

    static CurrentUser toCurrentUser(User user, String csrf, boolean api) {
        return new CurrentUser(user.id, user.tenantId, user.email, user.displayName, user.timeZone,
                java.util.Set.copyOf(user.roles), csrf, api);
    }

    private static User findUser(Session s, String slug, String emailLower) {
        if (slug.isEmpty()) {
            return s.createSelectionQuery("from User where tenantId is null and emailLower = :e", User.class)
                    .setParameter("e", emailLower).uniqueResult();
        }
        return s.createSelectionQuery(
                        "select u from User u join Tenant t on t.id = u.tenantId where t.slug = :slug and u.emailLower = :e", User.class)
                .setParameter("slug", slug).setParameter("e", emailLower).uniqueResult();
    }

    private static Instant lockedUntil(Session s, String key, Instant now) {
        LoginThrottle t = s.find(LoginThrottle.class, key);
        return t != null && t.lockedUntil != null && t.lockedUntil.isAfter(now) ? t.lockedUntil : null;
    }

    private static void recordFailure(Session s, String key, Instant now, int limit) {
        LoginThrottle t = s.find(LoginThrottle.class, key, LockMode.PESSIMISTIC_WRITE);
        if (t == null) {
            t = new LoginThrottle();
            t.keyHash = key;
            t.failures = 0;
            t.windowStartedAt = now;
            s.persist(t);
        }
        if (t.windowStartedAt.plus(FAILURE_WINDOW).isBefore(now)) {
            t.failures = 0;
            t.windowStartedAt = now;
            t.lockedUntil = null;
        }
        t.failures++;
        if (t.failures >= limit) t.lockedUntil = now.plus(LOCKOUT);
    }
}
