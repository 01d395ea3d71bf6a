package io.roomsync.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;

class DemoSignInBrowserTest extends BrowserTest {

    @BeforeAll
    static void startDemo() {
        start(Map.of("ROOMSYNC_DEMO", "true"));
    }

    @Test
    void the_demo_sign_in_page_lists_the_demo_accounts_and_signs_alex_in() {
        open("/login");
        List<String> rows = browser.findElements(By.cssSelector(".demo-accounts tbody tr")).stream()
                .map(r -> r.getText()).collect(Collectors.toList());
        assertTrue(rows.stream().anyMatch(r -> r.contains("alex@contoso.example") && r.contains("demo-alex-2026") && r.contains("Employee")), rows.toString());
        assertTrue(rows.stream().anyMatch(r -> r.contains("adele@contoso.example") && r.contains("Tenant admin")), rows.toString());
        assertTrue(rows.stream().anyMatch(r -> r.contains("sam@contoso.example") && r.contains("Calendar sync admin")), rows.toString());
        Object cssRules = ((JavascriptExecutor) browser).executeScript(
                "let n = 0; for (const s of document.styleSheets) { try { n += s.cssRules.length; } catch (e) { } } return n;");
        assertTrue(((Number) cssRules).longValue() > 0, "the sign-in page is styled before anyone signs in");
        assertEquals("contoso", browser.findElement(By.id("organization")).getDomProperty("value"),
                "the organization is filled in for a first-time visitor of the demo");

        signIn("contoso", "alex@contoso.example", "demo-alex-2026");

        assertEquals("/find", path());
        assertTrue(text(By.cssSelector("nav.mainnav")).contains("My reservations"), text(By.cssSelector("nav.mainnav")));
    }
}
