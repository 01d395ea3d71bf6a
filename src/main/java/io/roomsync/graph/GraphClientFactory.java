package io.roomsync.graph;

import com.microsoft.aad.msal4j.ClientCredentialFactory;
import com.microsoft.aad.msal4j.ConfidentialClientApplication;
import com.microsoft.aad.msal4j.IClientCredential;
import com.microsoft.graph.core.authentication.AzureIdentityAuthenticationProvider;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import java.net.MalformedURLException;
import java.time.Duration;
import java.time.Instant;

/**
 * Builds Graph clients for a provider. This is where the SDK is pointed at the provider's cloud: its base URL,
 * its identity platform through msal4j, its trusted CA, its proxy — and where the allowed-hosts trap is avoided:
 * {@code new GraphServiceClient(credential, scopes)} only attaches tokens for Microsoft's own Graph hosts and sends
 * requests to any other host without an Authorization header, silently. The provider's Graph host is therefore
 * named explicitly as the one host tokens go to.
 */
public final class GraphClientFactory {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(100);
    private final boolean sdkRetries;

    /** Clients whose SDK retry handler retries 429/503/504 itself, sleeping on the calling thread. */
    public GraphClientFactory() {
        this(true);
    }

    private GraphClientFactory(boolean sdkRetries) {
        this.sdkRetries = sdkRetries;
    }

    /**
     * Clients that return 429/503/504 at once as {@link GraphFailure}s with Retry-After, for workers that schedule
     * their own retries instead of parking a thread.
     */
    public static GraphClientFactory withoutSdkRetries() {
        return new GraphClientFactory(false);
    }

    /** A Graph client acting as the app itself (client credentials). */
    public GraphApp appClient(GraphConnection connection) {
        TrustedCa trust = TrustedCa.of(connection.trustedCaPem());
        ConfidentialClientApplication msal = msal(connection, trust);
        MsalAppCredential credential = new MsalAppCredential(msal, connection.endpoints().defaultScope());
        AzureIdentityAuthenticationProvider auth = new AzureIdentityAuthenticationProvider(credential,
                new String[] {connection.endpoints().graphHost()}, connection.endpoints().defaultScope());
        GraphServiceClient client = new GraphServiceClient(auth, GraphHttp.client(connection, trust, sdkRetries));
        client.getRequestAdapter().setBaseUrl(connection.endpoints().graphBaseUrl());
        return new GraphApp(connection.clientId(), client, credential);
    }

    static ConfidentialClientApplication msal(GraphConnection connection, TrustedCa trust) {
        try {
            ConfidentialClientApplication.Builder b = ConfidentialClientApplication
                    .builder(connection.clientId(), credential(connection))
                    .sslSocketFactory(trust.sslContext().getSocketFactory())
                    .connectTimeoutForDefaultHttpClient((int) CONNECT_TIMEOUT.toMillis())
                    .readTimeoutForDefaultHttpClient((int) READ_TIMEOUT.toMillis());
            String authority = connection.endpoints().authority(connection.tenantId());
            if (connection.endpoints().oidc()) {
                b.oidcAuthority(authority);
            } else {
                b.authority(authority);
            }
            if (connection.proxyUser() != null) {
                b.httpClient(new MsalOkHttp(connection, trust));
            } else if (connection.proxy() != null) {
                b.proxy(connection.proxy());
            }
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

    static IClientCredential credential(GraphConnection connection) {
        if (connection.privateKey() != null) {
            // msal4j signs a client assertion (a JWT naming the certificate's thumbprint) with the key for every token request.
            return ClientCredentialFactory.createFromCertificate(connection.privateKey(), connection.certificate());
        }
        return ClientCredentialFactory.createFromSecret(connection.clientSecret());
    }

    /** A Graph client bound to one app registration, plus a way to check that its credential works. */
    public static final class GraphApp {
        private final String clientId;
        private final GraphServiceClient client;
        private final MsalAppCredential credential;

        GraphApp(String clientId, GraphServiceClient client, MsalAppCredential credential) {
            this.clientId = clientId;
            this.client = client;
            this.credential = credential;
        }

        /** The app registration's client id: Outlook's limits count per app and mailbox. */
        public String clientId() {
            return clientId;
        }

        public GraphServiceClient client() {
            return client;
        }

        /**
         * Acquires an app token (from msal4j's cache when it has one) and returns when it expires; throws
         * {@link GraphFailure} (UNAUTHENTICATED, UNREACHABLE...) when the credential or the endpoint is wrong.
         */
        public Instant checkToken() {
            return credential.acquire().expiresOnDate().toInstant();
        }
    }
}
