package io.roomsync.calendar;

/** How a connection signs in to Microsoft Entra ID. */
public enum ConnectionKind {
    /** Client credentials grant: the app acts as itself (system-to-system calls, Normal mode). */
    APP_ONLY("App-only (system)"),
    /** Authorization-code grant: the app acts for a signed-in user (delegated user in Strict and Personal modes). */
    DELEGATED("Delegated (authorization code)");

    public final String label;

    ConnectionKind(String label) {
        this.label = label;
    }
}
