package io.roomsync.location;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.roomsync.support.TestApp;
import io.roomsync.support.TestDatabases;
import io.roomsync.support.WebClient;
import io.roomsync.tenant.Role;
import io.roomsync.tenant.Tenant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LocationPagesTest {
    static TestApp app;
    static Tenant acme;
    static Tenant globex;

    @BeforeAll
    static void start() {
        app = TestApp.start(TestDatabases.Kind.MARIADB);
        acme = app.fixtures.tenant("Acme");
        globex = app.fixtures.tenant("Globex");
        app.fixtures.user(acme, "admin@acme.test", Role.TENANT_ADMIN);
        app.fixtures.user(acme, "emma@acme.test");
        app.fixtures.user(globex, "admin@globex.test", Role.TENANT_ADMIN);
        app.app.tx.run(s -> {
            app.app.locations.createDefaultModules(s, acme.id);
            app.app.locations.createDefaultModules(s, globex.id);
        });
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    static WebClient acmeAdmin() {
        WebClient c = app.client().signIn(acme.slug, "admin@acme.test");
        c.get("/admin/buildings");
        return c;
    }

    static long idFrom(String location) {
        Matcher m = Pattern.compile("/(\\d+)(\\?|$)").matcher(location);
        assertTrue(m.find(), location);
        return Long.parseLong(m.group(1));
    }

    @Test
    void an_admin_adds_a_room_to_a_floor() {
        WebClient browser = acmeAdmin();
        WebClient.Response created = browser.post("/admin/buildings",
                Map.of("name", "Harbour Tower", "timeZone", "Europe/Amsterdam", "address", "Quay 1, Rotterdam"));
        assertEquals(303, created.status(), created.body());
        long buildingId = idFrom(created.header("Location"));
        WebClient.Response page = browser.get(created.header("Location"));
        assertEquals(200, page.status());
        assertTrue(page.body().contains("Building &#39;Harbour Tower&#39; created.") || page.body().contains("Building 'Harbour Tower' created."), page.body());
        assertTrue(page.body().contains("No floors yet."));

        WebClient.Response floor = browser.post("/admin/buildings/" + buildingId + "/floors", Map.of("name", "3rd floor", "levelNumber", "3"));
        assertEquals(303, floor.status(), floor.body());
        assertTrue(browser.get("/admin/buildings/" + buildingId).body().contains("value=\"3rd floor\""));
        long floorId = app.app.locations.floors(acme.id, buildingId).get(0).id;

        browser.get("/admin/rooms");
        Map<String, String> form = new HashMap<>();
        form.put("buildingId", String.valueOf(buildingId));
        form.put("floorId", String.valueOf(floorId));
        form.put("moduleId", "");
        form.put("kind", "ROOM");
        form.put("name", "Lighthouse");
        form.put("capacity", "10");
        form.put("equipment", "Display, video; whiteboard");
        form.put("email", "lighthouse@acme.test");
        WebClient.Response room = browser.post("/admin/rooms", form);
        assertEquals(303, room.status(), room.body());
        assertEquals("/admin/rooms?buildingId=" + buildingId, room.header("Location"));

        String list = browser.get(room.header("Location")).body();
        assertTrue(list.contains(">Lighthouse</a>"), list);
        assertTrue(list.contains("3rd floor"));
        assertTrue(list.contains("<span class=\"badge\">whiteboard</span>"));
        assertTrue(list.contains("lighthouse@acme.test"));

        Reservable saved = app.app.locations.reservables(acme.id, new LocationService.ReservableFilter(buildingId, null, null, null, List.of(), "Lighthouse"))
                .get(0).reservable();
        assertEquals(floorId, saved.floorId);
        assertEquals(List.of("display", "video", "whiteboard"), saved.equipmentTags());
        assertEquals("Rooms", app.app.locations.module(acme.id, saved.moduleId).name);
        String detail = browser.get("/admin/rooms/" + saved.id).body();
        assertTrue(detail.contains("portal"), "the history shows the change came from the portal");
    }

    @Test
    void a_rejected_form_comes_back_with_the_typed_values_and_the_bad_fields_marked() {
        WebClient browser = acmeAdmin();
        WebClient.Response building = browser.post("/admin/buildings", Map.of("name", "", "timeZone", "Nowhere/Town", "address", "Somewhere 5"));
        assertEquals(400, building.status());
        assertTrue(building.body().contains("Building name is required."));
        assertTrue(building.body().contains("is not an IANA time zone"));
        assertTrue(building.body().contains("value=\"Somewhere 5\""), "typed values are kept");
        assertTrue(building.body().contains("id=\"b-name\" name=\"name\" value=\"\" maxlength=\"200\" required\n               aria-invalid=\"true\" aria-describedby=\"b-name-error\""),
                building.body());

        long buildingId = idFrom(browser.post("/admin/buildings", Map.of("name", "Form House", "timeZone", "UTC", "address", "")).header("Location"));
        browser.get("/admin/rooms");
        Map<String, String> form = new HashMap<>(Map.of("buildingId", String.valueOf(buildingId), "kind", "ROOM", "name", "Tiny",
                "capacity", "lots", "equipment", "", "email", "tiny(at)acme"));
        WebClient.Response r = browser.post("/admin/rooms", form);
        assertEquals(400, r.status());
        assertTrue(r.body().contains("Capacity must be a whole number."), r.body());
        assertTrue(r.body().contains("is not an e-mail address"));
        assertTrue(r.body().contains("value=\"lots\""));
        assertTrue(r.body().contains("aria-invalid=\"true\" aria-describedby=\"r-capacity-error\""));
        assertTrue(r.body().contains("Nothing was added."));
        assertTrue(app.app.locations.reservables(acme.id, new LocationService.ReservableFilter(buildingId, null, null, null, List.of(), null)).isEmpty());

        WebClient.Response module = browser.post("/admin/modules", Map.of("name", "Phone booths", "kind", "OTHER", "showAs", "BUSY",
                "maxDurationMinutes", "5", "bookingWindowDays", "soon"));
        assertEquals(400, module.status());
        assertTrue(module.body().contains("Maximum duration must be between 15 and 1440 minutes."));
        assertTrue(module.body().contains("Booking window must be a whole number."));
    }

    @Test
    void an_admin_edits_module_options_with_checkboxes() {
        WebClient browser = acmeAdmin();
        browser.get("/admin/modules");
        WebClient.Response created = browser.post("/admin/modules", Map.of("name", "Studios", "kind", "OTHER", "showAs", "FREE",
                "groupReservations", "on", "maxDurationMinutes", "120", "bookingWindowDays", "14"));
        assertEquals(303, created.status(), created.body());
        long id = idFrom(created.header("Location"));
        ReservableModule m = app.app.locations.module(acme.id, id);
        assertTrue(m.groupReservations);
        assertFalse(m.checkInRequired);
        assertEquals(ShowAs.FREE, m.showAs);

        browser.get("/admin/modules/" + id);
        WebClient.Response saved = browser.post("/admin/modules/" + id, Map.of("name", "Studios", "kind", "OTHER", "showAs", "BUSY",
                "checkInRequired", "on", "maxDurationMinutes", "240", "bookingWindowDays", "30"));
        assertEquals(303, saved.status(), saved.body());
        m = app.app.locations.module(acme.id, id);
        assertFalse(m.groupReservations, "an unticked box turns the option off");
        assertTrue(m.checkInRequired);
        assertEquals(240, m.maxDurationMinutes);
        assertTrue(browser.get("/admin/modules").body().contains(">Studios</a>"));

        WebClient.Response deleted = browser.post("/admin/modules/" + id + "/delete", Map.of());
        assertEquals(303, deleted.status());
        assertEquals("/admin/modules", deleted.header("Location"));
    }

    @Test
    void floors_are_renamed_and_deleted_on_the_building_page_and_conflicts_are_explained() {
        Building b = app.fixtures.building(acme, "Floor House");
        Floor one = app.fixtures.floor(b, "One");
        Floor two = app.fixtures.floor(b, "Two");
        app.fixtures.room(b, two, "Room on two", 4);
        WebClient browser = acmeAdmin();
        browser.get("/admin/buildings/" + b.id);

        WebClient.Response clash = browser.post("/admin/buildings/" + b.id + "/floors/" + one.id, Map.of("name", "two", "levelNumber", "1"));
        assertEquals(400, clash.status());
        assertTrue(clash.body().contains("already has a floor named &#39;two&#39;.") || clash.body().contains("already has a floor named 'two'."), clash.body());
        assertTrue(clash.body().contains("id=\"f" + one.id + "-name-error\""));

        assertEquals(303, browser.post("/admin/buildings/" + b.id + "/floors/" + one.id, Map.of("name", "Ground", "levelNumber", "0")).status());
        assertEquals("Ground", app.app.locations.floor(acme.id, one.id).name);

        WebClient.Response refused = browser.post("/admin/buildings/" + b.id + "/floors/" + two.id + "/delete", Map.of());
        assertEquals(409, refused.status());
        assertTrue(refused.body().contains("still has 1 room or desk"));
        WebClient.Response refusedBuilding = browser.post("/admin/buildings/" + b.id + "/delete", Map.of());
        assertEquals(409, refusedBuilding.status());
        assertTrue(refusedBuilding.body().contains("Move or delete them first."));

        assertEquals(303, browser.post("/admin/buildings/" + b.id + "/floors/" + one.id + "/delete", Map.of()).status());
        assertEquals(1, app.app.locations.floors(acme.id, b.id).size());
    }

    @Test
    void a_reserved_room_is_deactivated_instead_of_deleted() {
        Building b = app.fixtures.building(acme, "Reserved House");
        Reservable r = app.fixtures.room(b, null, "Popular", 6);
        reserve(r);
        WebClient browser = acmeAdmin();
        browser.get("/admin/rooms/" + r.id);
        WebClient.Response refused = browser.post("/admin/rooms/" + r.id + "/delete", Map.of());
        assertEquals(409, refused.status());
        assertTrue(refused.body().contains("Deactivate it instead"), refused.body());

        WebClient.Response off = browser.post("/admin/rooms/" + r.id + "/active", Map.of("active", "false"));
        assertEquals(303, off.status());
        assertFalse(app.app.locations.reservable(acme.id, r.id).active);
        String page = browser.get("/admin/rooms/" + r.id).body();
        assertTrue(page.contains("is deactivated and cannot be booked"));
        assertTrue(browser.get("/admin/rooms?buildingId=" + b.id + "&active=false").body().contains(">Popular</a>"));
        assertFalse(browser.get("/admin/rooms?buildingId=" + b.id + "&active=true").body().contains(">Popular</a>"));

        assertEquals(303, browser.post("/admin/rooms/" + r.id + "/active", Map.of("active", "true")).status());
        assertTrue(app.app.locations.reservable(acme.id, r.id).active);
    }

    @Test
    void an_employee_without_the_admin_role_gets_403_on_every_admin_page_and_change() {
        Building b = app.fixtures.building(acme, "Employee House");
        Floor f = app.fixtures.floor(b, "E1");
        Reservable r = app.fixtures.room(b, f, "Employee room", 4);
        long moduleId = r.moduleId;
        WebClient browser = app.client().signIn(acme.slug, "emma@acme.test");
        browser.get("/find");
        for (String path : List.of("/admin/buildings", "/admin/buildings/" + b.id, "/admin/rooms", "/admin/rooms/" + r.id,
                "/admin/rooms/import", "/admin/modules", "/admin/modules/" + moduleId)) {
            assertEquals(403, browser.get(path).status(), path);
        }
        browser.get("/find");
        for (String path : List.of("/admin/buildings", "/admin/buildings/" + b.id, "/admin/buildings/" + b.id + "/delete",
                "/admin/buildings/" + b.id + "/floors", "/admin/buildings/" + b.id + "/floors/" + f.id,
                "/admin/buildings/" + b.id + "/floors/" + f.id + "/delete", "/admin/rooms", "/admin/rooms/" + r.id,
                "/admin/rooms/" + r.id + "/active", "/admin/rooms/" + r.id + "/delete", "/admin/rooms/import",
                "/admin/rooms/import/apply", "/admin/modules", "/admin/modules/" + moduleId, "/admin/modules/" + moduleId + "/delete")) {
            assertEquals(403, browser.post(path, Map.of("name", "Hacked", "active", "false")).status(), path);
        }
        assertEquals("Employee House", app.app.locations.building(acme.id, b.id).name);
        assertTrue(app.app.locations.reservable(acme.id, r.id).active);
    }

    @Test
    void another_tenants_admin_gets_404_for_every_building_floor_room_and_module_of_ours() {
        Building b = app.fixtures.building(acme, "Acme Secret HQ");
        Floor f = app.fixtures.floor(b, "Secret floor");
        Reservable r = app.fixtures.room(b, f, "Secret room", 4);
        long moduleId = r.moduleId;
        Building theirs = app.fixtures.building(globex, "Globex HQ");

        WebClient intruder = app.client().signIn(globex.slug, "admin@globex.test");
        for (String path : List.of("/admin/buildings/" + b.id, "/admin/rooms/" + r.id, "/admin/modules/" + moduleId)) {
            WebClient.Response res = intruder.get(path);
            assertEquals(404, res.status(), path);
            assertFalse(res.body().contains("Secret"), path);
        }
        String lists = intruder.get("/admin/buildings").body() + intruder.get("/admin/rooms").body() + intruder.get("/admin/modules").body()
                + intruder.get("/admin/rooms/import").body();
        assertFalse(lists.contains("Acme Secret HQ"));
        assertFalse(lists.contains("Secret room"));

        Map<String, String> hostile = new HashMap<>();
        hostile.put("name", "Pwned");
        hostile.put("timeZone", "UTC");
        hostile.put("levelNumber", "1");
        hostile.put("active", "false");
        hostile.put("kind", "ROOM");
        hostile.put("capacity", "1");
        hostile.put("showAs", "BUSY");
        hostile.put("maxDurationMinutes", "60");
        hostile.put("bookingWindowDays", "10");
        hostile.put("buildingId", String.valueOf(b.id));
        hostile.put("csv", "name,capacity\nPwned,1\n");
        intruder.get("/admin/buildings");
        for (String path : List.of("/admin/buildings/" + b.id, "/admin/buildings/" + b.id + "/delete", "/admin/buildings/" + b.id + "/floors",
                "/admin/buildings/" + b.id + "/floors/" + f.id, "/admin/buildings/" + b.id + "/floors/" + f.id + "/delete",
                "/admin/buildings/" + theirs.id + "/floors/" + f.id, "/admin/buildings/" + theirs.id + "/floors/" + f.id + "/delete",
                "/admin/rooms/" + r.id, "/admin/rooms/" + r.id + "/active", "/admin/rooms/" + r.id + "/delete",
                "/admin/rooms/import", "/admin/rooms/import/apply",
                "/admin/modules/" + moduleId, "/admin/modules/" + moduleId + "/delete")) {
            assertEquals(404, intruder.post(path, hostile).status(), path);
        }
        // a room of theirs cannot be put into our building either
        intruder.get("/admin/rooms");
        WebClient.Response sneaky = intruder.post("/admin/rooms", hostile);
        assertEquals(400, sneaky.status());
        assertTrue(sneaky.body().contains("There is no such building."));

        assertEquals("Acme Secret HQ", app.app.locations.building(acme.id, b.id).name);
        assertEquals("Secret floor", app.app.locations.floor(acme.id, f.id).name);
        assertEquals("Secret room", app.app.locations.reservable(acme.id, r.id).name);
        assertTrue(app.app.locations.reservable(acme.id, r.id).active);
        assertEquals("Rooms", app.app.locations.module(acme.id, moduleId).name);
        assertTrue(app.app.locations.reservables(acme.id, new LocationService.ReservableFilter(b.id, null, null, null, List.of(), "Pwned")).isEmpty());
    }

    @Test
    void the_rooms_list_filters_and_searches() {
        Building b = app.fixtures.building(acme, "Search House");
        app.fixtures.room(b, null, "Alpha", 4);
        app.fixtures.room(b, null, "Beta", 4);
        WebClient browser = acmeAdmin();
        String page = browser.get("/admin/rooms?buildingId=" + b.id + "&q=alp").body();
        assertTrue(page.contains(">Alpha</a>"));
        assertFalse(page.contains(">Beta</a>"));
        String none = browser.get("/admin/rooms?buildingId=" + b.id + "&kind=DESK").body();
        assertTrue(none.contains("Nothing matches these filters."));
    }

    private static void reserve(Reservable r) {
        app.fixtures.reservation(r, 2);
    }
}
