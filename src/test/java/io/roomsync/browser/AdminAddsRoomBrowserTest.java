package io.roomsync.browser;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

class AdminAddsRoomBrowserTest extends BrowserTest {

    @BeforeAll
    static void startDemo() {
        start(Map.of("ROOMSYNC_DEMO", "true"));
    }

    @Test
    void an_admin_adds_a_room_and_finds_it_in_the_list() {
        signIn("contoso", "adele@contoso.example", "demo-adele-2026");
        open("/admin/rooms");
        WebElement form = browser.findElement(By.cssSelector("form[action='/admin/rooms'][method='post']"));
        form.findElement(By.id("r-name")).sendKeys("Orion");
        form.findElement(By.id("r-capacity")).sendKeys("8");
        new Select(form.findElement(By.id("r-buildingId"))).selectByVisibleText("Contoso Munich");
        form.findElement(By.cssSelector("button[type=submit]")).click();

        assertTrue(waitForText(By.cssSelector(".flash")).contains("Orion"), text(By.cssSelector("main")));
        open("/admin/rooms?q=Orion");
        assertTrue(text(By.cssSelector("main")).contains("Orion"));
        assertTrue(text(By.cssSelector("main")).contains("Contoso Munich"));
    }
}
