package io.roomsync.reservation;

public enum SyncState { NOT_SYNCED, ENQUEUED, SYNCHRONIZED, SYNC_REQUIRED, ERROR }
