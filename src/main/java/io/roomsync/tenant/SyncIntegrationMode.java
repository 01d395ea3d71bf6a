package io.roomsync.tenant;

/** How reservations are written to Exchange Online (tenant property {@code sync_integration_mode}). */
public enum SyncIntegrationMode {
    /** The app-only credential writes each event straight into the requested-for user's calendar. */
    Normal,
    /** One delegated mailbox organizes every event; users are invited and change reservations only in Roomsync. */
    Strict,
    /** Each user connects their own Outlook once; user changes are written with their own token. */
    Personal
}
