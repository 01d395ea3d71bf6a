package io.roomsync.calendar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.roomsync.location.Building;
import io.roomsync.location.Floor;
import io.roomsync.location.Reservable;
import io.roomsync.sandbox.Directory;
import io.roomsync.sandbox.ExchangeSandbox;
import io.roomsync.support.TestApp;
import io.roomsync.support.TestDatabases;
import io.roomsync.support.WebClient;
import io.roomsync.tenant.CurrentUser;
import io.roomsync.tenant.Role;
import io.roomsync.tenant.Tenant;
import io.roomsync.tenant.User;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Room import from the Places API of the Exchange sandbox (over HTTPS, real SDK): preview, apply, re-import, paging,
 * buildings and floors, roles and tenant isolation. Each test imports into its own Roomsync tenant.
 */
class ExchangeRoomImportTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SECRET = "import-secret-" + UUID.randomUUID();
    static TestApp app;
    static ExchangeSandbox sandbox;
    static Directory.Tenant contoso;
    static Directory.App contosoApp;
    /** Rooms in the HQ building (Places attributes), the annex (room list only) and one without either. */
    static final int HQ_ROOMS = 101;

    @BeforeAll
    static void start() {
        sandbox = ExchangeSandbox.builder().build().start();
        contoso = sandbox.addTenant("rooms.test", "Contoso");
        contosoApp = sandbox.addApp(contoso, null, "Roomsync", SECRET);
        List<String> hq = new ArrayList<>();
        for (int i = 1; i <= HQ_ROOMS; i++) {
            int n = i;
            String address = String.format("hq-%03d@rooms.test", i);
            sandbox.addRoom(contoso, address, String.format("HQ %03d", i), r -> {
                r.capacity = 4 + n % 5;
                r.building = "Contoso HQ";
                r.floorNumber = n % 3;
                r.floorLabel = n % 3 == 0 ? null : "Level " + (n % 3);
            });
            hq.add(address);
        }
        sandbox.addRoom(contoso, "harbour@rooms.test", "Harbour", r -> r.capacity = 10);
        sandbox.addRoom(contoso, "nowhere@rooms.test", "Nowhere", null);
        sandbox.addRoomList(contoso, "hq-rooms@rooms.test", "HQ list", hq);
        sandbox.addRoomList(contoso, "annex@rooms.test", "Annex", List.of("harbour@rooms.test"));
        app = TestApp.start(TestDatabases.Kind.MARIADB, Clock.systemUTC(), Map.of());
    }

    @AfterAll
    static void stop() {
        if (app != null) app.close();
        if (sandbox != null) sandbox.close();
    }

    record Org(Tenant tenant, User admin, String token, long providerId) {}

    static Org org(String secret) {
        Tenant t = app.fixtures.tenant("Acme");
        User admin = app.fixtures.user(t, "admin@" + t.slug + ".test", Role.TENANT_ADMIN);
        CurrentUser actor = app.fixtures.signedIn(admin);
        app.app.tx.run(s -> app.app.locations.createDefaultModules(s, t.id));
        Connection c = app.app.connections.create(actor, "test", new ConnectionService.ConnectionInput("Sandbox app", "APP_ONLY",
                contosoApp.clientId, "SECRET", secret, null, null, null, null, null, Boolean.TRUE));
        long providerId = app.app.providers.create(actor, "test", new ProviderService.ProviderInput("Sandbox", null, Boolean.TRUE, null,
                "CUSTOM", sandbox.authorityHost(), sandbox.origin(), contoso.id, c.id, null, null, sandbox.certificatePem(), false,
                null, null, null, null, Boolean.FALSE, null, null)).id;
        return new Org(t, admin, app.fixtures.apiToken(admin), providerId);
    }

    static JsonNode importRooms(Org org, String query) throws Exception {
        WebClient.Response r = app.client().api("POST", "/api/v1/providers/" + org.providerId + "/import-rooms" + query, org.token, null);
        assertEquals(200, r.status(), r.body());
        return JSON.readTree(r.body());
    }

    static List<Reservable> rooms(Tenant t) {
        return app.app.tx.call(s -> s.createSelectionQuery("from Reservable where tenantId = :t order by email", Reservable.class)
                .setParameter("t", t.id).getResultList());
    }

    static Reservable room(Tenant t, String email) {
        return rooms(t).stream().filter(r -> email.equalsIgnoreCase(r.email)).findFirst().orElseThrow();
    }

    static Building building(long id) {
        return app.app.tx.call(s -> s.find(Building.class, id));
    }

    static Floor floor(Long id) {
        return id == null ? null : app.app.tx.call(s -> s.find(Floor.class, id));
    }

    @Test
    void the_preview_lists_every_page_of_rooms_and_writes_nothing() throws Exception {
        Org org = org(SECRET);
        JsonNode r = importRooms(org, "");
        assertTrue(r.get("dryRun").asBoolean());
        assertEquals(HQ_ROOMS + 2, r.get("created").asInt(), "rooms beyond the first page of 100 are followed through nextLink");
        assertEquals(List.of("Annex", "Contoso HQ", "Exchange rooms"), names(r.get("newBuildings")));
        assertEquals(0, rooms(org.tenant).size(), "a preview writes nothing");
        assertEquals(0, app.app.locations.listBuildings(org.tenant.id).size());
    }

    @Test
    void applying_creates_rooms_buildings_and_floors_and_importing_again_changes_nothing() throws Exception {
        Org org = org(SECRET);
        JsonNode first = importRooms(org, "?dryRun=false&timeZone=Europe/Berlin");
        assertEquals(HQ_ROOMS + 2, first.get("created").asInt(), first.toString());
        assertEquals(HQ_ROOMS + 2, rooms(org.tenant).size());

        Reservable hq7 = room(org.tenant, "hq-007@rooms.test");
        assertEquals("HQ 007", hq7.name);
        assertEquals(4 + 7 % 5, hq7.capacity);
        assertEquals("Contoso HQ", building(hq7.buildingId).name);
        assertEquals("Europe/Berlin", building(hq7.buildingId).timeZone);
        assertEquals("Level 1", floor(hq7.floorId).name);
        assertEquals(1, floor(hq7.floorId).levelNumber);
        assertEquals("Floor 0", floor(room(org.tenant, "hq-003@rooms.test").floorId).name, "a floor number without a label");
        assertEquals("Annex", building(room(org.tenant, "harbour@rooms.test").buildingId).name, "the room list stands in for a building");
        Reservable nowhere = room(org.tenant, "nowhere@rooms.test");
        assertEquals("Exchange rooms", building(nowhere.buildingId).name);
        assertEquals(1, nowhere.capacity, "Exchange gave no capacity");

        JsonNode again = importRooms(org, "?dryRun=false");
        assertEquals(0, again.get("created").asInt(), again.toString());
        assertEquals(0, again.get("updated").asInt(), again.toString());
        assertEquals(HQ_ROOMS + 2, again.get("unchanged").asInt());
        assertEquals(HQ_ROOMS + 2, rooms(org.tenant).size(), "no duplicates");
        assertEquals(3, app.app.locations.listBuildings(org.tenant.id).size());
    }

    @Test
    void a_changed_capacity_is_previewed_as_an_update_and_applied_to_the_same_room() throws Exception {
        Org org = org(SECRET);
        importRooms(org, "?dryRun=false");
        long id = room(org.tenant, "harbour@rooms.test").id;
        sandbox.updateRoom("harbour@rooms.test", r -> r.capacity = 14);
        try {
            JsonNode preview = importRooms(org, "?dryRun=true");
            assertEquals(1, preview.get("updated").asInt(), preview.toString());
            JsonNode row = null;
            for (JsonNode x : preview.get("rooms")) if (x.get("email").asText().equals("harbour@rooms.test")) row = x;
            assertEquals("UPDATE", row.get("action").asText());
            assertEquals("capacity 10 → 14", row.get("changes").asText());
            assertEquals(10, room(org.tenant, "harbour@rooms.test").capacity, "the preview did not write");

            importRooms(org, "?dryRun=false");
            Reservable harbour = room(org.tenant, "harbour@rooms.test");
            assertEquals(id, harbour.id);
            assertEquals(14, harbour.capacity);
            assertEquals(HQ_ROOMS + 2, rooms(org.tenant).size());
        } finally {
            sandbox.updateRoom("harbour@rooms.test", r -> r.capacity = 10);
        }
    }

    @Test
    void rooms_already_in_roomsync_are_matched_by_mailbox_without_regard_to_case_or_adopted_by_name() throws Exception {
        Org org = org(SECRET);
        Building annex = app.fixtures.building(org.tenant, "Annex");
        Reservable mine = app.fixtures.room(annex, null, "Harbour", 10);
        Reservable other = app.fixtures.room(annex, null, "Big room", 30);
        app.app.tx.run(s -> s.createMutationQuery("update Reservable set email = 'NOWHERE@Rooms.Test' where id = :id")
                .setParameter("id", other.id).executeUpdate());

        importRooms(org, "?dryRun=false");
        assertEquals(mine.id, room(org.tenant, "harbour@rooms.test").id, "the room of the same name without a mailbox got it");
        Reservable nowhere = room(org.tenant, "nowhere@rooms.test");
        assertEquals(other.id, nowhere.id, "matched by mailbox, whatever its case");
        assertEquals("nowhere@rooms.test", nowhere.email);
        assertEquals("Nowhere", nowhere.name);
        assertEquals(annex.id, nowhere.buildingId, "without a building in Exchange the room stays where it is");
        assertEquals(30, nowhere.capacity, "without a capacity in Exchange the room keeps its own");
        assertEquals(HQ_ROOMS + 2, rooms(org.tenant).size());
    }

    @Test
    void exchange_that_cannot_be_read_is_a_502_pointing_at_test_connection() {
        Org org = org("wrong-" + UUID.randomUUID());
        WebClient.Response r = app.client().api("POST", "/api/v1/providers/" + org.providerId + "/import-rooms", org.token, null);
        assertEquals(502, r.status(), r.body());
        assertTrue(r.body().contains("Test connection"), r.body());
        assertTrue(r.body().contains("AADSTS7000215"), r.body());
    }

    @Test
    void only_tenant_admins_import_and_other_tenants_see_nothing() {
        Org org = org(SECRET);
        String sync = app.fixtures.apiToken(app.fixtures.user(org.tenant, "sync@" + org.tenant.slug + ".test", Role.SYNC_ADMIN));
        Org other = org(SECRET);
        String path = "/api/v1/providers/" + org.providerId + "/import-rooms";
        assertEquals(403, app.client().api("POST", path, sync, null).status());
        assertEquals(404, app.client().api("POST", path, other.token, null).status());
        assertEquals(422, app.client().api("POST", path + "?timeZone=Mars/Olympus", org.token, null).status());
        assertEquals(422, app.client().api("POST", path + "?dryRun=maybe", org.token, null).status());
    }

    @Test
    void the_rooms_admin_page_previews_and_applies_an_import() {
        Org org = org(SECRET);
        WebClient browser = app.client().signIn(org.tenant.slug, org.admin.email);
        assertTrue(browser.get("/admin/rooms").body().contains("/admin/rooms/import/exchange"));
        WebClient.Response form = browser.get("/admin/rooms/import/exchange");
        assertEquals(200, form.status());
        WebClient.Response preview = browser.post("/admin/rooms/import/exchange",
                Map.of("providerId", Long.toString(org.providerId), "timeZone", "America/New_York"));
        assertEquals(200, preview.status(), preview.body());
        assertTrue(preview.body().contains("To create") && preview.body().contains("hq-101@rooms.test"), preview.body());
        assertEquals(0, rooms(org.tenant).size());
        WebClient.Response applied = browser.post("/admin/rooms/import/exchange/apply",
                Map.of("providerId", Long.toString(org.providerId), "timeZone", "America/New_York"));
        assertEquals(303, applied.status(), applied.body());
        assertTrue(browser.get("/admin/rooms").body().contains((HQ_ROOMS + 2) + " created"));
        assertEquals(HQ_ROOMS + 2, rooms(org.tenant).size());

        Org other = org(SECRET);
        WebClient stranger = app.client().signIn(other.tenant.slug, other.admin.email);
        stranger.get("/admin/rooms/import/exchange");
        assertEquals(404, stranger.post("/admin/rooms/import/exchange", Map.of("providerId", Long.toString(org.providerId))).status());
    }

    private static List<String> names(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
