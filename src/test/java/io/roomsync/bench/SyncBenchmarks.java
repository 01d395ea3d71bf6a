package io.roomsync.bench;

import io.roomsync.calendar.SyncEvent;
import io.roomsync.location.Reservable;
import io.roomsync.reservation.Reservation;
import io.roomsync.reservation.ReservationService;
import io.roomsync.reservation.ReservationState;
import io.roomsync.reservation.Source;
import io.roomsync.sandbox.DemoDirectory;
import io.roomsync.support.DemoSync;
import io.roomsync.support.SyncSandboxOutbound;
import io.roomsync.tenant.CurrentUser;
import io.roomsync.tenant.User;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Sync benchmarks on MariaDB against the in-process Exchange sandbox (over real HTTPS through the Graph SDK):
 * <ul>
 *   <li>{@code sync-inbound}: a meeting booked in Outlook with a synced room -> the reservation row exists
 *       (Graph's notification to the real webhook, inbox job, delta pull, apply);</li>
 *   <li>{@code sync-outbound}: a portal booking -> the event exists in Exchange (externalEventId set), and -> Confirmed
 *       (the room accepted and inbound saw its copy);</li>
 *   <li>{@code sync-bulk}: 5,000 reservations across 50 rooms exported: time to drain the outbox, Graph calls per
 *       reservation.</li>
 * </ul>
 * Run through src/test/bench/run.sh; prints figures, asserts nothing.
 */
public final class SyncBenchmarks {
    private static final Duration GIVE_UP = Duration.ofSeconds(30);

    private SyncBenchmarks() {}

    public static void run(String which, int n) throws Exception {
        if (which.equals("sync") || which.equals("sync-inbound")) inbound(n > 0 ? n : 100);
        if (which.equals("sync") || which.equals("sync-outbound")) outbound(n > 0 ? n : 100);
        if (which.equals("sync") || which.equals("sync-bulk")) bulk(n > 0 ? n : 5_000, 50);
    }

    // --- notification -> reservation visible ------------------------------------------------------------------

    static void inbound(int n) throws Exception {
        System.out.println();
        System.out.printf("== Notification -> reservation visible (demo mode on MariaDB, 5 synced rooms, %d Outlook meetings one after another)%n", n);
        try (DemoSync sync = DemoSync.start(Map.of())) {
            List<Reservable> rooms = syncedRooms(sync, 5);
            String organizer = "adele@" + DemoDirectory.DOMAIN;
            Instant base = Instant.now().plus(Duration.ofDays(3)).truncatedTo(ChronoUnit.HOURS);
            List<Long> latencies = new ArrayList<>();
            int missing = 0;
            for (int i = 0; i < n; i++) {
                Reservable room = rooms.get(i % rooms.size());
                Instant start = base.plus(Duration.ofHours(i));
                long t0 = System.nanoTime();
                var booked = sync.sandbox.outlook(organizer, "POST", "events", """
                        {"subject":"Bench %d","start":{"dateTime":"%s","timeZone":"UTC"},"end":{"dateTime":"%s","timeZone":"UTC"},
                         "attendees":[{"emailAddress":{"address":"%s"},"type":"resource"}]}"""
                        .formatted(i, utc(start), utc(start.plus(Duration.ofMinutes(30))), room.email));
                if (!booked.ok()) throw new IllegalStateException("Outlook could not book: " + booked.json());
                boolean seen = poll(() -> sync.app.app.tx.call(s -> s.createSelectionQuery("select count(*) from Reservation "
                                + "where reservableId = :r and startAt = :s and state <> :c", Long.class)
                        .setParameter("r", room.id).setParameter("s", start).setParameter("c", ReservationState.CANCELLED)
                        .getSingleResult()) > 0);
                if (seen) latencies.add(System.nanoTime() - t0);
                else missing++;
            }
            print("Outlook create -> reservation row", latencies, missing);
        }
    }

    // --- reservation -> event in Exchange ---------------------------------------------------------------------

    static void outbound(int n) throws Exception {
        System.out.println();
        System.out.printf("== Reservation -> event in Exchange (demo mode on MariaDB, Normal mode, 5 synced rooms, %d portal bookings one after another)%n", n);
        try (DemoSync sync = DemoSync.start(Map.of())) {
            List<Reservable> rooms = syncedRooms(sync, 5);
            User alex = sync.person("alex@" + DemoDirectory.DOMAIN);
            CurrentUser actor = sync.app.fixtures.signedIn(alex);
            // Beyond the demo's week of seeded reservations.
            LocalDate first = LocalDate.now().plusDays(21);
            List<Long> created = new ArrayList<>();
            List<Long> confirmed = new ArrayList<>();
            int missing = 0;
            for (int i = 0; i < n; i++) {
                Reservable room = rooms.get(i % rooms.size());
                // Each room gets its own hour of a day; 10 bookings per room and day between 08:00 and 18:00.
                int slot = i / rooms.size();
                LocalDateTime start = LocalDateTime.of(first.plusDays(slot / 10), LocalTime.of(8 + slot % 10, 0));
                long t0 = System.nanoTime();
                long id = sync.app.app.reservations.create(actor, new ReservationService.ReservationInput(room.id, start,
                        start.plusMinutes(30), "Bench " + i, null, null, List.of()), Source.PORTAL).view().reservation().id;
                boolean inExchange = poll(() -> reservation(sync, id).externalEventId != null);
                long t1 = System.nanoTime();
                boolean isConfirmed = inExchange && poll(() -> reservation(sync, id).state == ReservationState.CONFIRMED);
                long t2 = System.nanoTime();
                if (inExchange) created.add(t1 - t0);
                if (isConfirmed) confirmed.add(t2 - t0);
                if (!isConfirmed) missing++;
            }
            print("portal booking -> event created in Exchange (externalEventId set)", created, n - created.size());
            print("portal booking -> Confirmed (the room accepted, inbound saw its copy)", confirmed, missing);
        }
    }

    // --- bulk export ------------------------------------------------------------------------------------------

    static void bulk(int total, int roomCount) throws Exception {
        System.out.println();
        System.out.printf("== Bulk export: %d reservations across %d rooms (MariaDB, Normal mode, 10 organizers, sandbox over HTTPS)%n",
                total, roomCount);
        String domain = "bulk.test";
        try (SyncSandboxOutbound fx = new SyncSandboxOutbound(domain)) {
            List<Reservable> rooms = new ArrayList<>(List.of(fx.aurora, fx.borealis));
            for (int i = rooms.size(); i < roomCount; i++) {
                String email = "room" + i + "@" + domain;
                fx.sandbox.addRoom(fx.sandboxTenant, email, "Room " + i, r -> r.capacity = 8);
                Reservable r = fx.app.fixtures.room(fx.building, "Room " + i, 8, email);
                fx.configure(r, false);
                rooms.add(r);
            }
            List<User> organizers = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                String email = "organizer" + i + "@" + domain;
                fx.sandbox.addUser(fx.sandboxTenant, email, "Organizer " + i);
                organizers.add(fx.app.fixtures.user(fx.tenant, email));
            }
            // Graph is held while the reservations and their outbox events are written, so the drain is timed alone.
            for (User u : organizers) fx.sandbox.holdMailbox(u.email);
            LocalDate first = LocalDate.now().plusDays(2);
            int perRoom = (total + roomCount - 1) / roomCount;
            ExecutorService pool = Executors.newFixedThreadPool(8);
            AtomicInteger failed = new AtomicInteger();
            long w0 = System.nanoTime();
            List<Future<?>> writes = new ArrayList<>();
            for (int i = 0; i < total; i++) {
                int k = i;
                writes.add(pool.submit(() -> {
                    Reservable room = rooms.get(k % roomCount);
                    int slot = k / roomCount;
                    LocalDateTime start = LocalDateTime.of(first.plusDays(slot / 10), LocalTime.of(8 + slot % 10, 0));
                    User who = organizers.get(k % organizers.size());
                    try {
                        fx.app.app.reservations.create(fx.app.fixtures.signedIn(who), new ReservationService.ReservationInput(room.id,
                                start, start.plusMinutes(45), "Bulk " + k, null, null, List.of()), Source.PORTAL);
                    } catch (RuntimeException e) {
                        if (failed.incrementAndGet() <= 3) System.out.println("  booking failed: " + e);
                    }
                }));
            }
            for (Future<?> f : writes) f.get();
            pool.shutdown();
            double writeSeconds = (System.nanoTime() - w0) / 1e9;
            long events = outbound(fx, null);
            System.out.printf("  %d reservations (%d per room) and %d outbound sync events written in %.1f s (8 threads through ReservationService), %d failed%n",
                    total - failed.get(), perRoom, events, writeSeconds, failed.get());
            long calls0 = fx.sandbox.graphRequestsServed();
            long t0 = System.nanoTime();
            for (User u : organizers) fx.sandbox.releaseMailbox(u.email);
            long deadline = System.nanoTime() + Duration.ofMinutes(20).toNanos();
            long pending;
            long lastPrint = System.nanoTime();
            long stalled = 0;
            long previous = -1;
            while ((pending = pendingOutbound(fx)) > 0 && System.nanoTime() < deadline) {
                Thread.sleep(200);
                // The fixture's clock stands still: a call that failed (e.g. timed out while Graph was held) is
                // retried only once the clock has passed its backoff, so a drain that stopped moves the clock on.
                stalled = pending == previous ? stalled + 1 : 0;
                previous = pending;
                if (stalled >= 25) fx.clock.advance(Duration.ofMinutes(1));
                if (System.nanoTime() - lastPrint > 30_000_000_000L) {
                    lastPrint = System.nanoTime();
                    System.out.printf("  ... %d pending after %.0f s%n", pending, (lastPrint - t0) / 1e9);
                }
            }
            double drain = (System.nanoTime() - t0) / 1e9;
            long calls = fx.sandbox.graphRequestsServed() - calls0;
            long processed = outbound(fx, SyncEvent.State.PROCESSED);
            long errors = outbound(fx, SyncEvent.State.ERROR);
            long attempts = fx.app.app.tx.call(s -> s.createSelectionQuery(
                    "select coalesce(sum(attempts), 0) from SyncEvent where direction = :d", Long.class)
                    .setParameter("d", SyncEvent.Direction.OUTBOUND).getSingleResult());
            long synced = fx.app.app.tx.call(s -> s.createSelectionQuery(
                    "select count(*) from Reservation where externalEventId is not null", Long.class).getSingleResult());
            System.out.printf("  drained in %.1f s (%.0f reservations/s): %d processed, %d in error, %d still pending, %d reservations with an Exchange event%n",
                    drain, processed / drain, processed, errors, pending, synced);
            System.out.printf("  Graph requests: %d (%.2f per reservation; %d outbox attempts)%n", calls,
                    calls / (double) Math.max(1, processed), attempts);
        }
    }

    private static long pendingOutbound(SyncSandboxOutbound fx) {
        return fx.app.app.tx.call(s -> s.createSelectionQuery("select count(*) from SyncEvent where direction = :d and state in (:st)", Long.class)
                .setParameter("d", SyncEvent.Direction.OUTBOUND)
                .setParameterList("st", List.of(SyncEvent.State.NEW, SyncEvent.State.PROCESSING)).getSingleResult());
    }

    private static long outbound(SyncSandboxOutbound fx, SyncEvent.State state) {
        return fx.app.app.tx.call(s -> s.createSelectionQuery("select count(*) from SyncEvent where direction = :d"
                        + (state == null ? "" : " and state = :st"), Long.class)
                .setParameter("d", SyncEvent.Direction.OUTBOUND)
                .setProperties(state == null ? Map.of() : Map.of("st", state)).getSingleResult());
    }

    // --- helpers ----------------------------------------------------------------------------------------------

    /** The first rooms of the demo, activated; waits for their full resyncs to finish, so they are not measured. */
    private static List<Reservable> syncedRooms(DemoSync sync, int count) throws InterruptedException {
        List<Reservable> rooms = sync.rooms().subList(0, count);
        for (Reservable r : rooms) sync.activate(r);
        sync.sandbox.awaitIdle(Duration.ofSeconds(30));
        poll(() -> sync.app.app.tx.call(s -> s.createSelectionQuery("select count(*) from InboxItem", Long.class).getSingleResult()) == 0);
        return rooms;
    }

    private static Reservation reservation(DemoSync sync, long id) {
        return sync.app.app.tx.call(s -> s.find(Reservation.class, id));
    }

    private static String utc(Instant i) {
        return i.toString().replace("Z", "");
    }

    /** Polls every 5 ms until the condition holds; false after {@link #GIVE_UP}. */
    private static boolean poll(BooleanSupplier condition) {
        long deadline = System.nanoTime() + GIVE_UP.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) return false;
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private static void print(String what, List<Long> nanos, int missing) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        System.out.printf("  %s: n=%d, p50 %.0f ms, p99 %.0f ms, max %.0f ms, %d not seen within %d s%n", what, sorted.size(),
                ms(sorted, 0.50), ms(sorted, 0.99), ms(sorted, 1.0), missing, GIVE_UP.toSeconds());
    }

    private static double ms(List<Long> sorted, double q) {
        if (sorted.isEmpty()) return 0;
        return sorted.get((int) Math.min(sorted.size() - 1, Math.floor(q * sorted.size()))) / 1e6;
    }
}
