package io.roomsync.reservation;

import org.hibernate.Session;

/**
 * Where a reservation change leaves its sync work. Called inside the reservation's own transaction, so the change
 * and its sync event commit together or not at all (the transactional outbox); {@link #wake} after the commit.
 * Keeps ReservationService free of Graph: the calendar feature implements it. Changes that come from Exchange
 * (the inbound sync) never pass through here, so they never echo back to Exchange.
 */
public interface ReservationOutbox {
    enum Change { CREATE, UPDATE, DELETE }

    /** Whether bookings of this reservable are confirmed by Exchange (it has an active sync configuration). */
    boolean syncs(Session s, long reservableId);

    /**
     * Records the sync work for a change that was just written (flushed) and sets the reservation's sync state.
     * before: for an update, the reservation as it was (its room and time), else null. Returns whether work was
     * recorded.
     */
    boolean changed(Session s, Reservation r, Change change, Reservation before);

    /** After the commit: let the outbox worker pick the work up now rather than at its next period. */
    void wake();

    /** No calendar sync at all. */
    ReservationOutbox NONE = new ReservationOutbox() {
        @Override
        public boolean syncs(Session s, long reservableId) {
            return false;
        }

        @Override
        public boolean changed(Session s, Reservation r, Change change, Reservation before) {
            return false;
        }

        @Override
        public void wake() {}
    };
}
