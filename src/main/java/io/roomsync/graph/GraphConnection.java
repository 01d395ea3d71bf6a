package io.roomsync.graph;

import java.net.Proxy;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;

/**
 * Everything needed to reach one provider's Exchange with an app-only credential: endpoints, the tenant and app
 * registration, its client secret or certificate with private key, an optional trusted CA (PEM) and an optional
 * HTTP proxy (with an optional login). Secrets never appear in {@link #toString()}.
 */
public final class GraphConnection {
    private final GraphEndpoints endpoints;
    private final String tenantId;
    private final String clientId;
    private final String clientSecret;
    private final PrivateKey privateKey;
    private final X509Certificate certificate;
    private final String trustedCaPem;
    private final Proxy proxy;
    private final String proxyUser;
    private final String proxyPassword;

    /** With a client secret. */
    public GraphConnection(GraphEndpoints endpoints, String tenantId, String clientId, String clientSecret,
                           String trustedCaPem, Proxy proxy) {
        this(endpoints, tenantId, clientId, requireText(clientSecret, "client secret"), null, null, trustedCaPem, proxy, null, null);
    }

    private GraphConnection(GraphEndpoints endpoints, String tenantId, String clientId, String clientSecret, PrivateKey privateKey,
                            X509Certificate certificate, String trustedCaPem, Proxy proxy, String proxyUser, String proxyPassword) {
        this.endpoints = Objects.requireNonNull(endpoints, "endpoints");
        this.tenantId = requireText(tenantId, "tenant id");
        this.clientId = requireText(clientId, "client id");
        this.clientSecret = clientSecret;
        this.privateKey = privateKey;
        this.certificate = certificate;
        this.trustedCaPem = trustedCaPem == null || trustedCaPem.isBlank() ? null : trustedCaPem;
        this.proxy = proxy;
        this.proxyUser = proxyUser == null || proxyUser.isBlank() ? null : proxyUser;
        this.proxyPassword = proxyPassword;
    }

    /** With a certificate credential: the certificate registered on the app and its private key (RSA). */
    public static GraphConnection withCertificate(GraphEndpoints endpoints, String tenantId, String clientId, PrivateKey privateKey,
                                                  X509Certificate certificate, String trustedCaPem, Proxy proxy) {
        Objects.requireNonNull(privateKey, "The certificate's private key is required");
        Objects.requireNonNull(certificate, "The certificate is required");
        return new GraphConnection(endpoints, tenantId, clientId, null, privateKey, certificate, trustedCaPem, proxy, null, null);
    }

    /** The same connection signing in to its proxy (Basic) with this user and password. */
    public GraphConnection withProxyLogin(String user, String password) {
        return new GraphConnection(endpoints, tenantId, clientId, clientSecret, privateKey, certificate, trustedCaPem, proxy, user, password);
    }

    private static String requireText(String s, String what) {
        if (s == null || s.isBlank()) throw new IllegalArgumentException("The " + what + " is required");
        return s.trim();
    }

    public GraphEndpoints endpoints() {
        return endpoints;
    }

    public String tenantId() {
        return tenantId;
    }

    public String clientId() {
        return clientId;
    }

    String clientSecret() {
        return clientSecret;
    }

    PrivateKey privateKey() {
        return privateKey;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    String proxyUser() {
        return proxyUser;
    }

    String proxyPassword() {
        return proxyPassword;
    }

    public String trustedCaPem() {
        return trustedCaPem;
    }

    public Proxy proxy() {
        return proxy;
    }

    @Override
    public String toString() {
        return "GraphConnection(" + endpoints + ", tenant " + tenantId + ", client " + clientId + (privateKey != null ? ", certificate " + certificate.getSubjectX500Principal().getName() : ", secret ***")
                + (trustedCaPem != null ? ", custom CA" : "") + (proxy != null ? ", proxy " + proxy + (proxyUser != null ? " as " + proxyUser + " ***" : "") : "") + ")";
    }
}
