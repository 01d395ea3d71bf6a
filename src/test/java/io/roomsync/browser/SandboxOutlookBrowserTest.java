package io.roomsync.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

class SandboxOutlookBrowserTest extends BrowserTest {

    @BeforeAll
    static void startDemo() {
        start(Map.of("ROOMSYNC_DEMO", "true", "ROOMSYNC_SANDBOX_PORT", "0"));
    }

    @Test
    void a_person_creates_a_meeting_with_a_room_and_sees_the_room_accept_it_in_the_week() throws Exception {
        signIn("contoso", "alex@contoso.example", "demo-alex-2026");
        open("/sandbox/outlook");
        assertTrue(text(By.cssSelector(".sandbox-banner")).contains("This page stands in for Outlook"));
        assertEquals("alex@contoso.example", new Select(browser.findElement(By.id("mailbox"))).getFirstSelectedOption().getDomProperty("value"));

        WebElement form = browser.findElement(By.cssSelector("form[action='/sandbox/outlook/meetings']"));
        form.findElement(By.id("m-subject")).sendKeys("Roadmap review");
        new Select(form.findElement(By.id("m-rooms"))).selectByValue("room-rainier@contoso.example");
        form.findElement(By.cssSelector("button[type=submit]")).click();

        assertTrue(waitForText(By.cssSelector(".flash")).contains("Roadmap review"), text(By.cssSelector("main")));
        assertTrue(app.app.exchangeSandbox.awaitIdle(Duration.ofSeconds(20)), "the room's booking assistant has answered");
        browser.navigate().refresh();

        WebElement meeting = browser.findElements(By.cssSelector(".sandbox-event")).stream()
                .filter(e -> e.getText().contains("Roadmap review")).findFirst()
                .orElseThrow(() -> new AssertionError("the meeting is in the week: " + text(By.cssSelector(".week-grid"))));
        WebElement room = meeting.findElement(By.cssSelector("[data-room='room-rainier@contoso.example']"));
        assertTrue(room.getText().contains("Rainier"), room.getText());
        assertEquals("Accepted", room.findElement(By.cssSelector(".badge")).getText());
        assertTrue(meeting.getText().contains("Organizer: you"), meeting.getText());
    }
}
