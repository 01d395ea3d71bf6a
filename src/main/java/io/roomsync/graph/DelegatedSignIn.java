package io.roomsync.graph;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.microsoft.aad.msal4j.AuthorizationCodeParameters;
import com.microsoft.aad.msal4j.AuthorizationRequestUrlParameters;
import com.microsoft.aad.msal4j.ClientCredentialFactory;
import com.microsoft.aad.msal4j.ConfidentialClientApplication;
import com.microsoft.aad.msal4j.IAccount;
import com.microsoft.aad.msal4j.IAuthenticationResult;
import com.microsoft.aad.msal4j.ITokenCacheAccessAspect;
import com.microsoft.aad.msal4j.ITokenCacheAccessContext;
import com.microsoft.aad.msal4j.Prompt;
import com.microsoft.aad.msal4j.ResponseMode;
import com.microsoft.aad.msal4j.SilentParameters;
import com.microsoft.graph.core.authentication.AzureIdentityAuthenticationProvider;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import java.net.MalformedURLException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import reactor.core.publisher.Mono;

/**
 * Delegated access (the "Strict" delegated connection and "Personal" user tokens): the authorization-code flow with
 * PKCE and form_post, and Graph clients that act for one user from an msal4j token cache the app keeps (encrypted)
 * itself. State, nonce and PKCE verifier must be kept server-side keyed by state: the form_post callback is a
 * cross-site POST that carries no SameSite=Lax cookie.
 */
public final class DelegatedSignIn {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final GraphConnection connection;
    private final TrustedCa trust;
    private final boolean sdkRetries;

    public DelegatedSignIn(GraphConnection connection) {
        this(connection, true);
    }

    /** @param sdkRetries false: 429/503/504 come back at once as {@link GraphFailure}s (see GraphClientFactory). */
    public DelegatedSignIn(GraphConnection connection, boolean sdkRetries) {
        this.connection = Objects.requireNonNull(connection);
        this.trust = TrustedCa.of(connection.trustedCaPem());
        this.sdkRetries = sdkRetries;
    }

    /** A started sign-in: send the browser to {@code authorizationUrl}; keep the rest server-side under {@code state}. */
    public record Start(URI authorizationUrl, String state, String nonce, String codeVerifier) {
        @Override
        public String toString() {
            return "Start(" + authorizationUrl + ", state " + state + ")";
        }
    }

    /** A finished sign-in: who signed in, and the msal4j token cache to store (encrypted) for later calls. */
    public record SignedIn(String homeAccountId, String username, String tokenCache) {
        @Override
        public String toString() {
            return "SignedIn(" + username + ", " + homeAccountId + ")";
        }
    }

    public Start begin(String redirectUri, Set<String> permissions, String loginHint) {
        String state = random(24);
        String nonce = random(24);
        String verifier = random(48);
        AuthorizationRequestUrlParameters.Builder p = AuthorizationRequestUrlParameters.builder(redirectUri, scopes(permissions))
                .state(state).nonce(nonce)
                .codeChallenge(challenge(verifier)).codeChallengeMethod("S256")
                .responseMode(ResponseMode.FORM_POST)
                .prompt(Prompt.SELECT_ACCOUNT);
        if (loginHint != null && !loginHint.isBlank()) p.loginHint(loginHint);
        try {
            return new Start(app(null).getAuthorizationRequestUrl(p.build()).toURI(), state, nonce, verifier);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Redeems the code posted back to the redirect URI; throws {@link GraphFailure} if the platform refuses it. */
    public SignedIn finish(String code, String redirectUri, String codeVerifier, Set<String> permissions) {
        CacheHolder cache = new CacheHolder(null, c -> { });
        ConfidentialClientApplication app = app(cache);
        try {
            IAuthenticationResult r = app.acquireToken(AuthorizationCodeParameters.builder(code, URI.create(redirectUri))
                    .scopes(scopes(permissions)).codeVerifier(codeVerifier).build()).get();
            IAccount account = r.account();
            if (account == null) throw new GraphFailure(GraphFailure.Kind.UNAUTHENTICATED, 0, null,
                    "The identity platform returned no account for the signed-in user", null, null, null, null);
            return new SignedIn(account.homeAccountId(), account.username(), cache.value);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw GraphErrors.translate(e);
        } catch (GraphFailure e) {
            throw e;
        } catch (Exception e) {
            throw GraphErrors.translate(e);
        }
    }

    /**
     * A Graph client acting for the user whose tokens are in {@code tokenCache}. msal4j refreshes the access token
     * from the cached refresh token when needed; {@code cacheChanged} receives the new cache to store.
     */
    public GraphServiceClient client(String tokenCache, String homeAccountId, Set<String> permissions, Consumer<String> cacheChanged) {
        CacheHolder cache = new CacheHolder(tokenCache, cacheChanged);
        ConfidentialClientApplication app = app(cache);
        Set<String> scopes = scopes(permissions);
        TokenCredential credential = new TokenCredential() {
            @Override
            public Mono<AccessToken> getToken(TokenRequestContext request) {
                return Mono.fromCallable(() -> token());
            }

            @Override
            public AccessToken getTokenSync(TokenRequestContext request) {
                return token();
            }

            private AccessToken token() {
                try {
                    IAccount account = null;
                    for (IAccount a : app.getAccounts().get()) if (a.homeAccountId().equals(homeAccountId)) account = a;
                    if (account == null) {
                        throw new GraphFailure(GraphFailure.Kind.UNAUTHENTICATED, 0, null,
                                "The stored token cache holds no account " + homeAccountId + "; the user must sign in again", null, null, null, null);
                    }
                    IAuthenticationResult r = app.acquireTokenSilently(SilentParameters.builder(scopes, account).build()).get();
                    return new AccessToken(r.accessToken(), r.expiresOnDate().toInstant().atOffset(ZoneOffset.UTC));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw GraphErrors.translate(e);
                } catch (GraphFailure e) {
                    throw e;
                } catch (Exception e) {
                    throw GraphErrors.translate(e);
                }
            }
        };
        AzureIdentityAuthenticationProvider auth = new AzureIdentityAuthenticationProvider(credential,
                new String[] {connection.endpoints().graphHost()}, scopes.toArray(new String[0]));
        GraphServiceClient client = new GraphServiceClient(auth, GraphHttp.client(connection, trust, sdkRetries));
        client.getRequestAdapter().setBaseUrl(connection.endpoints().graphBaseUrl());
        return client;
    }

    private Set<String> scopes(Set<String> permissions) {
        Set<String> out = new LinkedHashSet<>();
        for (String p : permissions) out.add(connection.endpoints().scope(p));
        return out;
    }

    private ConfidentialClientApplication app(CacheHolder cache) {
        try {
            ConfidentialClientApplication.Builder b = ConfidentialClientApplication
                    .builder(connection.clientId(), GraphClientFactory.credential(connection))
                    .sslSocketFactory(trust.sslContext().getSocketFactory())
                    .connectTimeoutForDefaultHttpClient(10_000)
                    .readTimeoutForDefaultHttpClient(100_000);
            String authority = connection.endpoints().authority(connection.tenantId());
            if (connection.endpoints().oidc()) b.oidcAuthority(authority); else b.authority(authority);
            if (connection.proxyUser() != null) {
                b.httpClient(new MsalOkHttp(connection, trust));
            } else if (connection.proxy() != null) {
                b.proxy(connection.proxy());
            }
            if (cache != null) b.setTokenCacheAccessAspect(cache);
            try {
                return b.build();
            } catch (RuntimeException e) {
                // An OIDC authority (custom clouds) is discovered while building: an unreachable one fails here.
                throw GraphErrors.translate(e);
            }
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("The provider's authority is not a valid URL: " + e.getMessage(), e);
        }
    }

    /** One user's serialized msal4j cache, loaded before each access and handed back when it changed. */
    private static final class CacheHolder implements ITokenCacheAccessAspect {
        private volatile String value;
        private final Consumer<String> changed;

        CacheHolder(String value, Consumer<String> changed) {
            this.value = value;
            this.changed = changed;
        }

        @Override
        public void beforeCacheAccess(ITokenCacheAccessContext context) {
            if (value != null) context.tokenCache().deserialize(value);
        }

        @Override
        public void afterCacheAccess(ITokenCacheAccessContext context) {
            if (context.hasCacheChanged()) {
                value = context.tokenCache().serialize();
                changed.accept(value);
            }
        }
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static String challenge(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
