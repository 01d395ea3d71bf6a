package io.roomsync.sandbox;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * HTTP calls the sandbox makes to applications (validation handshakes, notifications). It trusts the JVM's CAs and
 * the sandbox's own certificate (so a test receiver can reuse it), plus any certificate added for a demo webhook.
 */
final class Outbound {
    private final HttpClient client;

    Outbound(X509Certificate own) {
        try {
            X509TrustManager jvm = defaultTrustManager();
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setCertificateEntry("sandbox", own);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            X509TrustManager mine = (X509TrustManager) tmf.getTrustManagers()[0];
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {new EitherTrustManager(List.of(jvm, mine))}, new SecureRandom());
            client = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .sslContext(ctx)
                    .connectTimeout(Duration.ofSeconds(3))
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .build();
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("Cannot set up the sandbox's outbound HTTPS client", e);
        }
    }

    static final class Result {
        final int status;
        final String contentType;
        final String body;
        final String failure;

        Result(int status, String contentType, String body, String failure) {
            this.status = status;
            this.contentType = contentType;
            this.body = body;
            this.failure = failure;
        }

        boolean ok2xx() {
            return failure == null && status >= 200 && status < 300;
        }
    }

    Result post(String url, String contentType, byte[] body, Duration timeout) {
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create(url))
                    .timeout(timeout)
                    .header("Content-Type", contentType)
                    .POST(body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body))
                    .build();
            HttpResponse<String> resp = client.send(req, HttpResponse.BodyHandlers.ofString());
            return new Result(resp.statusCode(), resp.headers().firstValue("Content-Type").orElse(""), resp.body(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(0, "", "", "interrupted");
        } catch (Exception e) {
            return new Result(0, "", "", e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static X509TrustManager defaultTrustManager() throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init((KeyStore) null);
        for (TrustManager tm : tmf.getTrustManagers()) if (tm instanceof X509TrustManager) return (X509TrustManager) tm;
        throw new GeneralSecurityException("No default trust manager");
    }

    /** Trusts a server if any of the given trust managers does. */
    static final class EitherTrustManager implements X509TrustManager {
        private final List<X509TrustManager> delegates;

        EitherTrustManager(List<X509TrustManager> delegates) {
            this.delegates = delegates;
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            CertificateException last = null;
            for (X509TrustManager d : delegates) {
                try {
                    d.checkClientTrusted(chain, authType);
                    return;
                } catch (CertificateException e) {
                    last = e;
                }
            }
            throw last;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            CertificateException last = null;
            for (X509TrustManager d : delegates) {
                try {
                    d.checkServerTrusted(chain, authType);
                    return;
                } catch (CertificateException e) {
                    last = e;
                }
            }
            throw last;
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            List<X509Certificate> all = new ArrayList<>();
            for (X509TrustManager d : delegates) all.addAll(List.of(d.getAcceptedIssuers()));
            return all.toArray(new X509Certificate[0]);
        }
    }
}
