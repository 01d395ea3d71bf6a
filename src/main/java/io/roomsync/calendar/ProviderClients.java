package io.roomsync.calendar;

import io.roomsync.calendar.ProviderService.GraphSettings;
import io.roomsync.graph.GraphClientFactory;
import io.roomsync.graph.GraphClientFactory.GraphApp;
import io.roomsync.graph.GraphCloud;
import io.roomsync.graph.GraphConnection;
import io.roomsync.graph.GraphEndpoints;
import io.roomsync.graph.GraphFailure;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One app-only Graph client per provider, built from the provider's settings and its system connection, and built
 * again when any of them changes (a fingerprint of the opened settings is compared on every use). Clients keep
 * msal4j's token cache, so a token is acquired once per provider and reused until it nears expiry.
 */
public final class ProviderClients {
    private record Cached(String fingerprint, GraphApp app) {}

    private final ProviderService providers;
    private final GraphClientFactory factory;
    private final ConcurrentHashMap<Long, Cached> clients = new ConcurrentHashMap<>();
    private final AllowedHosts allowedHosts;

    /**
     * @param factory {@link GraphClientFactory#withoutSdkRetries()} for workers that reschedule on Retry-After
     * @param allowedHosts where, besides Microsoft's clouds, credentials may be sent
     */
    public ProviderClients(ProviderService providers, GraphClientFactory factory, AllowedHosts allowedHosts) {
        this.providers = providers;
        this.factory = factory;
        this.allowedHosts = allowedHosts;
    }

    /**
     * The app-only client of a provider of this tenant; GraphFailure UNAUTHENTICATED if it has no system connection
     * or would send its credentials to a host the platform operator has not allowed.
     */
    public GraphApp app(long tenantId, long providerId) {
        GraphSettings settings = providers.graphSettings(tenantId, providerId);
        String refused = allowedHosts.refused(settings);
        if (refused != null) {
            throw new GraphFailure(GraphFailure.Kind.UNAUTHENTICATED, 0, null, "The provider \"" + settings.providerName()
                    + "\" would send its credentials to " + refused + ", which the platform operator has not allowed "
                    + "(ROOMSYNC_ALLOWED_HOSTS)", null, null, null, null);
        }
        String fingerprint = fingerprint(settings);
        Cached cached = clients.get(providerId);
        if (cached != null && cached.fingerprint.equals(fingerprint)) return cached.app;
        GraphApp app = factory.appClient(connection(settings));
        clients.put(providerId, new Cached(fingerprint, app));
        return app;
    }

    /** The Graph layer's view of a provider's app-only access. */
    public static GraphConnection connection(GraphSettings s) {
        if (s.system() == null) {
            throw new GraphFailure(GraphFailure.Kind.UNAUTHENTICATED, 0, null, "The provider \"" + s.providerName()
                    + "\" has no app-only connection, and the tenant has no default one", null, null, null, null);
        }
        boolean certificate = s.system().credentialType() == CredentialType.CERTIFICATE;
        if (certificate ? s.system().certificate() == null : s.system().clientSecret() == null) {
            throw new GraphFailure(GraphFailure.Kind.UNAUTHENTICATED, 0, null, "The connection \"" + s.system().name()
                    + "\" has no " + (certificate ? "certificate" : "client secret"), null, null, null, null);
        }
        GraphEndpoints endpoints = s.cloud() == Cloud.CUSTOM
                ? GraphEndpoints.custom(s.authorityUrl(), s.graphBaseUrl() + "/v1.0")
                : GraphEndpoints.of(graphCloud(s.cloud()));
        java.net.Proxy proxy = s.proxy() == null ? null
                : new java.net.Proxy(java.net.Proxy.Type.HTTP, InetSocketAddress.createUnresolved(s.proxy().host(), s.proxy().port()));
        GraphConnection connection = certificate
                ? GraphConnection.withCertificate(endpoints, s.entraTenantId(), s.system().clientId(),
                        s.system().certificate().privateKey(), s.system().certificate().certificate(), pem(s), proxy)
                : new GraphConnection(endpoints, s.entraTenantId(), s.system().clientId(), s.system().clientSecret(), pem(s), proxy);
        return s.proxy() == null || s.proxy().user() == null ? connection : connection.withProxyLogin(s.proxy().user(), s.proxy().password());
    }

    private static GraphCloud graphCloud(Cloud cloud) {
        return switch (cloud) {
            case GLOBAL -> GraphCloud.GLOBAL;
            case US_GOV_GCC_HIGH -> GraphCloud.US_GOV_HIGH;
            case US_GOV_DOD -> GraphCloud.US_GOV_DOD;
            case CHINA -> GraphCloud.CHINA;
            case CUSTOM -> GraphCloud.CUSTOM;
        };
    }

    private static String pem(GraphSettings s) {
        if (s.trustedCertificates().isEmpty()) return null;
        StringBuilder out = new StringBuilder();
        Base64.Encoder mime = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
        for (X509Certificate c : s.trustedCertificates()) {
            try {
                out.append("-----BEGIN CERTIFICATE-----\n").append(mime.encodeToString(c.getEncoded()))
                        .append("\n-----END CERTIFICATE-----\n");
            } catch (CertificateEncodingException e) {
                throw new IllegalStateException("A trusted CA certificate of provider " + s.providerId() + " cannot be encoded", e);
            }
        }
        return out.toString();
    }

    private static String keyDigest(Certificates.KeyMaterial material) {
        if (material == null) return null;
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(material.privateKey().getEncoded());
            sha.update(material.certificate().getEncoded());
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A digest of everything the client is built from, secrets included (never stored or shown). */
    private static String fingerprint(GraphSettings s) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            GraphConnection c = connection(s);
            for (String part : new String[] {c.toString(), s.system().clientSecret(), keyDigest(s.system().certificate()), c.trustedCaPem(),
                    s.proxy() == null ? null : s.proxy().user(), s.proxy() == null ? null : s.proxy().password()}) {
                sha.update(String.valueOf(part).getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
