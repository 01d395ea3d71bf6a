package io.roomsync.sandbox;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The sandbox's TLS identity: a self-signed certificate for localhost / 127.0.0.1 / ::1 and its key.
 * Generated once into a folder (PKCS#12 with the key, plus the certificate as PEM) and reloaded after, so a provider
 * that trusts the PEM keeps working across restarts. The PEM is what a calendar provider's "trusted CA" field holds.
 */
public final class SandboxCertificate {
    public static final String KEYSTORE_FILE = "exchange-sandbox.p12";
    public static final String PEM_FILE = "exchange-sandbox-ca.pem";
    /** The key file is protected by file permissions; PKCS#12 needs some password, and this is a sandbox. */
    private static final char[] STORE_PASSWORD = "roomsync-exchange-sandbox".toCharArray();
    private static final String ALIAS = "sandbox";

    private final PrivateKey key;
    private final X509Certificate certificate;

    private SandboxCertificate(PrivateKey key, X509Certificate certificate) {
        this.key = key;
        this.certificate = certificate;
    }

    /** Loads the certificate kept in {@code folder}, or generates and keeps one there if there is none yet. */
    public static SandboxCertificate loadOrCreate(Path folder) {
        try {
            Files.createDirectories(folder);
            Path store = folder.resolve(KEYSTORE_FILE);
            if (Files.exists(store)) {
                SandboxCertificate loaded = load(store);
                writePemIfChanged(folder.resolve(PEM_FILE), loaded.pem());
                return loaded;
            }
            SandboxCertificate created = generate();
            created.save(folder);
            return created;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("Cannot load or create the Exchange sandbox certificate in " + folder, e);
        }
    }

    /** A fresh certificate that lives only in memory (tests). */
    public static SandboxCertificate ephemeral() {
        try {
            return generate();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot create the Exchange sandbox certificate", e);
        }
    }

    private static SandboxCertificate generate() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        KeyPair pair = generator.generateKeyPair();
        X500Name name = new X500Name("CN=Roomsync Exchange sandbox, O=Roomsync");
        Instant now = Instant.now();
        BigInteger serial = new BigInteger(96, new SecureRandom());
        try {
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial,
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(3650))), name, pair.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            // Its own trust anchor: providers trust exactly this certificate through their CA field.
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.keyUsage, true,
                    new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment | KeyUsage.keyCertSign));
            builder.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.dNSName, "localhost"),
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                    new GeneralName(GeneralName.iPAddress, "::1")}));
            ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate());
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(builder.build(signer));
            cert.verify(pair.getPublic());
            return new SandboxCertificate(pair.getPrivate(), cert);
        } catch (IOException | OperatorCreationException e) {
            throw new GeneralSecurityException("Cannot build the sandbox certificate", e);
        }
    }

    private static SandboxCertificate load(Path store) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, STORE_PASSWORD);
        }
        PrivateKey key = (PrivateKey) ks.getKey(ALIAS, STORE_PASSWORD);
        X509Certificate cert = (X509Certificate) ks.getCertificate(ALIAS);
        if (key == null || cert == null) throw new GeneralSecurityException("No sandbox key in " + store);
        return new SandboxCertificate(key, cert);
    }

    private void save(Path folder) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry(ALIAS, key, STORE_PASSWORD, new Certificate[] {certificate});
        Path tmp = Files.createTempFile(folder, "sandbox", ".tmp");
        restrict(tmp);
        try (OutputStream out = Files.newOutputStream(tmp)) {
            ks.store(out, STORE_PASSWORD);
        }
        Files.move(tmp, folder.resolve(KEYSTORE_FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        writePemIfChanged(folder.resolve(PEM_FILE), pem());
    }

    /** Owner-only on POSIX file systems; others keep their defaults. */
    private static void restrict(Path file) throws IOException {
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
    }

    private static void writePemIfChanged(Path file, String pem) throws IOException {
        if (Files.exists(file) && Files.readString(file, StandardCharsets.US_ASCII).equals(pem)) return;
        Files.writeString(file, pem, StandardCharsets.US_ASCII);
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** The certificate as PEM: what a provider's "trusted CA certificate" field holds to trust the sandbox. */
    public String pem() {
        return toPem(certificate);
    }

    public static String toPem(X509Certificate cert) {
        try {
            String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(cert.getEncoded());
            return "-----BEGIN CERTIFICATE-----\n" + b64 + "\n-----END CERTIFICATE-----\n";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The server side: presents this certificate. */
    public SSLContext serverContext() {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry(ALIAS, key, STORE_PASSWORD, new Certificate[] {certificate});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, STORE_PASSWORD);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, new SecureRandom());
            return ctx;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("Cannot build the sandbox's TLS context", e);
        }
    }

    /** A client trust manager that trusts only the given PEM certificates. */
    public static X509TrustManager trustManagerFor(String pem) {
        try {
            List<X509Certificate> certs = parsePem(pem);
            if (certs.isEmpty()) throw new IllegalArgumentException("No certificate in the PEM text");
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            for (int i = 0; i < certs.size(); i++) ks.setCertificateEntry("ca" + i, certs.get(i));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            return (X509TrustManager) tmf.getTrustManagers()[0];
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("Cannot read the certificate: " + e.getMessage(), e);
        }
    }

    public static List<X509Certificate> parsePem(String pem) throws GeneralSecurityException {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        Collection<? extends Certificate> all = cf.generateCertificates(
                new ByteArrayInputStream(pem.trim().getBytes(StandardCharsets.US_ASCII)));
        List<X509Certificate> out = new ArrayList<>();
        for (Certificate c : all) out.add((X509Certificate) c);
        return out;
    }
}
