package io.roomsync.reservation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.roomsync.common.ConflictException;
import io.roomsync.location.Building;
import io.roomsync.location.Reservable;
import io.roomsync.location.ReservableModule;
import io.roomsync.support.TestApp;
import io.roomsync.support.TestDatabases;
import io.roomsync.support.WebClient;
import io.roomsync.tenant.CurrentUser;
import io.roomsync.tenant.Tenant;
import io.roomsync.tenant.User;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Fifty people try to book the same slot at the same moment: one gets it, 49 hear clearly that it is taken. */
class DoubleBookingTest {
    static final int PEOPLE = 50;
    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    static final Map<TestDatabases.Kind, TestApp> apps = new EnumMap<>(TestDatabases.Kind.class);

    @BeforeAll
    static void start() {
        for (TestDatabases.Kind kind : TestDatabases.Kind.values()) apps.put(kind, TestApp.start(kind));
    }

    @AfterAll
    static void stop() {
        apps.values().forEach(TestApp::close);
    }

    record Setup(TestApp app, Reservable room, List<User> people) {}

    static Setup setup(TestDatabases.Kind kind, String tenantName) {
        TestApp app = apps.get(kind);
        Tenant tenant = app.fixtures.tenant(tenantName);
        Building hq = app.fixtures.building(tenant, "HQ", "Europe/Berlin");
        ReservableModule rooms = app.fixtures.module(tenant, "Rooms", 480, 90);
        Reservable atlas = app.fixtures.room(hq, rooms, "Atlas", 6, "display");
        List<User> people = new ArrayList<>();
        for (int i = 0; i < PEOPLE; i++) people.add(app.fixtures.user(tenant, "person" + i + "@" + tenantName.toLowerCase() + ".test"));
        return new Setup(app, atlas, people);
    }

    /** Runs every attempt on its own thread, released together by one start gate. */
    static <T> List<T> atOnce(List<Callable<T>> attempts) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(attempts.size());
        CountDownLatch ready = new CountDownLatch(attempts.size());
        CountDownLatch gate = new CountDownLatch(1);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> attempt : attempts) {
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    gate.await();
                    return attempt.call();
                }));
            }
            ready.await();
            gate.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) results.add(f.get(120, TimeUnit.SECONDS));
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    static long holdingRows(TestApp app, Reservable room) {
        return app.app.tx.call(s -> s.createSelectionQuery(
                        "select count(*) from Reservation where reservableId = :r and state = :confirmed", Long.class)
                .setParameter("r", room.id).setParameter("confirmed", ReservationState.CONFIRMED).getSingleResult());
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void fifty_people_booking_one_slot_through_the_service_get_one_reservation_and_49_conflicts(TestDatabases.Kind kind) throws Exception {
        Setup setup = setup(kind, "Rush" + kind);
        LocalDate day = LocalDate.now(BERLIN).plusDays(2);
        AtomicInteger booked = new AtomicInteger();
        AtomicInteger conflicts = new AtomicInteger();
        ConcurrentLinkedQueue<Throwable> other = new ConcurrentLinkedQueue<>();
        List<Callable<Void>> attempts = new ArrayList<>();
        for (User person : setup.people()) {
            CurrentUser caller = setup.app().fixtures.signedIn(person);
            attempts.add(() -> {
                try {
                    setup.app().app.reservations.create(caller, new ReservationService.ReservationInput(setup.room().id,
                            day.atTime(10, 0), day.atTime(11, 0), "Stand-up", null, null, List.of()), Source.PORTAL);
                    booked.incrementAndGet();
                } catch (ConflictException e) {
                    assertTrue(e.getMessage().contains("Atlas is already booked"), e.getMessage());
                    conflicts.incrementAndGet();
                } catch (Throwable t) {
                    other.add(t);
                }
                return null;
            });
        }
        atOnce(attempts);

        assertTrue(other.isEmpty(), () -> "unexpected errors: " + other);
        assertEquals(1, booked.get());
        assertEquals(PEOPLE - 1, conflicts.get());
        assertEquals(1, holdingRows(setup.app(), setup.room()));
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void fifty_api_clients_booking_one_slot_get_one_201_and_49_409s(TestDatabases.Kind kind) throws Exception {
        Setup setup = setup(kind, "Api" + kind);
        LocalDateTime start = LocalDate.now(BERLIN).plusDays(3).atTime(14, 0);
        String body = "{\"reservableId\":" + setup.room().id + ",\"start\":\"" + start + "\",\"end\":\"" + start.plusMinutes(30)
                + "\",\"subject\":\"Interview\"}";
        List<Callable<WebClient.Response>> attempts = new ArrayList<>();
        for (User person : setup.people()) {
            String token = setup.app().fixtures.apiToken(person);
            WebClient client = setup.app().client();
            attempts.add(() -> client.api("POST", "/api/v1/reservations", token, body));
        }
        List<WebClient.Response> responses = atOnce(attempts);

        long created = responses.stream().filter(r -> r.status() == 201).count();
        long conflicts = responses.stream().filter(r -> r.status() == 409).count();
        List<String> other = responses.stream().filter(r -> r.status() != 201 && r.status() != 409)
                .map(r -> r.status() + " " + r.body()).toList();
        assertTrue(other.isEmpty(), () -> "unexpected answers: " + other);
        assertEquals(1, created);
        assertEquals(PEOPLE - 1, conflicts);
        WebClient.Response conflict = responses.stream().filter(r -> r.status() == 409).findFirst().orElseThrow();
        assertTrue(conflict.header("Content-Type").startsWith("application/problem+json"));
        assertTrue(conflict.body().contains("Atlas is already booked"), conflict.body());
        assertEquals(1, holdingRows(setup.app(), setup.room()));
    }
}
