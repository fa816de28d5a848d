package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WindowType;

/**
 * The demo page in a real browser: Debian's headless Chromium, driven through chromium-driver, against
 * {@code lifeline serve} run from the packaged jar. The page must show the connection's state as it changes (in
 * its header too), the messages and in chat mode who sent each, a round-trip time while it is open, and how the
 * connection closed, whoever closed it. {@link DemoPageClosesBrowserIT} tells the closes in detail.
 */
@Timeout(120)
class DemoPageBrowserIT {
    @RegisterExtension
    static final Browser browser = new Browser();

    private LifelineProcess server;

    @BeforeEach
    void openPage() throws Exception {
        server = LifelineProcess.serve("--mode", "chat");
        browser.driver().get(server.page().toString());
    }

    @AfterEach
    void stopServer() throws Exception {
        server.close();
    }

    @Test
    void thePageShowsOpenTheEchoTheLatencyAndTheCloseCodeWhenTheServerCloses() throws Exception {
        browser.awaitText(By.id("state"), "OPEN");
        assertThat(browser.driver().findElement(By.id("mode")).getText()).isEqualTo("chat mode");
        assertThat(browser.driver().findElement(By.id("header-state")).getText()).isEqualTo("OPEN");
        assertThat(browser.driver().findElement(By.id("where")).getText()).isEqualTo("connected to");
        assertThat(browser.driver().getTitle()).isEqualTo("Lifeline demo · OPEN");

        // the browser offered permessage-deflate and the server accepted it: the echo below went compressed
        browser.await(d -> d.findElements(By.cssSelector("#log .event .text")).stream()
                .anyMatch(e -> e.getText().startsWith("connection is OPEN, extensions permessage-deflate")));
        browser.send("hello from the browser");
        browser.awaitText(By.cssSelector("#log .received .text"), "hello from the browser");
        browser.await(d -> d.findElement(By.id("latency")).getText().matches("\\d+\\.\\d ms"));
        browser.screenshot("demo-page-open.png");

        server.terminate(); // the server closes every connection with 1001

        browser.awaitText(By.id("state"), "CLOSED");
        browser.awaitText(By.id("close-info"), "1001 (going away) \"server shutting down\"; the server closed first");
        assertThat(browser.driver().findElement(By.id("latency")).getText()).isEqualTo("–");
        assertThat(browser.driver().findElement(By.id("header-state")).getText()).isEqualTo("CLOSED");
        assertThat(browser.driver().findElement(By.id("where")).getText()).isEqualTo("disconnected from");
        assertThat(browser.driver().getTitle()).isEqualTo("Lifeline demo · CLOSED");
        browser.screenshot("demo-page-closed.png");
    }

    @Test
    void closeAndDropShowTheirCodesAndReconnectOpensAgain() {
        browser.awaitText(By.id("state"), "OPEN");

        browser.driver().findElement(By.id("close")).click();
        browser.awaitText(By.id("state"), "CLOSED");
        browser.awaitText(By.id("close-info"), "1000 (normal)"); // the code of the server's answering Close frame

        browser.driver().findElement(By.id("reconnect")).click();
        browser.awaitText(By.id("state"), "OPEN");
        assertThat(browser.driver().findElement(By.id("close-info")).getText()).isEmpty();

        browser.driver().findElement(By.id("drop")).click();
        browser.awaitText(By.id("state"), "CLOSED");
        browser.awaitText(By.id("close-info"), "1006 (abnormal closure), without a closing handshake");
    }

    @Test
    void inChatModeTwoTabsTalkToEachOther() {
        WebDriver driver = browser.driver();
        String first = driver.getWindowHandle();
        browser.awaitText(By.id("state"), "OPEN");
        driver.switchTo().newWindow(WindowType.TAB);
        driver.get(server.page().toString());
        browser.awaitText(By.id("state"), "OPEN");

        String second = driver.getWindowHandle();
        try {
            browser.send("hello from tab 2");
            browser.awaitText(By.cssSelector("#log .received .text"), "hello from tab 2");
            assertThat(browser.texts("#log .received .from")).containsExactly("you");
            driver.switchTo().window(first);

            browser.awaitText(By.cssSelector("#log .received .text"), "hello from tab 2");
            assertThat(browser.texts("#log .received .from")).containsExactly("another client");
            browser.send("hello from tab 1");
            browser.await(d -> browser.texts("#log .received .from").size() == 2);
            assertThat(browser.texts("#log .received .from")).containsExactly("another client", "you");
        } finally {
            driver.switchTo().window(second).close();
            driver.switchTo().window(first);
        }
    }
}
