package io.roomsync.graph;

import com.microsoft.aad.msal4j.HttpRequest;
import com.microsoft.aad.msal4j.HttpResponse;
import com.microsoft.aad.msal4j.IHttpClient;
import com.microsoft.aad.msal4j.IHttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * msal4j's HTTP through OkHttp, used when the proxy needs a login: msal4j's own client (HttpsURLConnection) could
 * only get one from the JVM-wide {@link java.net.Authenticator}, and the JDK refuses Basic for HTTPS tunnels unless
 * a JVM-wide property is changed; OkHttp asks per client.
 */
final class MsalOkHttp implements IHttpClient {
    private final OkHttpClient http;

    MsalOkHttp(GraphConnection connection, TrustedCa trust) {
        OkHttpClient.Builder b = new OkHttpClient.Builder()
                .sslSocketFactory(trust.sslContext().getSocketFactory(), trust.trustManager())
                .connectTimeout(10, TimeUnit.SECONDS)
                .readTimeout(100, TimeUnit.SECONDS)
                .followRedirects(false);
        GraphHttp.proxy(b, connection);
        this.http = b.build();
    }

    @Override
    public IHttpResponse send(HttpRequest request) throws Exception {
        Request.Builder r = new Request.Builder().url(request.url());
        if (request.headers() != null) request.headers().forEach(r::header);
        String contentType = request.headerValue("Content-Type");
        switch (request.httpMethod()) {
            case GET -> r.get();
            case POST -> r.post(RequestBody.create(request.body() == null ? "" : request.body(),
                    MediaType.parse(contentType != null ? contentType : "application/x-www-form-urlencoded")));
            default -> r.method(request.httpMethod().name(), request.body() == null ? null : RequestBody.create(request.body(), null));
        }
        try (Response response = http.newCall(r.build()).execute()) {
            HttpResponse out = new HttpResponse().statusCode(response.code());
            Map<String, java.util.List<String>> headers = response.headers().toMultimap();
            out.addHeaders(headers);
            ResponseBody body = response.body();
            out.body(body == null ? "" : body.string());
            return out;
        }
    }
}
