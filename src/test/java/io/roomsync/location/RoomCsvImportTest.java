package io.roomsync.location;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.roomsync.audit.AuditEntry;
import io.roomsync.support.TestApp;
import io.roomsync.support.TestDatabases;
import io.roomsync.support.WebClient;
import io.roomsync.tenant.CurrentUser;
import io.roomsync.tenant.Role;
import io.roomsync.tenant.Tenant;
import io.roomsync.tenant.User;
import io.roomsync.web.WebServer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RoomCsvImportTest {
    static final String HEADER = "name,kind,capacity,floor,equipment,email,module\n";
    static TestApp app;
    static Tenant acme;
    static Tenant globex;
    static User acmeAdmin;
    static String adminToken;
    static String employeeToken;
    static String globexToken;

    @BeforeAll
    static void start() throws Exception {
        app = TestApp.start(TestDatabases.Kind.MARIADB);
        acme = app.fixtures.tenant("Acme");
        globex = app.fixtures.tenant("Globex");
        acmeAdmin = app.fixtures.user(acme, "admin@acme.test", Role.TENANT_ADMIN);
        adminToken = app.fixtures.apiToken(acmeAdmin);
        employeeToken = app.fixtures.apiToken(app.fixtures.user(acme, "emma@acme.test"));
        globexToken = app.fixtures.apiToken(app.fixtures.user(globex, "admin@globex.test", Role.TENANT_ADMIN));
        app.app.tx.run(s -> {
            app.app.locations.createDefaultModules(s, acme.id);
            app.app.locations.createDefaultModules(s, globex.id);
        });
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    static WebClient admin() {
        WebClient c = app.client().signIn(acme.slug, "admin@acme.test");
        c.get("/admin/rooms/import");
        return c;
    }

    static List<Reservable> roomsIn(Building b) {
        return app.app.locations.reservables(acme.id, new LocationService.ReservableFilter(b.id, null, null, null, List.of(), null))
                .stream().map(LocationService.ReservableView::reservable).toList();
    }

    static Reservable named(Building b, String name) {
        return roomsIn(b).stream().filter(r -> r.name.equals(name)).findFirst().orElse(null);
    }

    static String hiddenCsv(String page) {
        Matcher m = Pattern.compile("<input type=\"hidden\" name=\"csv\" value=\"([^\"]*)\">").matcher(page);
        assertTrue(m.find(), "the preview carries the CSV to apply");
        return m.group(1).replace("&#34;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    }

    @Test
    void an_uploaded_file_with_quoted_commas_is_previewed_then_applied_in_one_step() {
        Building b = app.fixtures.building(acme, "Upload Tower");
        app.fixtures.floor(b, "Ground");
        String csv = HEADER
                + "\"Board room, north\",ROOM,12,3rd floor,Display;video|whiteboard,Board.North@acme.test,Rooms\n"
                + "Desk 3.14,desk,1,3rd floor,monitor,,\n"
                + "Lobby nook,,4,ground,,,\n";
        WebClient browser = admin();
        WebClient.Response preview = browser.postMultipart("/admin/rooms/import", Map.of("buildingId", String.valueOf(b.id), "csv", ""),
                "file", "rooms.csv", csv.getBytes(StandardCharsets.UTF_8));
        assertEquals(200, preview.status(), preview.body());
        assertTrue(preview.body().contains("<td>Board room, north</td>"), preview.body());
        assertTrue(preview.body().contains("new floor(s): 3rd floor"));
        assertTrue(roomsIn(b).isEmpty(), "a preview writes nothing");
        assertEquals(1, app.app.locations.floors(acme.id, b.id).size());

        WebClient.Response applied = browser.post("/admin/rooms/import/apply", Map.of("buildingId", String.valueOf(b.id), "csv", hiddenCsv(preview.body())));
        assertEquals(303, applied.status(), applied.body());
        assertTrue(browser.get(applied.header("Location")).body().contains("3 created, 0 updated, 0 unchanged, 1 new floor(s)."));

        Reservable board = named(b, "Board room, north");
        assertEquals(12, board.capacity);
        assertEquals(List.of("display", "video", "whiteboard"), board.equipmentTags());
        assertEquals("board.north@acme.test", board.email);
        Floor third = app.app.locations.floors(acme.id, b.id).stream().filter(f -> f.name.equals("3rd floor")).findFirst().orElseThrow();
        assertEquals(third.id, board.floorId);
        Reservable desk = named(b, "Desk 3.14");
        assertEquals(ReservableKind.DESK, desk.kind);
        assertEquals("Desks", app.app.locations.module(acme.id, desk.moduleId).name, "a row without module gets the module of its kind");
        Reservable nook = named(b, "Lobby nook");
        assertEquals(ReservableKind.ROOM, nook.kind);
        assertEquals("Ground", app.app.locations.floor(acme.id, nook.floorId).name, "floors are matched without regard to case");
        List<AuditEntry> audit = app.app.tx.call(s -> app.app.audit.forEntity(s, acme.id, "Reservable", board.id));
        assertEquals("portal", audit.get(0).source);
    }

    @Test
    void bad_rows_are_reported_by_line_and_nothing_of_the_file_is_imported() {
        Building b = app.fixtures.building(acme, "Strict House");
        app.fixtures.room(b, null, "Existing", 4);
        app.app.locations.updateReservable(actor(acmeAdmin), LocationService.PORTAL, named(b, "Existing").id,
                new LocationService.ReservableInput(b.id, null, null, "ROOM", "Existing", 4, List.of(), "taken@acme.test", null));
        String csv = HEADER
                + "Good one,ROOM,6,New floor,,,\n"
                + "Too big,ROOM,20000,,,,\n"
                + "\n"
                + "\"Multi\nline\",ROOM,x,,,,\n"
                + "Ship,BOAT,2,,,,\n"
                + "Mailbox thief,ROOM,2,,,TAKEN@acme.test,\n"
                + "Good one,ROOM,2,,,,\n"
                + "Nomodule,ROOM,2,,,,Spaceships\n"
                + "Short,ROOM,2\n"
                + "Another good,DESK,1,,,,\n";
        WebClient browser = admin();
        WebClient.Response preview = browser.post("/admin/rooms/import", Map.of("buildingId", String.valueOf(b.id), "csv", csv));
        assertEquals(422, preview.status());
        String body = preview.body();
        assertTrue(body.contains("<td>Line 3</td><td>Capacity must be between 1 and 10000.</td>"), body);
        assertTrue(body.contains("<td>Line 5</td><td>Room or desk name cannot contain line breaks or control characters. Capacity 'x' is not a whole number.</td>"),
                "a record spanning lines is reported at its first line, with all its problems");
        assertTrue(body.contains("<td>Line 7</td><td>Kind 'BOAT' is not ROOM, DESK or OTHER.</td>"));
        assertTrue(body.contains("is already the mailbox of"));
        assertTrue(body.contains("<td>Line 9</td><td>The name 'Good one' is also on line 2.</td>"));
        assertTrue(body.contains("There is no module named"));
        assertTrue(body.contains("<td>Line 11</td><td>Has 3 values but the header has 7 columns"));
        assertFalse(body.contains("Apply import"), "a file with errors cannot be applied");

        // posting the apply form anyway (an old tab, a crafted request) still writes nothing
        WebClient.Response apply = browser.post("/admin/rooms/import/apply", Map.of("buildingId", String.valueOf(b.id), "csv", csv));
        assertEquals(422, apply.status());
        assertEquals(List.of("Existing"), roomsIn(b).stream().map(r -> r.name).toList());
        assertTrue(app.app.locations.floors(acme.id, b.id).isEmpty(), "no floor of a rejected file is created");
    }

    @Test
    void apply_validates_again_so_a_change_made_after_the_preview_rejects_the_whole_file() {
        Building b = app.fixtures.building(acme, "Race House");
        String csv = HEADER + "First,ROOM,2,,,,\nSecond,ROOM,2,,,second@acme.test,\n";
        WebClient browser = admin();
        WebClient.Response preview = browser.post("/admin/rooms/import", Map.of("buildingId", String.valueOf(b.id), "csv", csv));
        assertEquals(200, preview.status());
        Building elsewhere = app.fixtures.building(acme, "Race House Annex");
        app.app.locations.createReservable(actor(acmeAdmin), LocationService.PORTAL,
                new LocationService.ReservableInput(elsewhere.id, null, null, "ROOM", "Meanwhile", 2, List.of(), "second@acme.test", null));

        WebClient.Response apply = browser.post("/admin/rooms/import/apply", Map.of("buildingId", String.valueOf(b.id), "csv", hiddenCsv(preview.body())));
        assertEquals(422, apply.status());
        assertTrue(apply.body().contains("<td>Line 3</td>"));
        assertTrue(roomsIn(b).isEmpty(), "the valid first row was not imported on its own");
    }

    @Test
    void importing_the_same_building_again_updates_rooms_instead_of_duplicating_them() {
        Building b = app.fixtures.building(acme, "Repeat House");
        String first = HEADER + "Alpha,ROOM,4,L1,tv,,\nBeta,ROOM,6,L1,,,\n";
        assertEquals(200, api("POST", "/api/v1/reservables/import?buildingId=" + b.id + "&dryRun=false", adminToken, first).status());
        long alphaId = named(b, "Alpha").id;

        String second = HEADER + "alpha,ROOM,8,L2,tv;video,,\nBeta,ROOM,6,L1,,,\nGamma,OTHER,3,,,,Rooms\n";
        WebClient.Response dry = api("POST", "/api/v1/reservables/import?buildingId=" + b.id, adminToken, second);
        assertEquals(200, dry.status(), dry.body());
        JsonNode preview = json(dry);
        assertTrue(preview.get("dryRun").asBoolean(), "without dryRun=false nothing is written");
        assertEquals(1, preview.get("created").asInt());
        assertEquals(1, preview.get("updated").asInt());
        assertEquals(1, preview.get("unchanged").asInt());
        assertEquals("L2", preview.get("newFloors").get(0).asText());
        assertEquals("UPDATE", preview.get("rows").get(0).get("action").asText());
        assertEquals("name Alpha → alpha, capacity 4 → 8, floor L1 → L2, equipment", preview.get("rows").get(0).get("changes").asText());
        assertNull(named(b, "Gamma"));

        WebClient.Response applied = api("POST", "/api/v1/reservables/import?buildingId=" + b.id + "&dryRun=false", adminToken, second);
        assertEquals(200, applied.status(), applied.body());
        assertFalse(json(applied).get("dryRun").asBoolean());
        assertEquals(3, roomsIn(b).size());
        assertNull(named(b, "Alpha"), "the file's spelling of the name wins");
        Reservable alpha = named(b, "alpha");
        assertEquals(alphaId, alpha.id, "the room keeps its identity (and its reservations)");
        assertEquals(8, alpha.capacity);
        assertEquals(List.of("tv", "video"), alpha.equipmentTags());
        assertEquals("L2", app.app.locations.floor(acme.id, alpha.floorId).name);
        List<AuditEntry> audit = app.app.tx.call(s -> app.app.audit.forEntity(s, acme.id, "Reservable", alphaId));
        assertEquals("sn_wsd_rest_api", audit.get(audit.size() - 1).source);
        assertEquals("update", audit.get(audit.size() - 1).action);
    }

    @Test
    void the_api_answers_422_with_one_error_per_bad_line_and_imports_nothing() {
        Building b = app.fixtures.building(acme, "Api Strict House");
        WebClient.Response r = api("POST", "/api/v1/reservables/import?buildingId=" + b.id + "&dryRun=false", adminToken,
                HEADER + "Fine,ROOM,2,,,,\nBroken,ROOM,0,,,,\nWorse,ROOM,2,,,nope,\n");
        assertEquals(422, r.status());
        assertEquals("application/problem+json", r.header("Content-Type"));
        JsonNode problem = json(r);
        assertEquals("line 3", problem.get("errors").get(0).get("field").asText());
        assertEquals("Capacity must be between 1 and 10000.", problem.get("errors").get(0).get("message").asText());
        assertEquals("line 4", problem.get("errors").get(1).get("field").asText());
        assertTrue(roomsIn(b).isEmpty());

        WebClient.Response header = api("POST", "/api/v1/reservables/import?buildingId=" + b.id, adminToken, "name;capacity\nA;1\n");
        assertEquals(422, header.status());
        assertTrue(json(header).get("errors").get(0).get("message").asText().contains("not separated by semicolons"));
        WebClient.Response unknown = api("POST", "/api/v1/reservables/import?buildingId=" + b.id, adminToken, "name,capacity,colour\nA,1,red\n");
        assertTrue(json(unknown).get("errors").get(0).get("message").asText().startsWith("Unknown column 'colour'"));
        WebClient.Response quote = api("POST", "/api/v1/reservables/import?buildingId=" + b.id, adminToken, "name,capacity\n\"Open,1\n");
        assertEquals("line 2", json(quote).get("errors").get(0).get("field").asText());
        WebClient.Response empty = api("POST", "/api/v1/reservables/import?buildingId=" + b.id, adminToken, HEADER);
        assertEquals("The file has a header but no rows.", json(empty).get("errors").get(0).get("message").asText());
        WebClient.Response noBuilding = api("POST", "/api/v1/reservables/import", adminToken, HEADER + "A,ROOM,1,,,,\n");
        assertEquals(422, noBuilding.status());
        assertEquals("buildingId", json(noBuilding).get("errors").get(0).get("field").asText());
        WebClient.Response latin1 = app.client().apiRaw("POST", "/api/v1/reservables/import?buildingId=" + b.id, adminToken, "text/csv",
                "name,capacity\nK\u00fcche,4\n".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(422, latin1.status());
        assertTrue(json(latin1).get("detail").asText().contains("not UTF-8"));
    }

    @Test
    void files_beyond_the_row_and_size_limits_are_refused_with_a_clear_message() {
        Building b = app.fixtures.building(acme, "Limit House");
        StringBuilder big = new StringBuilder("name,capacity\n");
        for (int i = 1; i <= RoomCsvImport.MAX_ROWS + 1; i++) big.append("Desk ").append(i).append(",1\n");
        WebClient browser = admin();
        WebClient.Response tooMany = browser.post("/admin/rooms/import", Map.of("buildingId", String.valueOf(b.id), "csv", big.toString()));
        assertEquals(422, tooMany.status());
        assertTrue(tooMany.body().contains("The file has more than 5000 rows."), tooMany.body().substring(0, Math.min(3000, tooMany.body().length())));

        byte[] huge = new byte[RoomCsvImport.MAX_BYTES + 1];
        java.util.Arrays.fill(huge, (byte) 'a');
        WebClient.Response tooLarge = browser.postMultipart("/admin/rooms/import", Map.of("buildingId", String.valueOf(b.id)), "file", "huge.csv", huge);
        assertEquals(400, tooLarge.status());
        assertTrue(tooLarge.body().contains("The file is larger than 2 MB."));
        WebClient.Response nothing = browser.post("/admin/rooms/import", Map.of("buildingId", String.valueOf(b.id), "csv", " "));
        assertEquals(400, nothing.status());
        assertTrue(nothing.body().contains("Choose a CSV file or paste its contents."));
        assertTrue(roomsIn(b).isEmpty());
    }

    @Test
    void five_thousand_rows_are_imported_in_one_go() {
        Building b = app.fixtures.building(acme, "Big Campus");
        StringBuilder csv = new StringBuilder("name,kind,capacity,floor\n");
        for (int i = 1; i <= RoomCsvImport.MAX_ROWS; i++) csv.append("Desk ").append(i).append(",DESK,1,Floor ").append(i % 10).append('\n');
        WebClient.Response r = api("POST", "/api/v1/reservables/import?buildingId=" + b.id + "&dryRun=false", adminToken, csv.toString());
        assertEquals(200, r.status(), r.body());
        assertEquals(RoomCsvImport.MAX_ROWS, json(r).get("created").asInt());
        assertEquals(RoomCsvImport.MAX_ROWS, roomsIn(b).size());
        assertEquals(10, app.app.locations.floors(acme.id, b.id).size());
    }

    @Test
    void only_admins_of_the_buildings_tenant_may_import() {
        Building b = app.fixtures.building(acme, "Guarded House");
        String csv = HEADER + "Intruder room,ROOM,2,,,,\n";
        assertEquals(403, api("POST", "/api/v1/reservables/import?buildingId=" + b.id + "&dryRun=false", employeeToken, csv).status());
        WebClient.Response foreign = api("POST", "/api/v1/reservables/import?buildingId=" + b.id + "&dryRun=false", globexToken, csv);
        assertEquals(404, foreign.status());
        assertFalse(foreign.body().contains("Guarded"));
        assertTrue(roomsIn(b).isEmpty());
    }

    static WebClient.Response api(String method, String path, String token, String csv) {
        return app.client().apiRaw(method, path, token, "text/csv", csv.getBytes(StandardCharsets.UTF_8));
    }

    static JsonNode json(WebClient.Response r) {
        try {
            return WebServer.JSON.readTree(r.body());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + r.body(), e);
        }
    }

    static CurrentUser actor(User u) {
        return new CurrentUser(u.id, u.tenantId, u.email, u.displayName, null, u.roles, "csrf", false);
    }
}
