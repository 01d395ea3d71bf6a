package io.roomsync.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.roomsync.reservation.Reservation;
import io.roomsync.tenant.Tenant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

class EmployeeBrowserTest extends BrowserTest {

    @BeforeAll
    static void startDemo() {
        start(Map.of("ROOMSYNC_DEMO", "true"));
    }

    @BeforeEach
    void signedOut() {
        open("/login");
        browser.manage().deleteAllCookies();
    }

    @Test
    void an_employee_finds_a_free_room_books_it_and_sees_it_under_my_reservations() {
        signIn("contoso", "alex@contoso.example", "demo-alex-2026");
        // A day past the demo's week of bookings, so rooms are free.
        String room = bookFirstFreeRoom(LocalDate.now(ZoneId.of("America/Los_Angeles")).plusDays(9), "10:00", "Browser planning");

        open("/reservations");
        String mine = text(By.cssSelector("main"));
        assertTrue(mine.contains(room), mine);
        assertTrue(mine.contains("Browser planning"), mine);
    }

    @Test
    void a_user_of_another_tenant_cannot_open_a_contoso_reservation() {
        Reservation contosos = app.app.tx.call(s -> s.createSelectionQuery(
                "select r from Reservation r join Tenant t on t.id = r.tenantId where t.slug = 'contoso' order by r.id", Reservation.class)
                .setMaxResults(1).getSingleResult());
        Tenant fabrikam = app.fixtures.tenant("Fabrikam");
        app.fixtures.user(fabrikam, "fay@fabrikam.test");
        signIn(fabrikam.slug, "fay@fabrikam.test", io.roomsync.support.Fixtures.PASSWORD);

        open("/reservations/" + contosos.id);

        assertEquals("Not found", text(By.cssSelector("main h1")));
        assertFalse(browser.getPageSource().contains(contosos.subject), "nothing of the reservation is shown");
    }
}
