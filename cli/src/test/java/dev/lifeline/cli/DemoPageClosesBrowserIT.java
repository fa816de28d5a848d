package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;

/**
 * How the demo page tells that its connection ended, in headless Chromium against {@code lifeline serve}: who closed
 * first and both Close frames, as Lifeline's {@code ConnectionClosedException} tells them (and as the server's own
 * log line confirms), when the server closes while the page sits idle; what a Lifeline client's {@code send()} would
 * throw when Send is pressed after the end; "could not connect" rather than a 1006 close; and the newest log line in
 * view.
 */
@Timeout(120)
class DemoPageClosesBrowserIT {
    @RegisterExtension
    static final Browser browser = new Browser();

    private LifelineProcess server;

    @BeforeEach
    void openPage() throws Exception {
        server = LifelineProcess.serve();
        browser.driver().get(server.page().toString());
        browser.awaitText(By.id("state"), "OPEN");
    }

    @AfterEach
    void stopServer() throws Exception {
        server.close();
    }

    @Test
    void theServerClosesFirstWhileThePageSitsIdleAndTheLogShowsBothCloseFrames() throws Exception {
        askTheServerToClose("4000", "as asked", "1");

        String asked = browser.awaitLogLine("event", t -> t.startsWith("asked the server to close"));
        assertThat(asked).isEqualTo("asked the server to close with 4000 (private use) \"as asked\" in 1.00 s; the page"
                + " now sends nothing");
        browser.awaitText(By.id("state"), "CLOSED");
        List<String> events = browser.texts("#log .event .text");
        assertThat(events.subList(events.indexOf(asked) + 1, events.size())).containsExactly("connection is CLOSED:"
                + " the server closed first: received 4000 (private use) \"as asked\"; then sent 4000 (private use)"
                + " \"as asked\"");
        assertThat(browser.texts("#log .sent")).isEmpty();
        assertThat(browser.driver().findElement(By.id("close-info")).getText())
                .isEqualTo("4000 (private use) \"as asked\"; the server closed first");
        assertThat(browser.driver().findElement(By.id("latency")).getText()).isEqualTo("–");
        // the frames the page names are the ones the server saw, in the same order
        Eventually.contains(server::stdout,
                "sent 4000 (private use) \"as asked\"; then received 4000 (private use) \"as asked\" (0 open)");
        browser.screenshot("demo-page-closed-by-the-server.png");
    }

    @Test
    void aCloseTheServerMayNotSendIsAnsweredWith1008SayingWhy() {
        askTheServerToClose("1005", "", "0");

        browser.awaitText(By.id("state"), "CLOSED");
        assertThat(browser.driver().findElement(By.id("close-info")).getText()).isEqualTo("1008 (policy violation)"
                + " \"close code 1005 may not be sent in a Close frame (RFC 6455 §7.4)\"; the server closed first");
    }

    @Test
    void sendAfterTheEndShowsWhatALifelineClientWouldThrowAndKeepsTheText() throws Exception {
        browser.click("close");
        browser.awaitText(By.id("state"), "CLOSED");

        browser.send("too late");

        assertThat(browser.awaitLogLine("error", t -> true)).isEqualTo("not sent: a Lifeline client's send() would"
                + " throw ConnectionClosedOkException: sent 1000 (normal) \"closed from the page\"; then received 1000"
                + " (normal)");
        assertThat(browser.driver().findElement(By.id("message")).getAttribute("value")).isEqualTo("too late");
        assertThat(browser.driver().findElement(By.id("sent-count")).getText()).isEqualTo("0");
        Eventually.contains(server::stdout,
                "received 1000 (normal) \"closed from the page\"; then sent 1000 (normal) (0 open)");
    }

    @Test
    void afterAnErrorCloseSendNamesTheErrorException() {
        askTheServerToClose("1011", "", "0");
        browser.awaitText(By.id("state"), "CLOSED");

        browser.send("too late");

        assertThat(browser.awaitLogLine("error", t -> true)).isEqualTo("not sent: a Lifeline client's send() would"
                + " throw ConnectionClosedErrorException: received 1011 (internal error); then sent 1011 (internal"
                + " error)");
    }

    @Test
    void aServerThatIsGoneIsCouldNotConnectNotA1006Close() throws Exception {
        server.terminate();
        browser.awaitText(By.id("state"), "CLOSED");

        browser.click("reconnect");

        assertThat(browser.awaitLogLine("event", t -> t.startsWith("could not connect")))
                .isEqualTo("could not connect to " + server.endpoint() + ": refused, unreachable, or the handshake was"
                        + " refused (a browser does not say which)");
        browser.awaitText(By.id("close-info"), "could not connect");
        assertThat(browser.driver().findElement(By.id("state")).getText()).isEqualTo("CLOSED");
        assertThat(browser.texts("#log .event .text")).noneMatch(t -> t.contains("1006"));
        browser.send("nobody there");
        assertThat(browser.awaitLogLine("error", t -> true)).isEqualTo("not sent: there is no connection: the last one"
                + " ended: received 1001 (going away) \"server shutting down\"; then sent 1001 (going away) \"server"
                + " shutting down\"");
    }

    @Test
    void theNewestLogLineStaysInView() {
        ((JavascriptExecutor) browser.driver()).executeScript("""
                for (let i = 1; i <= 60; i++) {
                  document.getElementById('message').value = 'message ' + i;
                  document.getElementById('send-form').requestSubmit();
                }""");
        browser.awaitLogLine("received", t -> t.equals("message 60"));

        @SuppressWarnings("unchecked")
        Map<String, Object> view = (Map<String, Object>) ((JavascriptExecutor) browser.driver()).executeScript("""
                const log = document.getElementById('log').getBoundingClientRect();
                const last = document.querySelector('#log li:last-child').getBoundingClientRect();
                return {lastTop: last.top, lastBottom: last.bottom, logTop: log.top, logBottom: log.bottom,
                        window: window.innerHeight};""");
        double lastBottom = number(view.get("lastBottom"));
        assertThat(number(view.get("lastTop"))).isGreaterThanOrEqualTo(number(view.get("logTop")));
        assertThat(lastBottom).isLessThanOrEqualTo(number(view.get("logBottom")) + 1);
        assertThat(lastBottom).isLessThanOrEqualTo(number(view.get("window")));
        WebElement last = browser.driver().findElement(By.cssSelector("#log li:last-child .text"));
        assertThat(last.getText()).isEqualTo("message 60");
    }

    private static void askTheServerToClose(String code, String reason, String delaySeconds) {
        ((JavascriptExecutor) browser.driver()).executeScript("""
                document.getElementById('close-code').value = arguments[0];
                document.getElementById('close-reason').value = arguments[1];
                document.getElementById('close-delay').value = arguments[2];
                document.getElementById('ask-close').click();""", code, reason, delaySeconds);
    }

    private static double number(Object value) {
        return ((Number) value).doubleValue();
    }
}
