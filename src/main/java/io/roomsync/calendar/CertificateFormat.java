package io.roomsync.calendar;

/** How a connection's certificate and private key were supplied (and are stored, encrypted). */
public enum CertificateFormat {
    PKCS12("PKCS#12 file (.pfx/.p12)"),
    PEM("PEM (certificate and private key)");

    public final String label;

    CertificateFormat(String label) {
        this.label = label;
    }
}
