package io.roomsync.location;

/** How synced events of a module's reservables appear in Outlook free/busy. */
public enum ShowAs { BUSY, FREE }
