package io.roomsync.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.roomsync.demo.DemoTwoWaySync;
import io.roomsync.reservation.Reservation;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The demo out of the box: a booking in the portal appears in Outlook, and a move in Outlook comes back. */
class DemoTwoWaySyncBrowserTest extends BrowserTest {
    /** How long sync may take: the outbox, the room's booking assistant, the webhook and the inbox job in turn. */
    private static final Duration SYNC = Duration.ofSeconds(60);

    @BeforeAll
    static void startDemo() throws Exception {
        start(Map.of("ROOMSYNC_DEMO", "true", "ROOMSYNC_DEMO_SYNC", "true"));
        DemoTwoWaySync.Summary summary = app.app.demoTwoWaySync.done().get(120, TimeUnit.SECONDS);
        assertEquals(0, summary.failed(), summary.toString());
    }

    @Test
    void a_booking_in_the_portal_shows_in_outlook_and_moving_it_there_moves_the_reservation() {
        signIn("contoso", "alex@contoso.example", "demo-alex-2026");
        // A day past the demo's week of bookings, so rooms are free.
        LocalDate day = LocalDate.now(ZoneId.of("America/Los_Angeles")).plusDays(9);
        String room = bookFirstFreeRoom(day, "10:00", "Two-way sync demo");
        String reservationPath = path();
        long id = Long.parseLong(reservationPath.substring("/reservations/".length()));
        assertTrue(synced(id), room + " syncs with Exchange in the demo");

        // Outbound: the meeting is in Alex's Outlook calendar with the room, which accepts it.
        open("/sandbox/outlook?mailbox=alex%40contoso.example&week=" + day);
        WebElement meeting = untilShown(d -> meeting("Two-way sync demo", "Accepted"));
        assertTrue(meeting.getText().contains("10:00"), meeting.getText());
        assertTrue(meeting.getText().contains(room), meeting.getText());

        // Inbound: the room's acceptance confirms the reservation in the portal.
        open(reservationPath);
        untilShown(d -> text(By.cssSelector(".toolbar .badge")).equals("Confirmed") ? true : null);

        // Moving it in Outlook moves the reservation.
        open("/sandbox/outlook?mailbox=alex%40contoso.example&week=" + day);
        meeting = meeting("Two-way sync demo", "Accepted");
        meeting.findElement(By.cssSelector("details.move summary")).click();
        WebElement move = meeting.findElement(By.cssSelector("form.move-form"));
        setValue(move.findElement(By.name("start")), "14:00");
        setValue(move.findElement(By.name("end")), "15:00");
        move.findElement(By.cssSelector("button[type=submit]")).click();
        assertTrue(waitForText(By.cssSelector(".flash")).contains("moved to " + day + ", 14:00"), text(By.cssSelector("main")));

        open(reservationPath);
        String when = untilShown(d -> {
            String facts = text(By.cssSelector("dl.facts"));
            return facts.contains("14:00–15:00") ? facts : null;
        });
        assertTrue(when.contains(room), when);
        untilShown(d -> text(By.cssSelector(".toolbar .badge")).equals("Confirmed") ? true : null);
        Reservation moved = app.app.tx.call(s -> s.find(Reservation.class, id));
        assertEquals(day.atTime(14, 0).atZone(ZoneId.of("America/Los_Angeles")).toInstant(), moved.startAt);
    }

    /** Reloads the page until {@code shown} finds what it looks for (sync happens in the background). */
    private static <T> T untilShown(java.util.function.Function<WebDriver, T> shown) {
        return new WebDriverWait(browser, SYNC).until(d -> {
            T found = shown.apply(d);
            if (found == null || Boolean.FALSE.equals(found)) d.navigate().refresh();
            return found;
        });
    }

    /** The meeting on the Outlook page with that subject whose room shows {@code roomAnswer}, else null. */
    private static WebElement meeting(String subject, String roomAnswer) {
        return browser.findElements(By.cssSelector(".sandbox-event")).stream()
                .filter(e -> e.getText().contains(subject))
                .filter(e -> e.findElements(By.cssSelector(".event-rooms .badge")).stream().anyMatch(b -> b.getText().equals(roomAnswer)))
                .findFirst().orElse(null);
    }

    private static boolean synced(long reservationId) {
        return app.app.tx.call(s -> s.createSelectionQuery("""
                        select count(*) from SyncConfiguration c join Reservation r on r.reservableId = c.reservableId
                        where r.id = :id and c.active = true""", Long.class)
                .setParameter("id", reservationId).getSingleResult()) == 1;
    }
}
