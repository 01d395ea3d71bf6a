package io.roomsync.calendar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.roomsync.location.Reservable;
import io.roomsync.reservation.Reservation;
import io.roomsync.sandbox.ExchangeSandbox;
import io.roomsync.support.DemoSync;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What "exactly once, no drift" means, checked against the sandbox's room calendar and our reservations. */
final class SyncChecks {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SyncChecks() {}

    /** Waits until Graph has nothing left to deliver, the outbox has no NEW or PROCESSING events and the inbox is empty. */
    static void awaitQuiet(DemoSync sync, Duration timeout) {
        DemoSync.await("the queues drain", timeout, () -> {
            try {
                if (!sync.sandbox.awaitIdle(Duration.ofMillis(200))) return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            return pendingOutbound(sync) == 0 && inboxItems(sync) == 0;
        });
    }

    static long pendingOutbound(DemoSync sync) {
        return sync.app.app.tx.call(s -> s.createSelectionQuery("select count(*) from SyncEvent where direction = 'OUTBOUND'"
                + " and state in ('NEW', 'PROCESSING')", Long.class).getSingleResult());
    }

    static long inboxItems(DemoSync sync) {
        return sync.app.app.tx.call(s -> s.createSelectionQuery("select count(*) from InboxItem where kind <> 'LIFECYCLE'",
                Long.class).getSingleResult());
    }

    /**
     * For the room and the reservations starting in [from, to): the non-cancelled reservations are exactly the
     * room calendar's events (matched by iCalUId, same start and end), no two reservations share an event and no
     * event appears twice.
     */
    static void assertNoDrift(DemoSync sync, Reservable room, Instant from, Instant to) {
        List<Reservation> reservations = sync.app.app.tx.call(s -> s.createSelectionQuery(
                        "from Reservation where reservableId = :r and startAt >= :f and startAt < :t and state <> 'CANCELLED'"
                                + " order by id", Reservation.class)
                .setParameter("r", room.id).setParameter("f", from).setParameter("t", to).getResultList());
        Map<String, String> ours = new TreeMap<>();
        List<String> duplicates = new ArrayList<>();
        for (Reservation r : reservations) {
            assertNotNull(r.externalIcalUid, "reservation " + r.id + " (" + r.subject + ") has no Exchange event");
            String was = ours.put(r.externalIcalUid, r.startAt + "/" + r.endAt);
            if (was != null) duplicates.add("reservation " + r.id + " shares " + r.externalIcalUid);
        }
        Map<String, String> theirs = new TreeMap<>();
        Map<String, Integer> seen = new HashMap<>();
        for (ExchangeSandbox.OutlookEvent e : sync.sandbox.calendar(room.email, from, to)) {
            if (e.start().isBefore(from) || !e.start().isBefore(to)) continue;
            String uid = iCalUId(sync, room.email, e.id());
            theirs.put(uid, e.start() + "/" + e.end());
            if (seen.merge(uid, 1, Integer::sum) > 1) duplicates.add("event " + uid + " twice in the room");
        }
        assertEquals(List.of(), duplicates, "duplicates in " + room.name);
        assertEquals(theirs, ours, "reservations of " + room.name + " against its calendar");
    }

    static String iCalUId(DemoSync sync, String mailbox, String eventId) {
        ExchangeSandbox.OutlookResult got = sync.sandbox.outlook(mailbox, "GET", "events/" + eventId, null);
        assertEquals(200, got.status(), got.json());
        try {
            return JSON.readTree(got.json()).get("iCalUId").asText();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
