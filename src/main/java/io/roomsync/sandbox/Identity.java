package io.roomsync.sandbox;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tokens the sandbox's identity endpoint issued. Access tokens are opaque random strings that the Graph side looks
 * up here; there is nothing to verify offline, just as an app must treat real Graph tokens as opaque.
 */
final class Identity {
    /** What an access token stands for: an app alone (userId null) or an app acting for a user. */
    static final class Grant {
        final String appId;
        final String tenantId;
        final String userId;
        final String scope;
        final Instant expiresAt;

        Grant(String appId, String tenantId, String userId, String scope, Instant expiresAt) {
            this.appId = appId;
            this.tenantId = tenantId;
            this.userId = userId;
            this.scope = scope;
            this.expiresAt = expiresAt;
        }

        boolean delegated() {
            return userId != null;
        }
    }

    static final class AuthorizationCode {
        final String appId;
        final String tenantId;
        final String userId;
        final String redirectUri;
        final String scope;
        final String codeChallenge;
        final String codeChallengeMethod;
        final String nonce;
        final Instant expiresAt;

        AuthorizationCode(String appId, String tenantId, String userId, String redirectUri, String scope,
                          String codeChallenge, String codeChallengeMethod, String nonce, Instant expiresAt) {
            this.appId = appId;
            this.tenantId = tenantId;
            this.userId = userId;
            this.redirectUri = redirectUri;
            this.scope = scope;
            this.codeChallenge = codeChallenge;
            this.codeChallengeMethod = codeChallengeMethod;
            this.nonce = nonce;
            this.expiresAt = expiresAt;
        }
    }

    static final class RefreshGrant {
        final String appId;
        final String tenantId;
        final String userId;

        RefreshGrant(String appId, String tenantId, String userId) {
            this.appId = appId;
            this.tenantId = tenantId;
            this.userId = userId;
        }
    }

    private final SandboxClock clock;
    private final Map<String, Grant> accessTokens = new ConcurrentHashMap<>();
    private final Map<String, AuthorizationCode> codes = new ConcurrentHashMap<>();
    private final Map<String, RefreshGrant> refreshTokens = new ConcurrentHashMap<>();
    volatile Duration accessTokenLifetime = Duration.ofSeconds(3599);

    Identity(SandboxClock clock) {
        this.clock = clock;
    }

    String issueAccessToken(String appId, String tenantId, String userId, String scope) {
        String token = "sbx." + Ids.token(32);
        accessTokens.put(token, new Grant(appId, tenantId, userId, scope, clock.instant().plus(accessTokenLifetime)));
        return token;
    }

    /** The grant behind a token, or null if the sandbox never issued it or it has expired. */
    Grant accessToken(String token) {
        if (token == null) return null;
        Grant g = accessTokens.get(token);
        if (g == null) return null;
        if (!clock.instant().isBefore(g.expiresAt)) {
            accessTokens.remove(token);
            return null;
        }
        return g;
    }

    String issueCode(AuthorizationCode code) {
        String value = "sbxcode." + Ids.token(32);
        codes.put(value, code);
        return value;
    }

    /** Codes are single use. */
    AuthorizationCode redeemCode(String code) {
        AuthorizationCode c = code == null ? null : codes.remove(code);
        if (c == null || clock.instant().isAfter(c.expiresAt)) return null;
        return c;
    }

    String issueRefreshToken(String appId, String tenantId, String userId) {
        String token = "sbxrt." + Ids.token(40);
        refreshTokens.put(token, new RefreshGrant(appId, tenantId, userId));
        return token;
    }

    RefreshGrant refreshToken(String token) {
        return token == null ? null : refreshTokens.get(token);
    }

    /** Ends every access token now (as if they had all expired): clients must fetch new ones. */
    void expireAccessTokens() {
        accessTokens.clear();
    }

    /** Revokes a user's refresh tokens (password reset, consent revoked). */
    void revokeRefreshTokens(String userId) {
        refreshTokens.values().removeIf(g -> userId.equals(g.userId));
    }

    Map<String, RefreshGrant> refreshTokensView() {
        return Map.copyOf(refreshTokens);
    }

    void restoreRefreshToken(String token, RefreshGrant grant) {
        refreshTokens.put(token, grant);
    }
}
