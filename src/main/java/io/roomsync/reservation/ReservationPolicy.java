package io.roomsync.reservation;

import io.roomsync.common.ConflictException;
import io.roomsync.common.ForbiddenException;
import io.roomsync.tenant.CurrentUser;
import java.time.Instant;

/**
 * Whether a viewer may change (edit or cancel) a reservation, and if not, why. The one place for this answer:
 * the service enforces it, the schedule and detail pages show it (dimmed slots, read-only forms), and the sync
 * integration modes (Strict, Personal) will add their restrictions here.
 */
public final class ReservationPolicy {

    /** Why a change is refused; permission refusals are 403s, state refusals 409s. */
    public static final String OUTLOOK_REASON = "Booked in Outlook: change it there.";

    public enum Refusal { NOT_YOURS, MANAGED_IN_OUTLOOK, OVER, CLOSED }

    public record Decision(boolean allowed, Refusal refusal, String reason) {
        static final Decision ALLOWED = new Decision(true, null, null);

        static Decision no(Refusal refusal, String reason) {
            return new Decision(false, refusal, reason);
        }

        /** Raises the refusal as the matching exception; does nothing when allowed. */
        public void enforce() {
            if (allowed) return;
            if (refusal == Refusal.OVER || refusal == Refusal.CLOSED) throw new ConflictException(reason);
            throw new ForbiddenException(reason);
        }
    }

    public Decision mayChange(CurrentUser viewer, Reservation r, Instant now) {
        // Inbound sync writes what Outlook says; a change made here would be overwritten by the next pull.
        if (r.createdSource == Source.EXCHANGE) return Decision.no(Refusal.MANAGED_IN_OUTLOOK, OUTLOOK_REASON);
        boolean involved = r.requestedById != null && r.requestedById == viewer.userId()
                || r.requestedForId != null && r.requestedForId == viewer.userId();
        if (!involved && !viewer.isTenantAdmin()) {
            return Decision.no(Refusal.NOT_YOURS,
                    "Booked by someone else: only the person who booked it, the person it is for, or an admin can change it.");
        }
        if (!r.state.holdsSlot()) {
            return Decision.no(Refusal.CLOSED, "This reservation is " + r.state.label.toLowerCase() + " and can no longer be changed.");
        }
        if (!r.endAt.isAfter(now)) {
            return Decision.no(Refusal.OVER, "This reservation is over; past reservations can't be changed.");
        }
        return Decision.ALLOWED;
    }
}
