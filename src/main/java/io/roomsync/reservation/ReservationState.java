package io.roomsync.reservation;

public enum ReservationState {
    AWAITING_CONFIRMATION("Awaiting confirmation"),
    CONFIRMED("Confirmed"),
    REJECTED("Rejected"),
    CANCELLED("Cancelled"),
    COMPLETED("Completed"),
    CONFLICTED("Conflicted");

    public final String label;

    ReservationState(String label) {
        this.label = label;
    }

    /** Whether a reservation in this state holds its slot (blocks others from booking it). */
    public boolean holdsSlot() {
        return this == AWAITING_CONFIRMATION || this == CONFIRMED || this == COMPLETED;
    }
}
