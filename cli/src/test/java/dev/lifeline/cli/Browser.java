package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through chromium-driver, for the demo page's browser tests; every wait is
 * bounded by {@link #WAIT}. Register it as a static {@code @RegisterExtension} field: it starts before the class's
 * tests, with a fresh profile, and quits after them.
 */
final class Browser implements BeforeAllCallback, AfterAllCallback {
    /** What {@code ./lifeline test} found (Chrome's place on macOS, say), else Debian's. */
    private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("LIFELINE_CHROMIUM",
            "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER = Path.of(System.getenv().getOrDefault("LIFELINE_CHROMEDRIVER",
            "/usr/bin/chromedriver"));
    static final Duration WAIT = Duration.ofSeconds(15);

    private ChromeDriver driver;
    private Path profile;

    /** Starts the browser; fails (never skips) without Chromium. */
    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        profile = Files.createTempDirectory("lifeline-chromium-");
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            fail("the browser test needs " + CHROMIUM + " and " + CHROMEDRIVER + "; install them with"
                    + " 'apt-get update && apt-get install -y chromium chromium-driver' (.ci/run does it)");
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-dev-shm-usage",
                "--user-data-dir=" + profile, "--window-size=1000,900");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                .usingAnyFreePort()
                .build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(WAIT);
        driver.manage().timeouts().scriptTimeout(WAIT);
    }

    WebDriver driver() {
        return driver;
    }

    /** Types {@code text} into the message field and presses Enter. */
    void send(String text) {
        driver.findElement(By.id("message")).sendKeys(text, Keys.ENTER);
    }

    /** Clicks the element with this id. */
    void click(String id) {
        driver.findElement(By.id(id)).click();
    }

    /** The text of each element that matches {@code css}, in document order. */
    List<String> texts(String css) {
        return driver.findElements(By.cssSelector(css)).stream().map(WebElement::getText).toList();
    }

    /** Waits until the log has a line of this kind ({@code event}, {@code sent}, {@code error}...) matching. */
    String awaitLogLine(String kind, Predicate<String> line) {
        return await(d -> texts("#log ." + kind + " .text").stream().filter(line).findFirst().orElse(null));
    }

    void awaitText(By element, String text) {
        await(ExpectedConditions.textToBePresentInElementLocated(element, text));
    }

    <T> T await(Function<? super WebDriver, T> condition) {
        return new WebDriverWait(driver, WAIT, Duration.ofMillis(50)).until(condition);
    }

    /** Kept in target/ for people to look at. */
    void screenshot(String name) throws Exception {
        File shot = driver.getScreenshotAs(OutputType.FILE);
        Path target = Path.of(System.getProperty("lifeline.jar")).resolveSibling(name);
        Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (driver != null) {
            driver.quit();
        }
        try (Stream<Path> files = Files.walk(profile)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }
}
