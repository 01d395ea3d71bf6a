package io.roomsync.location;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.roomsync.support.TestApp;
import io.roomsync.support.TestDatabases;
import io.roomsync.support.WebClient;
import io.roomsync.tenant.Role;
import io.roomsync.tenant.Tenant;
import io.roomsync.web.WebServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LocationApiTest {
    static TestApp app;
    static WebClient http;
    static Tenant acme;
    static Tenant globex;
    static String admin;
    static String employee;
    static String intruder;

    @BeforeAll
    static void start() {
        app = TestApp.start(TestDatabases.Kind.MARIADB);
        http = app.client();
        acme = app.fixtures.tenant("Acme");
        globex = app.fixtures.tenant("Globex");
        admin = app.fixtures.apiToken(app.fixtures.user(acme, "admin@acme.test", Role.TENANT_ADMIN));
        employee = app.fixtures.apiToken(app.fixtures.user(acme, "emma@acme.test"));
        intruder = app.fixtures.apiToken(app.fixtures.user(globex, "admin@globex.test", Role.TENANT_ADMIN));
        app.app.tx.run(s -> {
            app.app.locations.createDefaultModules(s, acme.id);
            app.app.locations.createDefaultModules(s, globex.id);
        });
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    static WebClient.Response call(String method, String path, String token, String json) {
        return http.api(method, path, token, json);
    }

    static JsonNode json(WebClient.Response r) {
        try {
            return WebServer.JSON.readTree(r.body());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + r.body(), e);
        }
    }

    static long created(WebClient.Response r, String pathPrefix) {
        assertEquals(201, r.status(), r.body());
        String location = r.header("Location");
        assertTrue(location.startsWith(pathPrefix), location);
        long id = json(r).get("id").asLong();
        assertEquals(pathPrefix + id, location);
        return id;
    }

    static String fieldError(WebClient.Response r, String field) {
        assertEquals(422, r.status(), r.body());
        assertEquals("application/problem+json", r.header("Content-Type"));
        for (JsonNode e : json(r).get("errors")) {
            if (e.get("field").asText().equals(field)) return e.get("message").asText();
        }
        throw new AssertionError("no error for " + field + " in " + r.body());
    }

    @Test
    void an_admin_scripts_a_building_with_floors_modules_and_rooms_and_removes_them_again() {
        long building = created(call("POST", "/api/v1/buildings", admin,
                "{\"name\":\"Script Tower\",\"timeZone\":\"America/New_York\",\"address\":\"5th Ave 1\"}"), "/api/v1/buildings/");
        JsonNode b = json(call("GET", "/api/v1/buildings/" + building, admin, null));
        assertEquals("America/New_York", b.get("timeZone").asText());
        assertEquals(0, b.get("floorCount").asInt());
        WebClient.Response put = call("PUT", "/api/v1/buildings/" + building, admin,
                "{\"name\":\"Script Tower\",\"timeZone\":\"America/Chicago\",\"address\":null}");
        assertEquals(200, put.status(), put.body());
        assertTrue(json(put).get("address").isNull());

        long floor = created(call("POST", "/api/v1/buildings/" + building + "/floors", admin, "{\"name\":\"Mezzanine\",\"levelNumber\":1}"),
                "/api/v1/floors/");
        WebClient.Response renamed = call("PUT", "/api/v1/floors/" + floor, admin, "{\"name\":\"Mezz\",\"levelNumber\":2}");
        assertEquals(200, renamed.status(), renamed.body());
        assertEquals("Mezz", json(renamed).get("name").asText());
        JsonNode floors = json(call("GET", "/api/v1/buildings/" + building + "/floors", admin, null));
        assertEquals(1, floors.size());
        assertEquals(2, floors.get(0).get("levelNumber").asInt());

        long module = created(call("POST", "/api/v1/modules", admin, "{\"name\":\"Quiet rooms\",\"kind\":\"ROOM\",\"showAs\":\"FREE\","
                + "\"groupReservations\":false,\"checkInRequired\":true,\"maxDurationMinutes\":90,\"bookingWindowDays\":7}"), "/api/v1/modules/");
        WebClient.Response moduleUpdate = call("PUT", "/api/v1/modules/" + module, admin, "{\"name\":\"Quiet rooms\",\"kind\":\"ROOM\","
                + "\"maxDurationMinutes\":120,\"bookingWindowDays\":7}");
        assertEquals(200, moduleUpdate.status(), moduleUpdate.body());
        assertEquals("FREE", json(moduleUpdate).get("showAs").asText(), "options left out keep their value");
        assertTrue(json(moduleUpdate).get("checkInRequired").asBoolean());
        assertEquals(120, json(moduleUpdate).get("maxDurationMinutes").asInt());

        long room = created(call("POST", "/api/v1/reservables", admin, "{\"buildingId\":" + building + ",\"floorId\":" + floor
                + ",\"moduleId\":" + module + ",\"kind\":\"ROOM\",\"name\":\"Library\",\"capacity\":6,\"equipment\":[\"Whiteboard\",\"display\"],"
                + "\"email\":\"library@acme.test\"}"), "/api/v1/reservables/");
        JsonNode r = json(call("GET", "/api/v1/reservables/" + room, employee, null));
        assertEquals("Library", r.get("name").asText());
        assertEquals("Mezz", r.get("floorName").asText());
        assertEquals("Quiet rooms", r.get("moduleName").asText());
        assertEquals("America/Chicago", r.get("timeZone").asText());
        assertEquals("[\"display\",\"whiteboard\"]", r.get("equipment").toString());
        assertTrue(r.get("active").asBoolean());

        WebClient.Response off = call("PUT", "/api/v1/reservables/" + room, admin, "{\"buildingId\":" + building + ",\"floorId\":" + floor
                + ",\"moduleId\":" + module + ",\"kind\":\"ROOM\",\"name\":\"Library\",\"capacity\":8,\"equipment\":[\"display\"],"
                + "\"email\":\"library@acme.test\",\"active\":false}");
        assertEquals(200, off.status(), off.body());
        assertFalse(json(off).get("active").asBoolean());
        WebClient.Response keep = call("PUT", "/api/v1/reservables/" + room, admin, "{\"buildingId\":" + building
                + ",\"name\":\"Library\",\"capacity\":8,\"moduleId\":" + module + "}");
        assertFalse(json(keep).get("active").asBoolean(), "a PUT without active leaves the room deactivated");
        assertTrue(json(keep).get("floorId").isNull());
        String inBuilding = "/api/v1/reservables?buildingId=" + building;
        assertEquals(0, json(call("GET", inBuilding, employee, null)).size(), "employees are not offered an inactive room");
        assertEquals(0, json(call("GET", inBuilding + "&active=false", employee, null)).size());
        assertEquals(1, json(call("GET", inBuilding + "&active=false", admin, null)).size(), "admins still find it");

        assertEquals(409, call("DELETE", "/api/v1/modules/" + module, admin, null).status());
        assertEquals(204, call("DELETE", "/api/v1/reservables/" + room, admin, null).status());
        assertEquals(404, call("GET", "/api/v1/reservables/" + room, admin, null).status());
        assertEquals(204, call("DELETE", "/api/v1/floors/" + floor, admin, null).status());
        assertEquals(204, call("DELETE", "/api/v1/modules/" + module, admin, null).status());
        assertEquals(204, call("DELETE", "/api/v1/buildings/" + building, admin, null).status());
        assertEquals(404, call("GET", "/api/v1/buildings/" + building, admin, null).status());
    }

    @Test
    void invalid_fields_come_back_as_a_problem_document_with_one_error_per_field() {
        WebClient.Response building = call("POST", "/api/v1/buildings", admin, "{\"name\":\"\",\"timeZone\":\"Europe/Atlantis\"}");
        assertEquals("Building name is required.", fieldError(building, "name"));
        assertTrue(fieldError(building, "timeZone").contains("not an IANA time zone"));

        long b = created(call("POST", "/api/v1/buildings", admin, "{\"name\":\"Validation House\",\"timeZone\":\"UTC\"}"), "/api/v1/buildings/");
        WebClient.Response room = call("POST", "/api/v1/reservables", admin, "{\"buildingId\":" + b
                + ",\"kind\":\"SPACESHIP\",\"name\":\"X\",\"capacity\":0,\"email\":\"x@\"}");
        assertEquals("Kind must be one of ROOM, DESK or OTHER.", fieldError(room, "kind"));
        assertEquals("Capacity must be between 1 and 10000.", fieldError(room, "capacity"));
        assertTrue(fieldError(room, "email").contains("not an e-mail address"));
        assertEquals("Choose a building.", fieldError(call("POST", "/api/v1/reservables", admin, "{\"name\":\"X\",\"capacity\":1}"), "buildingId"));

        WebClient.Response module = call("POST", "/api/v1/modules", admin, "{\"name\":\"M\",\"kind\":\"DESK\",\"maxDurationMinutes\":2000,\"bookingWindowDays\":0}");
        assertEquals("Maximum duration must be between 15 and 1440 minutes.", fieldError(module, "maxDurationMinutes"));
        assertEquals("Booking window must be between 1 and 1825 days.", fieldError(module, "bookingWindowDays"));
        assertEquals("There is already a module named 'Rooms'.", fieldError(call("POST", "/api/v1/modules", admin,
                "{\"name\":\"Rooms\",\"kind\":\"ROOM\",\"maxDurationMinutes\":60,\"bookingWindowDays\":10}"), "name"));
        assertTrue(fieldError(call("POST", "/api/v1/buildings/" + b + "/floors", admin, "{\"name\":\"Sky\",\"levelNumber\":301}"), "levelNumber")
                .contains("between -20 and 300"));
        assertEquals("The request needs a JSON body.", fieldError(call("POST", "/api/v1/buildings", admin, null), ""));

        assertEquals(400, call("POST", "/api/v1/buildings", admin, "{\"name\":").status());
        assertEquals(400, call("POST", "/api/v1/buildings", admin, "{\"name\":\"A\",\"timeZone\":\"UTC\",\"colour\":\"red\"}").status());
        assertEquals("kind", json(call("GET", "/api/v1/reservables?kind=SHIP", employee, null)).get("errors").get(0).get("field").asText());
        assertEquals("minCapacity must be a whole number.", fieldError(call("GET", "/api/v1/reservables?minCapacity=many", employee, null), "minCapacity"));
    }

    @Test
    void employees_read_locations_and_filter_reservables_but_only_admins_change_them() {
        Building b = app.fixtures.building(acme, "Read House");
        Floor f = app.fixtures.floor(b, "R1");
        Reservable big = app.fixtures.room(b, f, "Big read room", 20);
        app.fixtures.room(b, f, "Small read room", 2);
        app.app.tx.run(s -> {
            Reservable managed = s.find(Reservable.class, big.id);
            managed.setEquipmentTags(List.of("video", "display"));
        });
        long module = big.moduleId;

        assertEquals(200, call("GET", "/api/v1/buildings", employee, null).status());
        assertEquals(200, call("GET", "/api/v1/buildings/" + b.id, employee, null).status());
        assertEquals(200, call("GET", "/api/v1/buildings/" + b.id + "/floors", employee, null).status());
        assertEquals(200, call("GET", "/api/v1/modules", employee, null).status());
        assertEquals(200, call("GET", "/api/v1/modules/" + module, employee, null).status());
        JsonNode found = json(call("GET", "/api/v1/reservables?buildingId=" + b.id + "&kind=ROOM&active=true&minCapacity=10&equipment=Video,display",
                employee, null));
        assertEquals(1, found.size());
        assertEquals("Big read room", found.get(0).get("name").asText());
        assertEquals(2, json(call("GET", "/api/v1/reservables?buildingId=" + b.id, employee, null)).size());

        String body = "{\"name\":\"Nope\",\"timeZone\":\"UTC\",\"kind\":\"ROOM\",\"maxDurationMinutes\":60,\"bookingWindowDays\":5}";
        List<String[]> writes = new ArrayList<>();
        writes.add(new String[] {"POST", "/api/v1/buildings"});
        writes.add(new String[] {"PUT", "/api/v1/buildings/" + b.id});
        writes.add(new String[] {"DELETE", "/api/v1/buildings/" + b.id});
        writes.add(new String[] {"POST", "/api/v1/buildings/" + b.id + "/floors"});
        writes.add(new String[] {"PUT", "/api/v1/floors/" + f.id});
        writes.add(new String[] {"DELETE", "/api/v1/floors/" + f.id});
        writes.add(new String[] {"POST", "/api/v1/modules"});
        writes.add(new String[] {"PUT", "/api/v1/modules/" + module});
        writes.add(new String[] {"DELETE", "/api/v1/modules/" + module});
        writes.add(new String[] {"POST", "/api/v1/reservables"});
        writes.add(new String[] {"PUT", "/api/v1/reservables/" + big.id});
        writes.add(new String[] {"DELETE", "/api/v1/reservables/" + big.id});
        for (String[] w : writes) {
            WebClient.Response r = call(w[0], w[1], employee, w[0].equals("DELETE") ? null : body);
            assertEquals(403, r.status(), w[0] + " " + w[1]);
            assertEquals("application/problem+json", r.header("Content-Type"));
        }
        assertEquals("Read House", app.app.locations.building(acme.id, b.id).name);
        assertEquals(401, call("GET", "/api/v1/buildings", null, null).status());
    }

    @Test
    void another_tenants_ids_answer_404_on_every_location_endpoint() {
        Building b = app.fixtures.building(acme, "Acme Vault");
        Floor f = app.fixtures.floor(b, "Vault floor");
        Reservable r = app.fixtures.room(b, f, "Vault room", 4);
        long module = r.moduleId;
        String body = "{\"name\":\"Stolen\",\"timeZone\":\"UTC\",\"kind\":\"ROOM\",\"maxDurationMinutes\":60,\"bookingWindowDays\":5,"
                + "\"capacity\":1}";
        String[][] calls = {
                {"GET", "/api/v1/buildings/" + b.id}, {"PUT", "/api/v1/buildings/" + b.id}, {"DELETE", "/api/v1/buildings/" + b.id},
                {"GET", "/api/v1/buildings/" + b.id + "/floors"}, {"POST", "/api/v1/buildings/" + b.id + "/floors"},
                {"PUT", "/api/v1/floors/" + f.id}, {"DELETE", "/api/v1/floors/" + f.id},
                {"GET", "/api/v1/modules/" + module}, {"PUT", "/api/v1/modules/" + module}, {"DELETE", "/api/v1/modules/" + module},
                {"GET", "/api/v1/reservables/" + r.id}, {"PUT", "/api/v1/reservables/" + r.id}, {"DELETE", "/api/v1/reservables/" + r.id},
                {"GET", "/api/v1/buildings/abc"}};
        for (String[] c : calls) {
            WebClient.Response res = call(c[0], c[1], intruder, c[0].equals("GET") || c[0].equals("DELETE") ? null : body);
            assertEquals(404, res.status(), c[0] + " " + c[1] + ": " + res.body());
            assertEquals("application/problem+json", res.header("Content-Type"));
            assertFalse(res.body().contains("Vault"));
        }
        String lists = call("GET", "/api/v1/buildings", intruder, null).body() + call("GET", "/api/v1/reservables", intruder, null).body()
                + call("GET", "/api/v1/reservables?buildingId=" + b.id, intruder, null).body();
        assertFalse(lists.contains("Vault"));
        assertTrue(json(call("GET", "/api/v1/modules", intruder, null)).findValues("id").stream().noneMatch(id -> id.asLong() == module));
        assertEquals("There is no such building.", fieldError(call("POST", "/api/v1/reservables", intruder,
                "{\"buildingId\":" + b.id + ",\"name\":\"Planted\",\"capacity\":1}"), "buildingId"));

        assertEquals("Acme Vault", app.app.locations.building(acme.id, b.id).name);
        assertEquals("Vault floor", app.app.locations.floor(acme.id, f.id).name);
        assertEquals("Vault room", app.app.locations.reservable(acme.id, r.id).name);
        assertEquals("Rooms", app.app.locations.module(acme.id, module).name);
    }

    @Test
    void deleting_a_building_that_still_has_rooms_is_a_409_with_the_reason() {
        Building b = app.fixtures.building(acme, "Occupied House");
        app.fixtures.room(b, null, "Occupant", 2);
        WebClient.Response r = call("DELETE", "/api/v1/buildings/" + b.id, admin, null);
        assertEquals(409, r.status());
        assertEquals("Building 'Occupied House' still has 1 room or desk. Move or delete them first.", json(r).get("detail").asText());
    }

    @Test
    void the_openapi_document_describes_every_location_endpoint() {
        JsonNode doc = json(call("GET", "/api/openapi.json", null, null));
        JsonNode paths = doc.get("paths");
        for (String[] op : new String[][] {{"/api/v1/buildings", "get"}, {"/api/v1/buildings", "post"}, {"/api/v1/buildings/{id}", "put"},
                {"/api/v1/buildings/{id}", "delete"}, {"/api/v1/buildings/{id}/floors", "post"}, {"/api/v1/floors/{id}", "put"},
                {"/api/v1/floors/{id}", "delete"}, {"/api/v1/modules/{id}", "put"}, {"/api/v1/reservables", "get"},
                {"/api/v1/reservables", "post"}, {"/api/v1/reservables/{id}", "delete"}, {"/api/v1/reservables/import", "post"}}) {
            assertTrue(paths.has(op[0]) && paths.get(op[0]).has(op[1]), op[1] + " " + op[0]);
        }
        assertTrue(paths.get("/api/v1/buildings").get("post").get("responses").has("201"));
        assertTrue(doc.get("components").get("schemas").get("ReservableRequest").get("properties").has("equipment"));
    }
}
