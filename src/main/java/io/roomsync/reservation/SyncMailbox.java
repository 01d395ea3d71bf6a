package io.roomsync.reservation;

/** Whose mailbox holds the reservation's Exchange event: the requested-for user's, or another (delegated) one. */
public enum SyncMailbox { USER, OTHER }
