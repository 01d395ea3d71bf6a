package io.roomsync.graph;

import java.net.Proxy;
import java.util.Objects;

/**
 * Everything needed to reach one provider's Exchange with an app-only credential: endpoints, the tenant and app
 * registration, its client secret, an optional trusted CA (PEM) and an optional HTTP proxy.
 * The secret never appears in {@link #toString()}.
 */
public final class GraphConnection {
    private final GraphEndpoints endpoints;
    private final String tenantId;
    private final String clientId;
    private final String clientSecret;
    private final String trustedCaPem;
    private final Proxy proxy;

    public GraphConnection(GraphEndpoints endpoints, String tenantId, String clientId, String clientSecret,
                           String trustedCaPem, Proxy proxy) {
        this.endpoints = Objects.requireNonNull(endpoints, "endpoints");
        this.tenantId = requireText(tenantId, "tenant id");
        this.clientId = requireText(clientId, "client id");
        this.clientSecret = requireText(clientSecret, "client secret");
        this.trustedCaPem = trustedCaPem == null || trustedCaPem.isBlank() ? null : trustedCaPem;
        this.proxy = proxy;
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

    public String trustedCaPem() {
        return trustedCaPem;
    }

    public Proxy proxy() {
        return proxy;
    }

    @Override
    public String toString() {
        return "GraphConnection(" + endpoints + ", tenant " + tenantId + ", client " + clientId + ", secret ***"
                + (trustedCaPem != null ? ", custom CA" : "") + (proxy != null ? ", proxy " + proxy : "") + ")";
    }
}
