package io.roomsync.browser;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A headless Chromium driven through the machine's own chromedriver. Selenium is pointed at both binaries so its
 * Selenium Manager never reaches for the network; a missing binary fails the test with the fix in the message.
 */
public final class Chromium {
    public static final String BROWSER = System.getProperty("roomsync.test.chromium", "/usr/bin/chromium");
    public static final String DRIVER = System.getProperty("roomsync.test.chromedriver", "/usr/bin/chromedriver");

    private Chromium() {}

    /** A driver plus the throw-away profile folder it owns. */
    public static final class Session implements AutoCloseable {
        public final ChromeDriver driver;
        private final Path profile;

        private Session(ChromeDriver driver, Path profile) {
            this.driver = driver;
            this.profile = profile;
        }

        @Override
        public void close() {
            try {
                driver.quit();
            } finally {
                deleteQuietly(profile);
            }
        }
    }

    public static Session start() {
        return start(1280, 900);
    }

    public static Session start(int width, int height) {
        requireExecutable(BROWSER, "Chromium");
        requireExecutable(DRIVER, "chromedriver");
        System.setProperty("SE_OFFLINE", "true");
        System.setProperty("webdriver.chrome.driver", DRIVER);
        Path profile;
        try {
            profile = Files.createTempDirectory("roomsync-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-quic", "--window-size=" + width + "," + height, "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(DRIVER)).usingAnyFreePort().build();
        try {
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
            return new Session(driver, profile);
        } catch (RuntimeException e) {
            deleteQuietly(profile);
            throw e;
        }
    }

    private static void requireExecutable(String path, String what) {
        if (!Files.isExecutable(Path.of(path))) {
            throw new IllegalStateException(what + " is required for the browser tests and was not found at " + path
                    + ". Run src/test/prepare-machine.sh (it installs chromium and chromium-driver), or point"
                    + " -Droomsync.test.chromium / -Droomsync.test.chromedriver at them.");
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temp profile is harmless
        }
    }
}
