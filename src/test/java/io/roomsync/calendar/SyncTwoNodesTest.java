package io.roomsync.calendar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.roomsync.jobs.Jobs;
import io.roomsync.location.Reservable;
import io.roomsync.reservation.Reservation;
import io.roomsync.reservation.ReservationState;
import io.roomsync.reservation.Source;
import io.roomsync.reservation.SyncState;
import io.roomsync.support.DemoSync;
import io.roomsync.support.Outlook;
import io.roomsync.support.SyncNodes;
import io.roomsync.support.TestApp;
import io.roomsync.tenant.User;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two app nodes on one database, both running every job (Quartz clustered), behind a load balancer: each periodic
 * job fires once per period between them, and each change, from either portal or from Outlook, is applied once.
 */
class SyncTwoNodesTest {
    private static final Duration WITHIN = Duration.ofSeconds(40);
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private record NodeRun(String node, Jobs.Run run) {}

    private static SyncNodes fx;
    private static TestApp a;
    private static TestApp b;
    private static final List<NodeRun> runs = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        fx = new SyncNodes("nodes.test", Clock.systemUTC());
        a = fx.app;
        b = fx.startNode(Clock.systemUTC());
        a.app.jobs.onRun(r -> runs.add(new NodeRun("A", r)));
        b.app.jobs.onRun(r -> runs.add(new NodeRun("B", r)));
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    @Test
    void bookings_through_both_portals_and_outlook_changes_are_each_applied_exactly_once() throws Exception {
        LocalDate day = LocalDate.now(BERLIN).plusDays(3);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<Long>> booked = new ArrayList<>();
        try {
            for (int n = 0; n < 8; n++) {
                TestApp node = n % 2 == 0 ? a : b;
                User who = n % 4 < 2 ? fx.ann : fx.bob;
                Reservable room = n % 3 == 0 ? fx.aurora : fx.borealis;
                int hour = 8 + n;
                String subject = "Portal " + n;
                booked.add(pool.submit(() -> fx.bookInPortal(node, who, room, day, hour, subject)));
            }
        } finally {
            pool.shutdown();
        }
        List<Long> ids = new ArrayList<>();
        for (Future<Long> f : booked) ids.add(f.get());

        LocalDate outlookDay = day.plusDays(1);
        Instant nine = outlookDay.atTime(9, 0).atZone(BERLIN).toInstant();
        Outlook.Meeting moved = fx.outlook.book(fx.ann.email, "Outlook moved", nine, nine.plusSeconds(3600), fx.aurora.email);
        Outlook.Meeting cancelled = fx.outlook.book(fx.bob.email, "Outlook cancelled", nine, nine.plusSeconds(3600), fx.borealis.email);
        Outlook.Meeting kept = fx.outlook.book(fx.bob.email, "Outlook kept", nine.plusSeconds(7200), nine.plusSeconds(10800), fx.aurora.email);
        DemoSync.await("the Outlook meetings are reservations", WITHIN, () -> fromOutlook(moved).size() == 1
                && fromOutlook(cancelled).size() == 1 && fromOutlook(kept).size() == 1);
        fx.outlook.move(fx.ann.email, moved.id(), nine.plusSeconds(14400), nine.plusSeconds(18000));
        fx.outlook.cancel(fx.bob.email, cancelled.id());

        for (long id : ids) {
            DemoSync.await("reservation " + id + " confirmed and synchronized", WITHIN, () -> {
                Reservation r = fx.reservationOf(id);
                return r.state == ReservationState.CONFIRMED && r.syncState == SyncState.SYNCHRONIZED;
            });
        }
        DemoSync.await("the Outlook move and cancel arrived", WITHIN, () ->
                fromOutlook(moved).get(0).startAt.equals(nine.plusSeconds(14400))
                        && fromOutlook(cancelled).get(0).state == ReservationState.CANCELLED);
        DemoSync.await("the inbox is empty", WITHIN, () -> fx.read(s -> s.createSelectionQuery(
                "select count(*) from InboxItem", Long.class).getSingleResult()) == 0);

        for (long id : ids) {
            Reservation r = fx.reservationOf(id);
            String organizer = r.requestedForId.equals(fx.ann.id) ? fx.ann.email : fx.bob.email;
            assertEquals(1, fx.outlook.eventsWithTransaction(organizer, "rs-" + id), "one event for reservation " + id);
            List<SyncEvent> events = fx.events(id);
            assertEquals(1, events.size(), "one outbound create for reservation " + id);
            assertEquals(SyncEvent.State.PROCESSED, events.get(0).state);
            assertEquals(1, events.get(0).attempts, "sent once");
        }
        assertEquals(1, fromOutlook(moved).size());
        assertEquals(1, fromOutlook(kept).size());
        List<SyncEvent> all = fx.read(s -> s.createSelectionQuery("from SyncEvent where tenantId = :t", SyncEvent.class)
                .setParameter("t", fx.tenant.id).getResultList());
        for (SyncEvent e : all) {
            assertEquals(SyncEvent.State.PROCESSED, e.state, "sync event " + e.id + " " + e.direction + " " + e.eventType);
            assertEquals(1, e.attempts, "sync event " + e.id + " processed once");
        }
        for (Reservable room : List.of(fx.aurora, fx.borealis)) {
            Instant from = day.atStartOfDay(BERLIN).toInstant();
            Instant to = day.plusDays(2).atStartOfDay(BERLIN).toInstant();
            long inRoomsCalendar = fx.sandbox.calendar(room.email, from, to).size();
            long held = fx.read(s -> s.createSelectionQuery("select count(*) from Reservation where reservableId = :r"
                            + " and state in ('CONFIRMED', 'AWAITING_CONFIRMATION') and startAt >= :f and startAt < :t", Long.class)
                    .setParameter("r", room.id).setParameter("f", from).setParameter("t", to).getSingleResult());
            assertEquals(inRoomsCalendar, held, room.name + ": the room's calendar and its reservations agree");
        }
    }

    @Test
    void each_periodic_job_fires_once_per_period_between_the_two_nodes() {
        DemoSync.await("the outbox and inbox jobs fired a few periods", Duration.ofSeconds(45), () ->
                periodic(SyncOutbox.JOB).size() >= 4 && periodic(InboundSync.JOB).size() >= 2);
        Map<String, List<NodeRun>> byJob = new HashMap<>();
        for (NodeRun r : runs) byJob.computeIfAbsent(r.run().job(), k -> new ArrayList<>()).add(r);
        byJob.forEach((job, list) -> {
            List<Instant> periods = list.stream().filter(r -> r.run().periodic()).map(r -> r.run().scheduledFor()).toList();
            assertEquals(periods.stream().distinct().count(), periods.size(), job + ": a period fired on both nodes: " + list);
            List<NodeRun> sorted = list.stream().sorted((x, y) -> Long.compare(x.run().startedNanos(), y.run().startedNanos())).toList();
            for (int i = 1; i < sorted.size(); i++) {
                assertTrue(sorted.get(i).run().startedNanos() >= sorted.get(i - 1).run().endedNanos(),
                        job + " ran on both nodes at once: " + sorted.get(i - 1) + " and " + sorted.get(i));
            }
        });
    }

    @Test
    void the_same_notifications_delivered_to_both_nodes_at_once_make_one_reservation_each() throws Exception {
        LocalDate day = LocalDate.now(BERLIN).plusDays(6);
        fx.front.fanOut = true;
        fx.sandbox.setDuplicateNotifications(0.5, 7);
        int already = fx.front.notifications.size();
        List<Outlook.Meeting> meetings = new ArrayList<>();
        try {
            for (int n = 0; n < 6; n++) {
                Instant start = day.atTime(8 + n, 0).atZone(BERLIN).toInstant();
                meetings.add(fx.outlook.book(n % 2 == 0 ? fx.ann.email : fx.bob.email, "Fan-out " + n, start, start.plusSeconds(3600),
                        (n % 2 == 0 ? fx.aurora : fx.borealis).email));
            }
            DemoSync.await("the meetings arrived", WITHIN, () -> {
                for (Outlook.Meeting m : meetings) if (fromOutlook(m).isEmpty()) return false;
                return true;
            });
            // Graph's deliveries once more, each to both nodes at once, from several threads.
            List<byte[]> delivered = List.copyOf(fx.front.notifications.subList(already, fx.front.notifications.size()));
            assertTrue(!delivered.isEmpty());
            ExecutorService pool = Executors.newFixedThreadPool(6);
            List<Future<List<HttpResponse<byte[]>>>> answers = new ArrayList<>();
            try {
                for (int round = 0; round < 3; round++) {
                    for (byte[] body : delivered) {
                        answers.add(pool.submit(() -> fx.front.send(List.of(a, b), "/webhooks/graph/notifications",
                                "application/json", body)));
                    }
                }
                for (Future<List<HttpResponse<byte[]>>> f : answers) {
                    List<HttpResponse<byte[]>> both = f.get();
                    assertEquals(2, both.size());
                    for (HttpResponse<byte[]> r : both) assertEquals(202, r.statusCode());
                }
            } finally {
                pool.shutdown();
            }
        } finally {
            fx.front.fanOut = false;
            fx.sandbox.setDuplicateNotifications(0, 1);
        }
        DemoSync.await("the inbox is empty", WITHIN, () -> fx.read(s -> s.createSelectionQuery(
                "select count(*) from InboxItem", Long.class).getSingleResult()) == 0);
        for (Outlook.Meeting m : meetings) assertEquals(1, fromOutlook(m).size(), "one reservation for meeting " + m);
    }

    private static List<Jobs.Run> periodic(String job) {
        return runs.stream().map(NodeRun::run).filter(r -> r.job().equals(job) && r.periodic()).toList();
    }

    /** Reservations made from Exchange for the meeting (the room's copy carries the organizer's iCalUId). */
    private static List<Reservation> fromOutlook(Outlook.Meeting meeting) {
        return fx.read(s -> s.createSelectionQuery("from Reservation where tenantId = :t and createdSource = :src"
                        + " and externalIcalUid = :ical order by id", Reservation.class)
                .setParameter("t", fx.tenant.id).setParameter("src", Source.EXCHANGE).setParameter("ical", meeting.iCalUId())
                .getResultList());
    }
}
