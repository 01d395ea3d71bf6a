package io.roomsync.calendar;

public enum SubscriptionStatus { PENDING, ACTIVE, FAILED, BEING_DELETED, EXPIRED }
