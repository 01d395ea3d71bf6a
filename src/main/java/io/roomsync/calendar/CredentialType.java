package io.roomsync.calendar;

/** What proves a connection's app registration: a client secret or a certificate with its private key. */
public enum CredentialType {
    SECRET("Client secret"),
    CERTIFICATE("Certificate");

    public final String label;

    CredentialType(String label) {
        this.label = label;
    }
}
