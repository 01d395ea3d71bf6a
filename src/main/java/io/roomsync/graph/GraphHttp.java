package io.roomsync.graph;

import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.kiota.RequestOption;
import com.microsoft.kiota.http.middleware.options.RetryHandlerOption;
import java.util.concurrent.TimeUnit;
import okhttp3.Credentials;
import okhttp3.OkHttpClient;

/** The OkHttp client under every Graph client: Graph's middleware, the provider's TLS trust, proxy and timeouts. */
final class GraphHttp {
    private GraphHttp() {}

    /**
     * @param sdkRetries whether the SDK's own retry handler may retry 429/503/504. It sleeps on the calling thread
     *                   (up to 180 s per Retry-After); callers that schedule their own retries turn it off.
     */
    static OkHttpClient client(GraphConnection connection, TrustedCa trust, boolean sdkRetries) {
        RequestOption[] options = sdkRetries
                ? new RequestOption[] {GraphServiceClient.getGraphClientOptions()}
                : new RequestOption[] {GraphServiceClient.getGraphClientOptions(),
                        new RetryHandlerOption((delay, attempt, request, response) -> false, 0, 0)};
        OkHttpClient.Builder http = com.microsoft.graph.core.requests.GraphClientFactory.create(options)
                .sslSocketFactory(trust.sslContext().getSocketFactory(), trust.trustManager())
                .connectTimeout(10, TimeUnit.SECONDS)
                .readTimeout(100, TimeUnit.SECONDS);
        proxy(http, connection);
        return http.build();
    }

    /** The connection's proxy, signing in with Basic when it has a login (OkHttp asks on the 407). */
    static void proxy(OkHttpClient.Builder http, GraphConnection connection) {
        if (connection.proxy() == null) return;
        http.proxy(connection.proxy());
        if (connection.proxyUser() == null) return;
        String login = Credentials.basic(connection.proxyUser(), connection.proxyPassword() == null ? "" : connection.proxyPassword());
        http.proxyAuthenticator((route, response) -> {
            // Once refused with these credentials, asking again would only loop.
            if (login.equals(response.request().header("Proxy-Authorization"))) return null;
            return response.request().newBuilder().header("Proxy-Authorization", login).build();
        });
    }
}
