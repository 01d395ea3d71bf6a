package io.roomsync.location;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.roomsync.audit.AuditEntry;
import io.roomsync.common.ConflictException;
import io.roomsync.common.NotFoundException;
import io.roomsync.common.ValidationException;
import io.roomsync.support.TestApp;
import io.roomsync.support.TestDatabases;
import io.roomsync.tenant.CurrentUser;
import io.roomsync.tenant.Role;
import io.roomsync.tenant.Tenant;
import io.roomsync.tenant.User;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LocationServiceTest {
    static TestApp app;
    static LocationService locations;
    static Tenant acme;
    static Tenant globex;
    static CurrentUser admin;
    static CurrentUser otherAdmin;

    @BeforeAll
    static void start() {
        app = TestApp.start(TestDatabases.Kind.MARIADB);
        locations = app.app.locations;
        acme = app.fixtures.tenant("Acme");
        globex = app.fixtures.tenant("Globex");
        admin = actor(app.fixtures.user(acme, "admin@acme.test", Role.TENANT_ADMIN));
        otherAdmin = actor(app.fixtures.user(globex, "admin@globex.test", Role.TENANT_ADMIN));
        app.app.tx.run(s -> {
            locations.createDefaultModules(s, acme.id);
            locations.createDefaultModules(s, globex.id);
        });
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    static CurrentUser actor(User u) {
        return new CurrentUser(u.id, u.tenantId, u.email, u.displayName, null, u.roles, "csrf", false);
    }

    static Map<String, String> errorsOf(Runnable r) {
        return assertThrows(ValidationException.class, r::run).fieldErrors();
    }

    static LocationService.ReservableInput room(Building b, Floor f, String name, int capacity, String email) {
        return new LocationService.ReservableInput(b.id, f == null ? null : f.id, null, "ROOM", name, capacity, List.of(), email, null);
    }

    @Test
    void a_tenant_starts_with_rooms_and_desks_modules_and_getting_them_twice_adds_nothing() {
        app.app.tx.run(s -> locations.createDefaultModules(s, acme.id));
        List<ReservableModule> modules = locations.modules(acme.id);
        ReservableModule rooms = modules.stream().filter(m -> m.name.equals("Rooms")).findFirst().orElseThrow();
        ReservableModule desks = modules.stream().filter(m -> m.name.equals("Desks")).findFirst().orElseThrow();
        assertEquals(ReservableKind.ROOM, rooms.kind);
        assertEquals(ShowAs.BUSY, rooms.showAs);
        assertEquals(480, rooms.maxDurationMinutes);
        assertEquals(90, rooms.bookingWindowDays);
        assertFalse(rooms.checkInRequired);
        assertEquals(ReservableKind.DESK, desks.kind);
        assertTrue(desks.checkInRequired);
        assertEquals(600, desks.maxDurationMinutes);
        assertEquals(30, desks.bookingWindowDays);
        assertEquals(2, modules.stream().filter(m -> m.name.equals("Rooms") || m.name.equals("Desks")).count());
    }

    @Test
    void a_building_needs_a_name_a_real_time_zone_and_a_short_enough_address() {
        Map<String, String> errors = errorsOf(() -> locations.createBuilding(admin, LocationService.PORTAL,
                new LocationService.BuildingInput("  ", "Mars/Olympus_Mons", "x".repeat(501))));
        assertEquals("Building name is required.", errors.get("name"));
        assertTrue(errors.get("timeZone").contains("not an IANA time zone"), errors.get("timeZone"));
        assertTrue(errors.get("address").contains("at most 500"));
        assertTrue(errorsOf(() -> locations.createBuilding(admin, LocationService.PORTAL,
                new LocationService.BuildingInput("x".repeat(201), "UTC", null))).get("name").contains("at most 200"));
        assertTrue(errorsOf(() -> locations.createBuilding(admin, LocationService.PORTAL,
                new LocationService.BuildingInput("Fixed offset", "+02:00", null))).containsKey("timeZone"), "offsets are not IANA zones");
    }

    @Test
    void building_names_are_unique_per_tenant_whatever_their_case_with_a_clear_message() {
        locations.createBuilding(admin, LocationService.PORTAL, new LocationService.BuildingInput("Tower One", "Europe/Berlin", "Main St 1"));
        Map<String, String> errors = errorsOf(() -> locations.createBuilding(admin, LocationService.PORTAL,
                new LocationService.BuildingInput("  tower one ", "UTC", null)));
        assertEquals("There is already a building named 'tower one'.", errors.get("name"));
        // another tenant may use the same name
        Building theirs = locations.createBuilding(otherAdmin, LocationService.PORTAL, new LocationService.BuildingInput("Tower One", "UTC", null));
        assertEquals(globex.id, theirs.tenantId);
    }

    @Test
    void renaming_a_building_to_its_own_name_is_fine_and_every_change_is_audited_with_its_source() {
        Building b = locations.createBuilding(admin, LocationService.PORTAL, new LocationService.BuildingInput("Audit House", "Europe/Paris", null));
        locations.updateBuilding(admin, LocationService.REST_API, b.id, new LocationService.BuildingInput("Audit House", "Europe/London", "Quay 2"));
        List<AuditEntry> entries = app.app.tx.call(s -> app.app.audit.forEntity(s, acme.id, "Building", b.id));
        assertEquals(2, entries.size());
        assertEquals("create", entries.get(0).action);
        assertEquals("portal", entries.get(0).source);
        assertEquals("update", entries.get(1).action);
        assertEquals("sn_wsd_rest_api", entries.get(1).source);
        assertTrue(entries.get(1).changes.contains("timeZone: 'Europe/Paris' -> 'Europe/London'"), entries.get(1).changes);
        assertEquals(admin.userId(), entries.get(1).actorUserId);
    }

    @Test
    void a_room_checks_capacity_email_and_that_its_floor_is_in_its_building() {
        Building north = locations.createBuilding(admin, LocationService.PORTAL, new LocationService.BuildingInput("North", "UTC", null));
        Building south = locations.createBuilding(admin, LocationService.PORTAL, new LocationService.BuildingInput("South", "UTC", null));
        Floor southFloor = locations.createFloor(admin, LocationService.PORTAL, south.id, new LocationService.FloorInput("Ground", null));

        Map<String, String> errors = errorsOf(() -> locations.createReservable(admin, LocationService.PORTAL,
                new LocationService.ReservableInput(north.id, southFloor.id, null, "BOAT", "", 0, List.of("ok", "x".repeat(41)), "not-an-email", null)));
        assertEquals("Room or desk name is required.", errors.get("name"));
        assertEquals("Kind must be one of ROOM, DESK or OTHER.", errors.get("kind"));
        assertEquals("Capacity must be between 1 and 10000.", errors.get("capacity"));
        assertTrue(errors.get("equipment").contains("longer than 40"));
        assertTrue(errors.get("email").contains("is not an e-mail address"));
        assertEquals("Floor 'Ground' is not in building 'North'.", errors.get("floorId"));

        assertEquals("Capacity must be between 1 and 10000.", errorsOf(() -> locations.createReservable(admin, LocationService.PORTAL,
                room(north, null, "Huge", 10_001, null))).get("capacity"));
        Reservable r = locations.createReservable(admin, LocationService.PORTAL, room(north, null, "Big hall", 10_000, null));
        assertEquals(10_000, r.capacity);
    }

    @Test
    void a_mailbox_belongs_to_one_room_per_tenant_regardless_of_case() {
        Building b = locations.createBuilding(admin, LocationService.PORTAL, new LocationService.BuildingInput("Mailbox House", "UTC", null));
        Reservable first = locations.createReservable(admin, LocationService.PORTAL, room(b, null, "Aurora", 8, "Aurora@Acme.test"));
        assertEquals("aurora@acme.test", first.email, "mailboxes are stored in lower case");
        Map<String, String> errors = errorsOf(() -> locations.createReservable(admin, LocationService.PORTAL, room(b, null, "Borealis", 8, "AURORA@acme.test")));
        assertEquals("E-mail aurora@acme.test is already the mailbox of 'Aurora'.", errors.get("email"));
        // saving the room with its own address again is no conflict
        locations.updateReservable(admin, LocationService.PORTAL, first.id, room(b, null, "Aurora", 10, "aurora@acme.test"));
        // another tenant may have a room with the same mailbox address
        Building theirs = locations.createBuilding(otherAdmin, LocationService.PORTAL, new LocationService.BuildingInput("Theirs", "UTC", null));
        locations.createReservable(otherAdmin, LocationService.PORTAL, room(theirs, null, "Aurora", 8, "aurora@acme.test"));
    }

    @Test
    void room_names_are_unique_per_building_and_floor_names_per_building() {
        Building b = locations.createBuilding(admin, LocationService.PORTAL, new LocationService.BuildingInput("Unique House", "UTC", null));
        Building other = locations.createBuilding(admin, LocationService.PORTAL, new LocationService.BuildingInput("Unique House 2", "UTC", null));
        locations.createReservable(admin, LocationService.PORTAL, room(b, null, "Focus 1", 2, null));
        assertEquals("Building 'Unique House' already has a room or desk named 'FOCUS 1'.",
                errorsOf(() -> locations.createReservable(admin, LocationService.PORTAL, room(b, null, "FOCUS 1", 2, null))).get("name"));
        locations.createReservable(admin, LocationService.PORTAL, room(other, null, "Focus 1", 2, null));

        Floor first = locations.createFloor(admin, LocationService.PORTAL, b.id, new LocationService.FloorInput("First", null));
        Floor second = locations.createFloor(admin, LocationService.PORTAL, b.id, new LocationService.FloorInput("Second", null));
        assertEquals(first.levelNumber + 1, second.levelNumber, "a floor without a level goes on top");
        assertEquals("Building 'Unique House' already has a floor named 'first'.",
                errorsOf(() -> locations.updateFloor(admin, LocationService.PORTAL, second.id, new LocationService.FloorInput("first", null))).get("name"));
        assertTrue(errorsOf(() -> locations.createFloor(admin, LocationService.PORTAL, b.id, new LocationService.FloorInput("Deep", -21))).containsKey("levelNumber"));
    }

    @Test
    void a_module_checks_its_options_and_a_room_cannot_use_another_tenants_module() {
        Map<String, String> errors = errorsOf(() -> locations.createModule(admin, LocationService.PORTAL,
                new LocationService.ModuleInput("Labs", "ROOM", "MAYBE", null, null, 14, 1826)));
        assertEquals("Show as must be BUSY or FREE.", errors.get("showAs"));
        assertEquals("Maximum duration must be between 15 and 1440 minutes.", errors.get("maxDurationMinutes"));
        assertEquals("Booking window must be between 1 and 1825 days.", errors.get("bookingWindowDays"));
        assertEquals("There is already a module named 'rooms'.", errorsOf(() -> locations.createModule(admin, LocationService.PORTAL,
                new LocationService.ModuleInput("rooms", "ROOM", "BUSY", null, null, 60, 10))).get("name"));

        ReservableModule labs = locations.createModule(admin, LocationService.PORTAL,
                new LocationService.ModuleInput("Labs", "other", "free", true, false, 1440, 1825));
        assertEquals(ReservableKind.OTHER, labs.kind);
        assertEquals(ShowAs.FREE, labs.showAs);
        assertTrue(labs.groupReservations);
        ReservableModule updated = locations.updateModule(admin, LocationService.PORTAL, labs.id,
                new LocationService.ModuleInput("Labs", "OTHER", null, null, true, 15, 1));
        assertTrue(updated.groupReservations, "options left out keep their value");
        assertTrue(updated.checkInRequired);
        assertEquals(ShowAs.FREE, updated.showAs);

        ReservableModule theirs = locations.modules(globex.id).get(0);
        Building b = locations.createBuilding(admin, LocationService.PORTAL, new LocationService.BuildingInput("Module House", "UTC", null));
        assertEquals("There is no such module.", errorsOf(() -> locations.createReservable(admin, LocationService.PORTAL,
                new LocationService.ReservableInput(b.id, null, theirs.id, "ROOM", "Lab", 4, List.of(), null, null))).get("moduleId"));
        assertThrows(NotFoundException.class, () -> locations.updateModule(admin, LocationService.PORTAL, theirs.id,
                new LocationService.ModuleInput("Mine now", "ROOM", "BUSY", null, null, 60, 10)));
    }

    @Test
    void a_room_gets_the_first_module_of_its_kind_and_equipment_is_tidied() {
        Building b = locations.createBuilding(admin, LocationService.PORTAL, new LocationService.BuildingInput("Desk House", "UTC", null));
        Reservable desk = locations.createReservable(admin, LocationService.PORTAL, new LocationService.ReservableInput(b.id, null, null,
                "desk", "Desk 1", 1, List.of(" Monitor", "dock", "monitor", ""), null, null));
        ReservableModule module = locations.module(acme.id, desk.moduleId);
        assertEquals(ReservableKind.DESK, module.kind);
        assertEquals(List.of("dock", "monitor"), desk.equipmentTags());
        assertTrue(desk.active);
    }

    @Test
    void reads_never_cross_tenants() {
        Building b = locations.createBuilding(admin, LocationService.PORTAL, new LocationService.BuildingInput("Private", "UTC", null));
        Floor f = locations.createFloor(admin, LocationService.PORTAL, b.id, new LocationService.FloorInput("F1", null));
        Reservable r = locations.createReservable(admin, LocationService.PORTAL, room(b, f, "Secret room", 4, null));
        ReservableModule m = locations.module(acme.id, r.moduleId);
        assertThrows(NotFoundException.class, () -> locations.building(globex.id, b.id));
        assertThrows(NotFoundException.class, () -> locations.floors(globex.id, b.id));
        assertThrows(NotFoundException.class, () -> locations.floor(globex.id, f.id));
        assertThrows(NotFoundException.class, () -> locations.reservable(globex.id, r.id));
        assertThrows(NotFoundException.class, () -> locations.module(globex.id, m.id));
        assertTrue(locations.listBuildings(globex.id).stream().noneMatch(x -> x.id.equals(b.id)));
        assertTrue(locations.reservables(globex.id, LocationService.ReservableFilter.all()).stream().noneMatch(v -> v.reservable().id.equals(r.id)));
        assertThrows(NotFoundException.class, () -> locations.deleteReservable(otherAdmin, LocationService.PORTAL, r.id));
        assertThrows(NotFoundException.class, () -> locations.deleteBuilding(otherAdmin, LocationService.PORTAL, b.id));
        assertThrows(NotFoundException.class, () -> locations.createFloor(otherAdmin, LocationService.PORTAL, b.id, new LocationService.FloorInput("Sneaky", null)));
        assertEquals("There is no such building.", errorsOf(() -> locations.createReservable(otherAdmin, LocationService.PORTAL,
                room(b, null, "Sneaky", 2, null))).get("buildingId"));
    }

    @Test
    void deleting_what_is_still_in_use_is_refused_and_a_reserved_room_can_only_be_deactivated() {
        Building b = locations.createBuilding(admin, LocationService.PORTAL, new LocationService.BuildingInput("Busy House", "UTC", null));
        Floor f = locations.createFloor(admin, LocationService.PORTAL, b.id, new LocationService.FloorInput("Busy floor", null));
        Reservable r = locations.createReservable(admin, LocationService.PORTAL, room(b, f, "Busy room", 6, null));
        ReservableModule used = locations.createModule(admin, LocationService.PORTAL,
                new LocationService.ModuleInput("Busy module", "ROOM", "BUSY", false, false, 60, 10));
        locations.updateReservable(admin, LocationService.PORTAL, r.id,
                new LocationService.ReservableInput(b.id, f.id, used.id, "ROOM", "Busy room", 6, List.of(), null, null));
        reserve(r);

        assertEquals("Building 'Busy House' still has 1 room or desk. Move or delete them first.",
                assertThrows(ConflictException.class, () -> locations.deleteBuilding(admin, LocationService.PORTAL, b.id)).getMessage());
        assertTrue(assertThrows(ConflictException.class, () -> locations.deleteFloor(admin, LocationService.PORTAL, f.id)).getMessage()
                .startsWith("Floor 'Busy floor' still has 1 room or desk."));
        assertTrue(assertThrows(ConflictException.class, () -> locations.deleteModule(admin, LocationService.PORTAL, used.id)).getMessage()
                .startsWith("Module 'Busy module' is used by 1 room or desk."));
        String refusal = assertThrows(ConflictException.class, () -> locations.deleteReservable(admin, LocationService.PORTAL, r.id)).getMessage();
        assertTrue(refusal.contains("has 1 reservation") && refusal.contains("Deactivate it instead"), refusal);

        Reservable inactive = locations.setActive(admin, LocationService.PORTAL, r.id, false);
        assertFalse(inactive.active);
        assertFalse(locations.reservable(acme.id, r.id).active);
    }

    @Test
    void an_empty_building_is_deleted_with_its_floors_and_an_unreserved_room_can_be_deleted() {
        Building b = locations.createBuilding(admin, LocationService.PORTAL, new LocationService.BuildingInput("Short-lived", "UTC", null));
        Floor f = locations.createFloor(admin, LocationService.PORTAL, b.id, new LocationService.FloorInput("Only floor", null));
        Reservable r = locations.createReservable(admin, LocationService.PORTAL, room(b, f, "Temp", 2, null));
        locations.deleteReservable(admin, LocationService.PORTAL, r.id);
        locations.deleteBuilding(admin, LocationService.PORTAL, b.id);
        assertThrows(NotFoundException.class, () -> locations.building(acme.id, b.id));
        assertThrows(NotFoundException.class, () -> locations.floor(acme.id, f.id));
        List<AuditEntry> floorAudit = app.app.tx.call(s -> app.app.audit.forEntity(s, acme.id, "Floor", f.id));
        assertEquals("delete", floorAudit.get(floorAudit.size() - 1).action);
    }

    @Test
    void the_reservable_list_filters_by_building_kind_state_capacity_equipment_and_name() {
        Building b = locations.createBuilding(admin, LocationService.PORTAL, new LocationService.BuildingInput("Filter House", "UTC", null));
        locations.createReservable(admin, LocationService.PORTAL, new LocationService.ReservableInput(b.id, null, null, "ROOM", "Big_Video", 12,
                List.of("video", "display"), null, null));
        locations.createReservable(admin, LocationService.PORTAL, new LocationService.ReservableInput(b.id, null, null, "ROOM", "Small", 4,
                List.of("videowall"), null, null));
        locations.createReservable(admin, LocationService.PORTAL, new LocationService.ReservableInput(b.id, null, null, "DESK", "Desk A", 1,
                List.of(), null, false));
        assertEquals(List.of("Big_Video"), names(new LocationService.ReservableFilter(b.id, null, null, null, List.of("video"), null)),
                "a tag matches whole tags only");
        assertEquals(List.of("Big_Video"), names(new LocationService.ReservableFilter(b.id, ReservableKind.ROOM, null, 5, List.of(), null)));
        assertEquals(List.of("Desk A"), names(new LocationService.ReservableFilter(b.id, null, false, null, List.of(), null)));
        assertEquals(List.of("Big_Video"), names(new LocationService.ReservableFilter(b.id, null, null, null, List.of(), "g_v")),
                "search text is matched literally");
        assertNull(locations.reservables(acme.id, new LocationService.ReservableFilter(b.id, null, null, null, List.of(), "%"))
                .stream().findFirst().orElse(null));
    }

    private static List<String> names(LocationService.ReservableFilter f) {
        return locations.reservables(acme.id, f).stream().map(v -> v.reservable().name).toList();
    }

    private static void reserve(Reservable r) {
        app.fixtures.reservation(r, 1);
    }
}
