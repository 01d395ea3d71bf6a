package io.roomsync.calendar;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads certificates and private keys as admins supply them (PEM text, PKCS#12 files) with the JDK alone.
 * Problems become {@link InvalidCertificate} with a message fit for a form; messages never quote the input.
 */
public final class Certificates {
    private static final Pattern PEM_BLOCK = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");

    private Certificates() {}

    /** Input that is not a usable certificate or key; the message says what to fix. */
    public static final class InvalidCertificate extends Exception {
        public InvalidCertificate(String message) {
            super(message);
        }
    }

    /** What an admin sees of a certificate instead of its text. */
    public record CertificateInfo(String subject, String issuer, Instant notBefore, Instant notAfter, String thumbprint) {
        public boolean expiredAt(Instant now) {
            return notAfter.isBefore(now);
        }
    }

    /** A private key with its certificate chain (leaf first). The key is never printed. */
    public record KeyMaterial(PrivateKey privateKey, List<X509Certificate> chain) {
        public X509Certificate certificate() {
            return chain.get(0);
        }

        @Override
        public String toString() {
            return "KeyMaterial[certificate=" + certificate().getSubjectX500Principal().getName() + ", privateKey=****]";
        }
    }

    public static CertificateInfo info(X509Certificate c) {
        return new CertificateInfo(c.getSubjectX500Principal().getName(), c.getIssuerX500Principal().getName(),
                c.getNotBefore().toInstant(), c.getNotAfter().toInstant(), thumbprint(c));
    }

    /** SHA-1 thumbprint in upper-case hex, as Microsoft Entra shows certificate credentials. */
    public static String thumbprint(X509Certificate c) {
        try {
            return HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("SHA-1").digest(c.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** All certificates of a PEM text (one or more CERTIFICATE blocks, nothing secret). */
    public static List<X509Certificate> parseCertificates(String pem) throws InvalidCertificate {
        if (pem.contains("PRIVATE KEY-----")) {
            throw new InvalidCertificate("This field takes certificates only. Remove the private key from the text.");
        }
        List<X509Certificate> certs = new ArrayList<>();
        for (byte[] der : blocks(pem, "CERTIFICATE")) certs.add(certificate(der));
        if (certs.isEmpty()) {
            throw new InvalidCertificate("No certificate found. Paste PEM text starting with -----BEGIN CERTIFICATE-----.");
        }
        return certs;
    }

    /** Certificate(s) and the matching unencrypted private key from one PEM text. */
    public static KeyMaterial parsePemKeyMaterial(String pem) throws InvalidCertificate {
        List<X509Certificate> certs = new ArrayList<>();
        for (byte[] der : blocks(pem, "CERTIFICATE")) certs.add(certificate(der));
        if (certs.isEmpty()) {
            throw new InvalidCertificate("No certificate found. Paste the certificate (-----BEGIN CERTIFICATE-----) and its private key.");
        }
        if (pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
            throw new InvalidCertificate("The private key is encrypted. Upload a PKCS#12 file with its password instead, or paste the key unencrypted.");
        }
        if (pem.contains("-----BEGIN EC PRIVATE KEY-----")) {
            throw new InvalidCertificate("Microsoft Entra ID needs an RSA certificate; this key is an EC key.");
        }
        List<byte[]> pkcs8 = blocks(pem, "PRIVATE KEY");
        List<byte[]> pkcs1 = blocks(pem, "RSA PRIVATE KEY");
        if (pkcs8.size() + pkcs1.size() == 0) {
            throw new InvalidCertificate("No private key found. Paste the private key (-----BEGIN PRIVATE KEY-----) after the certificate.");
        }
        if (pkcs8.size() + pkcs1.size() > 1) throw new InvalidCertificate("Paste exactly one private key.");
        byte[] der = pkcs8.isEmpty() ? wrapRsaPkcs1(pkcs1.get(0)) : pkcs8.get(0);
        PrivateKey key;
        try {
            key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            for (String other : new String[] {"EC", "Ed25519", "DSA"}) {
                try {
                    KeyFactory.getInstance(other).generatePrivate(new PKCS8EncodedKeySpec(der));
                    throw new InvalidCertificate("Microsoft Entra ID needs an RSA certificate; this key is " + other + ".");
                } catch (GeneralSecurityException notThisOne) {
                    // keep looking
                }
            }
            throw new InvalidCertificate("The private key cannot be read. Microsoft Entra ID needs an RSA key in PKCS#8 or PKCS#1 PEM.");
        }
        return matched(key, certs);
    }

    /** The private key entry of a PKCS#12 file and its chain. */
    public static KeyMaterial parsePkcs12(byte[] file, String password) throws InvalidCertificate {
        char[] pw = password == null ? new char[0] : password.toCharArray();
        KeyStore store;
        try {
            store = KeyStore.getInstance("PKCS12");
            store.load(new ByteArrayInputStream(file), pw);
        } catch (IOException e) {
            throw new InvalidCertificate("The PKCS#12 file cannot be opened: the password is not right, or the file is damaged.");
        } catch (GeneralSecurityException e) {
            throw new InvalidCertificate("The PKCS#12 file cannot be read.");
        }
        try {
            for (String alias : Collections.list(store.aliases())) {
                if (!store.isKeyEntry(alias)) continue;
                Key key = store.getKey(alias, pw);
                if (!(key instanceof PrivateKey privateKey)) continue;
                Certificate[] chain = store.getCertificateChain(alias);
                if (chain == null || chain.length == 0) continue;
                List<X509Certificate> certs = new ArrayList<>();
                for (Certificate c : chain) certs.add((X509Certificate) c);
                return matched(privateKey, certs);
            }
        } catch (GeneralSecurityException e) {
            throw new InvalidCertificate("The private key in the PKCS#12 file cannot be read with this password.");
        }
        throw new InvalidCertificate("The PKCS#12 file holds no private key with a certificate.");
    }

    /** Checks the key is RSA and belongs to one of the certificates; that certificate goes first. */
    private static KeyMaterial matched(PrivateKey key, List<X509Certificate> certs) throws InvalidCertificate {
        if (!(key instanceof RSAKey) || !"RSA".equals(key.getAlgorithm())) {
            throw new InvalidCertificate("Microsoft Entra ID needs an RSA certificate; this key is " + key.getAlgorithm() + ".");
        }
        byte[] probe = new byte[32];
        new SecureRandom().nextBytes(probe);
        for (X509Certificate c : certs) {
            try {
                Signature signer = Signature.getInstance("SHA256withRSA");
                signer.initSign(key);
                signer.update(probe);
                byte[] signature = signer.sign();
                Signature verifier = Signature.getInstance("SHA256withRSA");
                verifier.initVerify(c.getPublicKey());
                verifier.update(probe);
                if (verifier.verify(signature)) {
                    List<X509Certificate> chain = new ArrayList<>(certs);
                    chain.remove(c);
                    chain.add(0, c);
                    return new KeyMaterial(key, List.copyOf(chain));
                }
            } catch (GeneralSecurityException e) {
                // not this certificate's key (e.g. a CA with another algorithm); try the next one
            }
        }
        throw new InvalidCertificate("The private key does not belong to the certificate.");
    }

    private static X509Certificate certificate(byte[] der) throws InvalidCertificate {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException | ClassCastException e) {
            throw new InvalidCertificate("A certificate in the text cannot be read (is it complete, from BEGIN to END?).");
        }
    }

    private static List<byte[]> blocks(String pem, String label) throws InvalidCertificate {
        List<byte[]> out = new ArrayList<>();
        Matcher m = PEM_BLOCK.matcher(pem);
        while (m.find()) {
            if (!m.group(1).equals(label)) continue;
            try {
                out.add(Base64.getMimeDecoder().decode(m.group(2).replaceAll("\\s", "").getBytes(StandardCharsets.US_ASCII)));
            } catch (IllegalArgumentException e) {
                throw new InvalidCertificate("A " + label.toLowerCase() + " block is not valid base64.");
            }
        }
        return out;
    }

    /** PKCS#1 RSAPrivateKey -> PKCS#8 PrivateKeyInfo (version 0, rsaEncryption, the key as an OCTET STRING). */
    private static byte[] wrapRsaPkcs1(byte[] pkcs1) {
        byte[] algorithm = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
        byte[] version = {0x02, 0x01, 0x00};
        byte[] octets = der(0x04, pkcs1);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(version);
        body.writeBytes(algorithm);
        body.writeBytes(octets);
        return der(0x30, body.toByteArray());
    }

    private static byte[] der(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int len = content.length;
        if (len < 0x80) {
            out.write(len);
        } else if (len < 0x100) {
            out.write(0x81);
            out.write(len);
        } else if (len < 0x10000) {
            out.write(0x82);
            out.write(len >> 8);
            out.write(len & 0xff);
        } else {
            out.write(0x83);
            out.write(len >> 16);
            out.write((len >> 8) & 0xff);
            out.write(len & 0xff);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }
}
