package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The demo page in a real browser: Debian's headless Chromium, driven through chromium-driver, against
 * {@code lifeline serve} run from the packaged jar. The page must show the connection's state as it changes, the
 * messages, a round-trip time, and how the connection closed, whoever closed it.
 */
@Timeout(120)
class DemoPageBrowserIT {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration WAIT = Duration.ofSeconds(15);

    private static WebDriver browser;
    private LifelineProcess server;

    @BeforeAll
    static void startBrowser(@TempDir Path profile) {
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
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(WAIT);
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @BeforeEach
    void openPage() throws Exception {
        server = LifelineProcess.serve("--mode", "chat");
        browser.get(server.page().toString());
    }

    @AfterEach
    void stopServer() throws Exception {
        server.close();
    }

    @Test
    void thePageShowsOpenTheEchoTheLatencyAndTheCloseCodeWhenTheServerCloses() throws Exception {
        awaitText(By.id("state"), "OPEN");
        assertThat(browser.findElement(By.id("mode")).getText()).isEqualTo("chat mode");

        send("hello from the browser");
        awaitText(By.cssSelector("#log .received .text"), "hello from the browser");
        await(d -> d.findElement(By.id("latency")).getText().matches("\\d+\\.\\d ms"));
        screenshot("demo-page-open.png");

        server.terminate(); // the server closes every connection with 1001

        awaitText(By.id("state"), "CLOSED");
        awaitText(By.id("close-info"), "1001 (going away) \"server shutting down\"");
        screenshot("demo-page-closed.png");
    }

    @Test
    void closeAndDropShowTheirCodesAndReconnectOpensAgain() {
        awaitText(By.id("state"), "OPEN");

        browser.findElement(By.id("close")).click();
        awaitText(By.id("state"), "CLOSED");
        awaitText(By.id("close-info"), "1000 (normal)"); // the code of the server's answering Close frame

        browser.findElement(By.id("reconnect")).click();
        awaitText(By.id("state"), "OPEN");
        assertThat(browser.findElement(By.id("close-info")).getText()).isEmpty();

        browser.findElement(By.id("drop")).click();
        awaitText(By.id("state"), "CLOSED");
        awaitText(By.id("close-info"), "1006 (abnormal closure), without a closing handshake");
    }

    @Test
    void inChatModeTwoTabsTalkToEachOther() {
        String first = browser.getWindowHandle();
        awaitText(By.id("state"), "OPEN");
        browser.switchTo().newWindow(WindowType.TAB);
        browser.get(server.page().toString());
        awaitText(By.id("state"), "OPEN");

        String second = browser.getWindowHandle();
        try {
            send("hello from tab 2");
            browser.switchTo().window(first);

            awaitText(By.cssSelector("#log .received .text"), "hello from tab 2");
        } finally {
            browser.switchTo().window(second).close();
            browser.switchTo().window(first);
        }
    }

    private void send(String text) {
        browser.findElement(By.id("message")).sendKeys(text, Keys.ENTER);
    }

    private void awaitText(By element, String text) {
        await(ExpectedConditions.textToBePresentInElementLocated(element, text));
    }

    private <T> T await(Function<? super WebDriver, T> condition) {
        return new WebDriverWait(browser, WAIT).until(condition);
    }

    /** Kept in target/ for people to look at. */
    private void screenshot(String name) throws Exception {
        File shot = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE);
        Path target = Path.of(System.getProperty("lifeline.jar")).resolveSibling(name);
        Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
    }
}
