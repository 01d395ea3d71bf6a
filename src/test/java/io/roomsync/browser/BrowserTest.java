package io.roomsync.browser;

import io.roomsync.support.TestApp;
import io.roomsync.support.TestDatabases;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Base of the browser tests: a real Roomsync server on MariaDB and a headless Chromium, one of each per test
 * class. A failing test leaves a screenshot and the page's HTML in target/screenshots.
 */
public abstract class BrowserTest {
    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    /** How long to wait for a page to change after a click; a wait, not an assertion about speed. */
    private static final Duration PAGE_CHANGE = Duration.ofSeconds(20);

    protected static TestApp app;
    protected static WebDriver browser;
    private static Chromium.Session chromium;

    @RegisterExtension
    static final TestWatcher SCREENSHOT_ON_FAILURE = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            if (browser == null) return;
            String name = context.getRequiredTestClass().getSimpleName() + "-" + context.getRequiredTestMethod().getName();
            try {
                Files.createDirectories(SCREENSHOTS);
                byte[] png = ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
                Files.write(SCREENSHOTS.resolve(name + ".png"), png);
                Files.writeString(SCREENSHOTS.resolve(name + ".html"),
                        "<!-- " + browser.getCurrentUrl() + " -->\n" + browser.getPageSource(), StandardCharsets.UTF_8);
            } catch (IOException | RuntimeException e) {
                cause.addSuppressed(e);
            }
        }
    };

    /** Starts the server (with extra ROOMSYNC_* settings) and the browser; call from the test class's @BeforeAll. */
    protected static void start(Map<String, String> env) {
        app = TestApp.start(TestDatabases.Kind.MARIADB, Clock.systemUTC(), env);
        chromium = Chromium.start();
        browser = chromium.driver;
    }

    @AfterAll
    static void stop() {
        try {
            if (chromium != null) chromium.close();
        } finally {
            chromium = null;
            browser = null;
            if (app != null) app.close();
            app = null;
        }
    }

    protected static void open(String path) {
        browser.get(app.baseUrl + path);
    }

    /** The path of the page the browser shows now. */
    protected static String path() {
        return URI.create(browser.getCurrentUrl()).getPath();
    }

    /** Signs in through the real form on /login and waits until the browser has left the sign-in page. */
    protected static void signIn(String organization, String email, String password) {
        open("/login");
        WebElement org = browser.findElement(By.id("organization"));
        org.clear();
        org.sendKeys(organization);
        browser.findElement(By.id("email")).sendKeys(email);
        browser.findElement(By.id("password")).sendKeys(password);
        browser.findElement(By.cssSelector("form[action='/login'] button[type=submit]")).click();
        waitUntilPathIsNot("/login");
    }

    protected static void waitUntilPathIsNot(String from) {
        new WebDriverWait(browser, PAGE_CHANGE).until(d -> !path().equals(from));
    }

    /** Waits for an element to appear (after a form post and its redirect) and returns its text. */
    protected static String waitForText(By by) {
        return new WebDriverWait(browser, PAGE_CHANGE).until(d -> {
            var found = d.findElements(by);
            return found.isEmpty() ? null : found.get(0).getText();
        });
    }

    protected static String text(By by) {
        return browser.findElement(by).getText();
    }

    /**
     * Finds the rooms free on {@code day} at {@code start} (building zone) through /find, books the first one with
     * that subject and waits for the reservation's page; returns the room's name.
     */
    protected static String bookFirstFreeRoom(java.time.LocalDate day, String start, String subject) {
        open("/find");
        setValue(By.id("date"), day.toString());
        setValue(By.id("start"), start);
        WebElement searchForm = browser.findElement(By.cssSelector("form.find-form"));
        searchForm.findElement(By.cssSelector("button[type=submit]")).click();
        new WebDriverWait(browser, PAGE_CHANGE).until(org.openqa.selenium.support.ui.ExpectedConditions.stalenessOf(searchForm));
        WebElement book = new WebDriverWait(browser, PAGE_CHANGE)
                .until(d -> d.findElements(By.cssSelector(".results a.button.primary")).stream().findFirst().orElse(null));
        String room = book.getAttribute("aria-label").replace("Book ", "");
        book.click();
        waitForText(By.id("subject"));
        browser.findElement(By.id("subject")).sendKeys(subject);
        browser.findElement(By.cssSelector("form[action='/reservations'] button[type=submit]")).click();
        waitUntilPathIsNot("/reservations/new");
        return room;
    }

    /** Sets an input's value as a script would (date and time inputs ignore typed text in some locales). */
    protected static void setValue(By by, String value) {
        setValue(browser.findElement(by), value);
    }

    protected static void setValue(WebElement element, String value) {
        ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("arguments[0].value = arguments[1];", element, value);
    }
}
