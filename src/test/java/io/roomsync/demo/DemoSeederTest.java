package io.roomsync.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.roomsync.App;
import io.roomsync.config.MasterKey;
import io.roomsync.config.Settings;
import io.roomsync.location.Building;
import io.roomsync.location.Reservable;
import io.roomsync.location.ReservableKind;
import io.roomsync.reservation.Reservation;
import io.roomsync.reservation.ReservationState;
import io.roomsync.reservation.Source;
import io.roomsync.reservation.SyncState;
import io.roomsync.support.TestApp;
import io.roomsync.support.TestDatabases;
import io.roomsync.support.TestDatabases.Kind;
import io.roomsync.tenant.Role;
import io.roomsync.tenant.SignInPages;
import io.roomsync.tenant.Tenant;
import io.roomsync.tenant.User;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DemoSeederTest {
    /** A Wednesday evening in Seattle; the week ahead crosses the US change to daylight saving time (8 March). */
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-05T03:30:00Z"), ZoneOffset.UTC);
    static final Map<Kind, TestApp> APPS = new EnumMap<>(Kind.class);

    @BeforeAll
    static void start() {
        for (Kind kind : Kind.values()) APPS.put(kind, TestApp.start(kind, CLOCK, Map.of("ROOMSYNC_DEMO", "true")));
    }

    @AfterAll
    static void stop() {
        APPS.values().forEach(TestApp::close);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void seeding_a_second_time_adds_nothing(Kind kind) {
        App app = APPS.get(kind).app;
        Map<String, Long> before = counts(app);
        assertFalse(app.demoSeeder.seedIfMissing());
        assertEquals(before, counts(app));
        assertEquals(1L, before.get("Tenant"));
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void the_demo_has_about_thirty_rooms_and_desks_in_two_buildings_in_different_zones(Kind kind) {
        App app = APPS.get(kind).app;
        long tenant = contoso(app).id;
        List<Building> buildings = app.tx.call(s -> s.createSelectionQuery("from Building where tenantId = :t", Building.class)
                .setParameter("t", tenant).getResultList());
        assertEquals(2, buildings.size());
        assertEquals(Set.of("America/Los_Angeles", "Europe/Berlin"), buildings.stream().map(b -> b.timeZone).collect(Collectors.toSet()));
        for (Building b : buildings) {
            long floors = app.tx.call(s -> s.createSelectionQuery("select count(*) from Floor where buildingId = :b", Long.class)
                    .setParameter("b", b.id).getSingleResult());
            assertTrue(floors >= 2 && floors <= 3, b.name + " has " + floors + " floors");
        }

        List<Reservable> spaces = app.tx.call(s -> s.createSelectionQuery("from Reservable where tenantId = :t", Reservable.class)
                .setParameter("t", tenant).getResultList());
        assertTrue(spaces.size() >= 25 && spaces.size() <= 35, spaces.size() + " reservables");
        List<Reservable> rooms = spaces.stream().filter(r -> r.kind == ReservableKind.ROOM).toList();
        assertTrue(rooms.size() >= 12 && spaces.size() - rooms.size() >= 6, "rooms and desks both present");
        Set<String> tags = new HashSet<>();
        for (Reservable room : rooms) {
            assertTrue(room.capacity >= 4 && room.capacity <= 20, room.name + " seats " + room.capacity);
            assertTrue(room.email.matches("room-[a-z0-9-]+@contoso\\.example"), room.email);
            tags.addAll(room.equipmentTags());
        }
        assertEquals(Set.of("display", "video", "whiteboard", "phone", "accessible"), tags);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void a_week_of_reservations_in_working_hours_with_no_room_booked_twice_at_once(Kind kind) {
        App app = APPS.get(kind).app;
        long tenant = contoso(app).id;
        Map<Long, ZoneId> zoneOf = app.tx.call(s -> s.createSelectionQuery(
                        "select r.id, b.timeZone from Reservable r join Building b on b.id = r.buildingId where r.tenantId = :t", Object[].class)
                .setParameter("t", tenant).getResultList()).stream()
                .collect(Collectors.toMap(row -> (Long) row[0], row -> ZoneId.of((String) row[1])));
        List<Reservation> all = app.tx.call(s -> s.createSelectionQuery(
                        "from Reservation where tenantId = :t order by reservableId, startAt", Reservation.class)
                .setParameter("t", tenant).getResultList());
        assertTrue(all.size() > 100, all.size() + " reservations");

        Reservation previous = null;
        Set<LocalDate> days = new HashSet<>();
        for (Reservation r : all) {
            ZoneId zone = zoneOf.get(r.reservableId);
            LocalDate today = LocalDate.ofInstant(CLOCK.instant(), zone);
            LocalDate day = LocalDate.ofInstant(r.startAt, zone);
            LocalTime start = LocalTime.ofInstant(r.startAt, zone);
            LocalTime end = LocalTime.ofInstant(r.endAt, zone);
            assertTrue(!day.isBefore(today) && !day.isAfter(today.plusDays(6)), "on " + day);
            assertTrue(!start.isBefore(LocalTime.of(8, 0)) && !end.isAfter(LocalTime.of(18, 0)) && start.isBefore(end),
                    r.subject + " " + start + "-" + end + " " + zone);
            assertEquals(zone.getId(), r.timeZone);
            assertEquals(ReservationState.CONFIRMED, r.state);
            assertEquals(Source.PORTAL, r.createdSource);
            assertEquals("portal", r.createdSubSource);
            assertEquals("portal", r.updatedSubSource);
            assertEquals(SyncState.NOT_SYNCED, r.syncState);
            if (previous != null && previous.reservableId.equals(r.reservableId)) {
                assertFalse(r.startAt.isBefore(previous.endAt), "reservable " + r.reservableId + " double-booked at " + r.startAt);
            }
            previous = r;
            days.add(day);
        }
        assertTrue(days.size() >= 5, "reservations on " + days);
        long withAttendees = app.tx.call(s -> s.createSelectionQuery(
                        "select count(distinct a.reservationId) from Attendee a join Reservation r on r.id = a.reservationId where r.tenantId = :t", Long.class)
                .setParameter("t", tenant).getSingleResult());
        assertTrue(withAttendees > 10, withAttendees + " reservations with attendees");
        long alexs = app.tx.call(s -> s.createSelectionQuery(
                        "select count(*) from Reservation r join User u on u.id = r.requestedForId where u.emailLower = 'alex@contoso.example'", Long.class)
                .getSingleResult());
        assertTrue(alexs >= 5, "alex has " + alexs + " reservations to look at");
    }

    @Test
    void the_listed_demo_accounts_sign_in_with_their_roles() {
        TestApp app = APPS.get(Kind.MARIADB);
        List<SignInPages.DemoAccount> accounts = DemoSeeder.accounts();
        assertEquals(List.of("alex@contoso.example", "adele@contoso.example", "sam@contoso.example"),
                accounts.stream().map(SignInPages.DemoAccount::email).toList());
        for (SignInPages.DemoAccount a : accounts) {
            app.client().signIn(a.organization(), a.email(), a.password());
        }
        Map<String, Set<Role>> roles = app.app.tx.call(s -> s.createSelectionQuery("from User where tenantId = :t", User.class)
                .setParameter("t", contoso(app.app).id).getResultList()).stream()
                .collect(Collectors.toMap(u -> u.emailLower, u -> u.roles));
        assertTrue(roles.values().stream().allMatch(r -> r.contains(Role.EMPLOYEE)), roles.toString());
        assertEquals(Set.of(Role.EMPLOYEE), roles.get("alex@contoso.example"));
        assertEquals(Set.of(Role.EMPLOYEE, Role.TENANT_ADMIN), roles.get("adele@contoso.example"));
        assertEquals(Set.of(Role.EMPLOYEE, Role.SYNC_ADMIN), roles.get("sam@contoso.example"));
        assertTrue(roles.size() >= 5, "a few more colleagues: " + roles.keySet());
    }

    @Test
    void the_embedded_database_keeps_the_demo_across_restarts() throws Exception {
        Path data = Files.createTempDirectory("roomsync-demo-");
        Map<String, String> env = Map.of("ROOMSYNC_DATA_DIR", data.toString(), "ROOMSYNC_PORT", "0");
        Map<String, Long> first;
        try (App app = new App(Settings.load(env, List.of("--demo")), CLOCK)) {
            assertEquals(Settings.defaultH2Url(data.toAbsolutePath().normalize()), app.settings.dbUrl());
            first = counts(app);
        }
        try (App again = new App(Settings.load(env, List.of("--demo")), CLOCK)) {
            assertEquals(first, counts(again));
        }
        assertTrue(first.get("Reservable") >= 25, first.toString());
    }

    @Test
    void two_nodes_starting_together_seed_the_demo_once() throws Exception {
        try (TestApp plain = TestApp.start(Kind.MARIADB, CLOCK, Map.of("ROOMSYNC_MASTER_KEY", MasterKey.generate()))) {
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<Boolean>> nodes = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                DemoSeeder seeder = new DemoSeeder(plain.app.tx, CLOCK, plain.app.audit);
                nodes.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return seeder.seedIfMissing();
                }));
            }
            go.countDown();
            long seeded = 0;
            for (CompletableFuture<Boolean> node : nodes) if (node.get()) seeded++;
            assertEquals(1, seeded);
            assertEquals(1L, counts(plain.app).get("Tenant"));
        }
    }

    private static Tenant contoso(App app) {
        return app.tx.call(s -> s.createSelectionQuery("from Tenant where slug = 'contoso'", Tenant.class).getSingleResult());
    }

    private static Map<String, Long> counts(App app) {
        Map<String, Long> counts = new java.util.TreeMap<>();
        for (String entity : List.of("Tenant", "User", "ReservableModule", "Building", "Floor", "Reservable", "Reservation", "Attendee")) {
            counts.put(entity, app.tx.call(s -> s.createSelectionQuery("select count(*) from " + entity, Long.class).getSingleResult()));
        }
        return counts;
    }
}
