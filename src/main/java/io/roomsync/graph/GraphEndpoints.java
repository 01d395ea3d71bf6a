package io.roomsync.graph;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/**
 * Where one provider's identity platform and Graph live. Microsoft's clouds use the AAD authority
 * ({host}/{tenant}/); a custom cloud (the Exchange sandbox, a proxy) is reached as an OIDC authority
 * ({host}/{tenant}/v2.0/), which msal4j handles fully (token cache and refresh) even with a port in the URL.
 */
public final class GraphEndpoints {
    private final GraphCloud cloud;
    private final String authorityHost;
    private final String graphBaseUrl;

    private GraphEndpoints(GraphCloud cloud, String authorityHost, String graphBaseUrl) {
        this.cloud = cloud;
        this.authorityHost = stripSlash(authorityHost);
        this.graphBaseUrl = stripSlash(graphBaseUrl);
        requireHttps(this.authorityHost, "authority host");
        requireHttps(this.graphBaseUrl, "Graph base URL");
    }

    public static GraphEndpoints of(GraphCloud cloud) {
        if (cloud == GraphCloud.CUSTOM) throw new IllegalArgumentException("A custom cloud needs its authority host and Graph base URL");
        return new GraphEndpoints(cloud, cloud.authorityHost(), cloud.graphBaseUrl());
    }

    /** A custom cloud, e.g. the sandbox: ("https://localhost:8443", "https://localhost:8443/v1.0"). */
    public static GraphEndpoints custom(String authorityHost, String graphBaseUrl) {
        return new GraphEndpoints(GraphCloud.CUSTOM, Objects.requireNonNull(authorityHost), Objects.requireNonNull(graphBaseUrl));
    }

    public GraphCloud cloud() {
        return cloud;
    }

    public String authorityHost() {
        return authorityHost;
    }

    public String graphBaseUrl() {
        return graphBaseUrl;
    }

    /** The host the SDK may send tokens to: the Graph host, without port (Kiota compares host names only). */
    public String graphHost() {
        return URI.create(graphBaseUrl).getHost().toLowerCase(Locale.ROOT);
    }

    /** The app-only scope: the Graph resource followed by /.default. */
    public String defaultScope() {
        URI u = URI.create(graphBaseUrl);
        return u.getScheme() + "://" + u.getRawAuthority() + "/.default";
    }

    /** A delegated permission scope on this cloud's Graph, e.g. Calendars.ReadWrite. */
    public String scope(String permission) {
        URI u = URI.create(graphBaseUrl);
        return u.getScheme() + "://" + u.getRawAuthority() + "/" + permission;
    }

    boolean oidc() {
        return cloud == GraphCloud.CUSTOM;
    }

    String authority(String tenantId) {
        return oidc() ? authorityHost + "/" + tenantId + "/v2.0/" : authorityHost + "/" + tenantId + "/";
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private static void requireHttps(String url, String what) {
        URI u;
        try {
            u = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("The " + what + " is not a valid URL: " + url);
        }
        if (!"https".equalsIgnoreCase(u.getScheme()) || u.getHost() == null) {
            throw new IllegalArgumentException("The " + what + " must be an https URL: " + url);
        }
    }

    @Override
    public String toString() {
        return cloud + "(" + authorityHost + ", " + graphBaseUrl + ")";
    }
}
