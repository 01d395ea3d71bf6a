package io.roomsync.calendar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.roomsync.reservation.Reservation;
import io.roomsync.reservation.ReservationState;
import io.roomsync.reservation.SyncState;
import io.roomsync.sandbox.ExchangeSandbox;
import io.roomsync.support.DemoSync;
import io.roomsync.support.SyncNodes;
import io.roomsync.support.SyncSandboxOutbound;
import io.roomsync.support.TestApp;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The process killed in the middle of outbound sync, then restarted on the same database: between the outbox commit
 * and the Graph call, and between the Graph call and the commit of its outcome. Either way Exchange ends up with
 * exactly one event and the reservation is synchronized and confirmed by the room.
 */
class SyncRestartTest {
    private static final Duration WITHIN = Duration.ofSeconds(60);
    private static final io.roomsync.sandbox.SandboxClock clock = SyncSandboxOutbound.frozenClock();
    private static SyncNodes fx;
    private static TestApp node;

    @BeforeAll
    static void start() {
        fx = new SyncNodes("restart.test", clock);
        node = fx.app;
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    @Test
    void a_node_killed_after_claiming_an_event_and_before_its_graph_call_is_restarted_and_makes_exactly_one_event() {
        String mailbox = fx.ann.email;
        fx.sandbox.holdMailbox(mailbox);
        long id = fx.bookInPortal(node, fx.ann, fx.aurora, day(3), 9, "Before the call");
        awaitInFlight(mailbox);
        SyncEvent claimed = fx.events(id).get(0);
        assertEquals(SyncEvent.State.PROCESSING, claimed.state, "claimed and committed, the create on its way");

        restart();
        fx.sandbox.dropHeldCalls(mailbox);
        assertEquals(0, fx.outlook.eventsWithTransaction(mailbox, "rs-" + id), "the dead node's call never reached Exchange");
        clock.advance(OutboxWorker.CLAIM.plusSeconds(1));

        Reservation done = awaitConfirmed(id);
        assertEquals(1, fx.outlook.eventsWithTransaction(mailbox, "rs-" + id), "exactly one event");
        SyncEvent e = fx.events(id).get(0);
        assertEquals(SyncEvent.State.PROCESSED, e.state);
        assertEquals(1, e.attempts, "the dead node's attempt left no outcome");
        assertEquals(done.externalEventId, e.externalEventId);
        assertEquals(1, fx.sandbox.calendar(fx.aurora.email, done.startAt, done.endAt).size(), "the room holds one copy");
    }

    @Test
    void a_node_killed_after_graph_made_the_event_and_before_it_recorded_so_is_restarted_and_still_makes_exactly_one_event() {
        String mailbox = fx.bob.email;
        fx.sandbox.holdResponses(mailbox);
        long id;
        try {
            id = fx.bookInPortal(node, fx.bob, fx.borealis, day(4), 14, "After the call");
            // Read around Graph: calls to the mailbox wait for the held answers.
            DemoSync.await("Exchange made the event", WITHIN, () -> fx.sandbox.calendar(mailbox, clock.instant(),
                    clock.instant().plus(Duration.ofDays(30))).stream().anyMatch(e -> e.subject().equals("After the call")));
            assertEquals(SyncEvent.State.PROCESSING, fx.events(id).get(0).state, "the answer has not come back yet");
            restart();
        } finally {
            // The dead node now gets its answer, too late to record it.
            fx.sandbox.releaseResponses(mailbox);
        }
        DemoSync.await("the room's copy confirmed the reservation", WITHIN,
                () -> fx.reservationOf(id).state == ReservationState.CONFIRMED);
        assertEquals(SyncState.ENQUEUED, fx.reservationOf(id).syncState, "our create is still unrecorded");
        // The dead node's claim runs out.
        clock.advance(OutboxWorker.CLAIM.plusSeconds(1));
        Reservation done = awaitConfirmed(id);
        assertEquals(1, fx.outlook.eventsWithTransaction(mailbox, "rs-" + id), "the retry's transactionId found the event Graph made");
        List<ExchangeSandbox.OutlookEvent> inCalendar = fx.sandbox.calendar(mailbox, done.startAt, done.endAt);
        assertEquals(1, inCalendar.size());
        assertEquals(inCalendar.get(0).id(), done.externalEventId);
        SyncEvent e = fx.events(id).get(0);
        assertEquals(SyncEvent.State.PROCESSED, e.state);
        assertEquals(1, e.attempts);
        assertNull(e.claimedBy);
        assertEquals(1, fx.sandbox.calendar(fx.borealis.email, done.startAt, done.endAt).size(), "the room holds one copy");
    }

    /** Kills the node and starts a new one on the same database (a new process: a new node name, a new port). */
    private static void restart() {
        TestApp dead = node;
        fx.crash(dead);
        node = fx.startNode(clock);
    }

    private static void awaitInFlight(String mailbox) {
        try {
            assertTrue(fx.sandbox.awaitInFlight(mailbox, 1, Duration.ofSeconds(20)), "the create reached the sandbox");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static Reservation awaitConfirmed(long id) {
        DemoSync.await("reservation " + id + " synchronized and confirmed by the room", WITHIN, () -> {
            Reservation r = fx.reservationOf(id);
            return r.syncState == SyncState.SYNCHRONIZED && r.state == ReservationState.CONFIRMED
                    && fx.events(id).get(0).state == SyncEvent.State.PROCESSED;
        });
        return fx.reservationOf(id);
    }

    private static LocalDate day(int ahead) {
        return LocalDate.ofInstant(clock.instant(), ZoneId.of("Europe/Berlin")).plusDays(ahead);
    }
}
