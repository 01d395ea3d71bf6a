package io.roomsync.reservation;

public enum ReservationType { NORMAL, BLOCKER, GROUP, ON_BEHALF }
