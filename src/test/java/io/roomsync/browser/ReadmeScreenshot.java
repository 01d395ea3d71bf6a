package io.roomsync.browser;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Takes the README's screenshot of a running Roomsync (not a test). Usage:
 * {@code ReadmeScreenshot BASE_URL OUT.png [ORGANIZATION EMAIL PASSWORD [PATH]]}: without credentials it shoots
 * the sign-in page; with them it signs in through the form and shoots PATH (default: where sign-in lands).
 */
public final class ReadmeScreenshot {
    private ReadmeScreenshot() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 2 && args.length != 5 && args.length != 6) {
            System.err.println("usage: ReadmeScreenshot BASE_URL OUT.png [ORGANIZATION EMAIL PASSWORD [PATH]]");
            System.exit(2);
        }
        String base = args[0];
        try (Chromium.Session chromium = Chromium.start(1280, 1040)) {
            var driver = chromium.driver;
            driver.get(base + "/login");
            if (args.length >= 5) {
                var org = driver.findElement(By.id("organization"));
                org.clear();
                org.sendKeys(args[2]);
                driver.findElement(By.id("email")).sendKeys(args[3]);
                driver.findElement(By.id("password")).sendKeys(args[4]);
                driver.findElement(By.cssSelector("form[action='/login'] button[type=submit]")).click();
                new WebDriverWait(driver, Duration.ofSeconds(20))
                        .until(d -> !URI.create(d.getCurrentUrl()).getPath().equals("/login"));
                if (args.length == 6) driver.get(base + args[5]);
            }
            Path out = Path.of(args[1]).toAbsolutePath();
            if (out.getParent() != null) Files.createDirectories(out.getParent());
            Files.write(out, driver.getScreenshotAs(OutputType.BYTES));
            System.out.println("Wrote " + out + " of " + driver.getCurrentUrl());
        }
    }
}
