package io.roomsync.location;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.roomsync.common.ValidationException;
import io.roomsync.support.TestApp;
import io.roomsync.support.TestDatabases;
import io.roomsync.tenant.CurrentUser;
import io.roomsync.tenant.Role;
import io.roomsync.tenant.Tenant;
import io.roomsync.tenant.User;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The embedded default database compares text with case, unlike MariaDB's collation: the rules that names and
 * mailboxes are unique without regard to case must hold there too, and the import and filters must run on it.
 */
class LocationH2Test {
    static TestApp app;
    static LocationService locations;
    static Tenant acme;
    static CurrentUser admin;

    @BeforeAll
    static void start() {
        app = TestApp.start(TestDatabases.Kind.H2);
        locations = app.app.locations;
        acme = app.fixtures.tenant("Acme");
        User u = app.fixtures.user(acme, "admin@acme.test", Role.TENANT_ADMIN);
        admin = new CurrentUser(u.id, u.tenantId, u.email, u.displayName, null, u.roles, "csrf", false);
        app.app.tx.run(s -> locations.createDefaultModules(s, acme.id));
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void names_and_mailboxes_differing_only_in_case_are_duplicates_on_h2_as_well() {
        Building b = locations.createBuilding(admin, LocationService.PORTAL, new LocationService.BuildingInput("Case House", "UTC", null));
        assertEquals("There is already a building named 'CASE HOUSE'.", assertThrows(ValidationException.class, () ->
                locations.createBuilding(admin, LocationService.PORTAL, new LocationService.BuildingInput("CASE HOUSE", "UTC", null)))
                .fieldErrors().get("name"));
        locations.createFloor(admin, LocationService.PORTAL, b.id, new LocationService.FloorInput("Attic", null));
        assertTrue(assertThrows(ValidationException.class, () -> locations.createFloor(admin, LocationService.PORTAL, b.id,
                new LocationService.FloorInput("attic", null))).fieldErrors().containsKey("name"));
        locations.createReservable(admin, LocationService.PORTAL, new LocationService.ReservableInput(b.id, null, null, "ROOM", "Study",
                2, List.of(), "Study@Acme.test", null));
        ValidationException e = assertThrows(ValidationException.class, () -> locations.createReservable(admin, LocationService.PORTAL,
                new LocationService.ReservableInput(b.id, null, null, "ROOM", "STUDY", 2, List.of(), "study@acme.TEST", null)));
        assertTrue(e.fieldErrors().containsKey("name"));
        assertTrue(e.fieldErrors().containsKey("email"));
    }

    @Test
    void the_csv_import_and_the_equipment_filter_run_on_h2() {
        Building b = locations.createBuilding(admin, LocationService.PORTAL, new LocationService.BuildingInput("Import House", "Asia/Tokyo", null));
        RoomCsvImport.Preview done = app.app.roomImport.apply(admin, LocationService.PORTAL, b.id,
                "name,capacity,floor,equipment\n\"Tatami, large\",8,1F,video;display\nBooth,1,1F,phone\n");
        assertEquals(2, done.creates().size());
        RoomCsvImport.Preview again = app.app.roomImport.preview(acme.id, b.id, "name,capacity,floor,equipment\ntatami, LARGE,8,1F,video\n");
        assertEquals(1, again.errors().size(), "an unquoted comma shifts the columns: reported, not guessed");
        RoomCsvImport.Preview update = app.app.roomImport.preview(acme.id, b.id, "name,capacity,floor,equipment\n\"Tatami, large\",10,1f,video\n");
        assertEquals(1, update.updates().size());
        List<LocationService.ReservableView> found = locations.reservables(acme.id,
                new LocationService.ReservableFilter(b.id, null, true, 2, List.of("VIDEO"), "tatami"));
        assertEquals(List.of("Tatami, large"), found.stream().map(v -> v.reservable().name).toList());
        assertEquals("1F", found.get(0).floor().name);
    }
}
