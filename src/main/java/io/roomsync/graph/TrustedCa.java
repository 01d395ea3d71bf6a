package io.roomsync.graph;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * TLS trust for one provider: the JVM's CAs plus, if the provider has one, its "trusted CA certificate" (PEM),
 * for a TLS-inspecting proxy or the Exchange sandbox's self-signed certificate.
 */
public final class TrustedCa {
    private final X509TrustManager trustManager;
    private final SSLContext sslContext;

    private TrustedCa(X509TrustManager trustManager) {
        this.trustManager = trustManager;
        try {
            this.sslContext = SSLContext.getInstance("TLS");
            sslContext.init(null, new TrustManager[] {trustManager}, new SecureRandom());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Trusts the JVM's CAs and the certificates in {@code pem} (null or blank: the JVM's CAs only). */
    public static TrustedCa of(String pem) {
        try {
            X509TrustManager jvm = jvmTrustManager();
            if (pem == null || pem.isBlank()) return new TrustedCa(jvm);
            List<X509Certificate> certs = parse(pem);
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            for (int i = 0; i < certs.size(); i++) ks.setCertificateEntry("provider-ca-" + i, certs.get(i));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            X509TrustManager custom = (X509TrustManager) tmf.getTrustManagers()[0];
            return new TrustedCa(new Either(jvm, custom));
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalArgumentException("The trusted CA certificate cannot be read: " + e.getMessage(), e);
        }
    }

    /** Parses PEM text; throws IllegalArgumentException with a readable message if it holds no certificate. */
    public static List<X509Certificate> parse(String pem) {
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            Collection<? extends Certificate> all = cf.generateCertificates(new ByteArrayInputStream(pem.trim().getBytes(StandardCharsets.US_ASCII)));
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate c : all) out.add((X509Certificate) c);
            if (out.isEmpty()) throw new IllegalArgumentException("The text holds no PEM certificate");
            return out;
        } catch (CertificateException e) {
            throw new IllegalArgumentException("The text is not a PEM certificate: " + e.getMessage(), e);
        }
    }

    public X509TrustManager trustManager() {
        return trustManager;
    }

    public SSLContext sslContext() {
        return sslContext;
    }

    private static X509TrustManager jvmTrustManager() throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init((KeyStore) null);
        for (TrustManager tm : tmf.getTrustManagers()) if (tm instanceof X509TrustManager) return (X509TrustManager) tm;
        throw new GeneralSecurityException("The JVM has no X.509 trust manager");
    }

    /** Trusts a peer if either delegate does. */
    private static final class Either implements X509TrustManager {
        private final X509TrustManager first;
        private final X509TrustManager second;

        Either(X509TrustManager first, X509TrustManager second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            try {
                first.checkClientTrusted(chain, authType);
            } catch (CertificateException e) {
                second.checkClientTrusted(chain, authType);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            try {
                first.checkServerTrusted(chain, authType);
            } catch (CertificateException e) {
                second.checkServerTrusted(chain, authType);
            }
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            List<X509Certificate> all = new ArrayList<>(List.of(first.getAcceptedIssuers()));
            all.addAll(List.of(second.getAcceptedIssuers()));
            return all.toArray(new X509Certificate[0]);
        }
    }
}
