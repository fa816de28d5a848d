package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.lifeline.Backoff;
import dev.lifeline.Failure;
import dev.lifeline.ReconnectPolicy;
import dev.lifeline.protocol.CloseStatus;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;

/**
 * The demo page's plain mode with "reconnect automatically", in headless Chromium against {@code lifeline serve}: it
 * follows the Java clients' reconnect policy ({@code reconnect.js} mirrors {@link Backoff} and
 * {@link ReconnectPolicy}, and this test runs both side by side), shows RECONNECTING, the attempt and its delay,
 * comes back when the server does, and gives up on what is not worth retrying.
 */
@Timeout(120)
class DemoPageReconnectBrowserIT {
    private static final Pattern SCHEDULED = Pattern.compile("RECONNECTING: attempt (\\d+) in (\\d+\\.\\d\\d) s, .*");
    /**
     * Presses Send the moment the page shows RECONNECTING, however short the first delay: the observer runs before
     * the page's next task, its reconnect timer among them.
     */
    private static final String SEND_ONCE_RECONNECTING = """
            const state = document.getElementById('state');
            new MutationObserver((changes, observer) => {
              if (state.dataset.state !== 'RECONNECTING') return;
              observer.disconnect();
              document.getElementById('message').value = arguments[0];
              document.getElementById('send-form').requestSubmit();
            }).observe(state, { attributes: true, attributeFilter: ['data-state'] });""";
    private static final int[] CODES = {1000, 1001, 1002, 1003, 1005, 1006, 1007, 1008, 1009, 1010, 1011, 1012, 1013,
        1014, 1015, 3000, 3999, 4000, 4999};
    private static final double[] RANDOMS = {0, 0.25, 0.5, 0.999};

    @RegisterExtension
    static final Browser browser = new Browser();

    private LifelineProcess server;

    @BeforeEach
    void openPage() throws Exception {
        server = LifelineProcess.serve();
        browser.driver().get(server.page().toString());
        browser.awaitText(By.id("state"), "OPEN");
        browser.click("auto-reconnect");
    }

    @AfterEach
    void stopServer() throws Exception {
        server.close();
    }

    @Test
    void aDroppedConnectionIsReconnectedAfterARandomFirstDelayAndSendsMeanwhileAreRefused() throws Exception {
        ((JavascriptExecutor) browser.driver()).executeScript(SEND_ONCE_RECONNECTING, "meanwhile");
        browser.click("drop");

        String scheduled = browser.awaitLogLine("event", t -> t.startsWith("RECONNECTING"));
        assertThat(scheduled).matches(SCHEDULED).endsWith(", a random delay in [0 s, 5 s)");
        assertThat(delayOf(scheduled, 1)).isBetween(0.0, 5.0);
        assertThat(browser.awaitLogLine("error", t -> true)).isEqualTo("not sent: the client is RECONNECTING: a"
                + " Lifeline ReconnectingWebSocket's send() throws ReconnectingException at once rather than lose the"
                + " message");
        browser.screenshot("demo-page-reconnecting.png");

        browser.awaitLogLine("event", t -> t.startsWith("connection is OPEN again after 1 attempt"));
        assertThat(browser.driver().findElement(By.id("state")).getText()).isEqualTo("OPEN");
        assertThat(browser.driver().findElement(By.id("retry-info")).getText()).isEmpty();
        browser.send(""); // the refused text stayed in the field
        browser.awaitLogLine("received", t -> t.equals("meanwhile"));
    }

    @Test
    void whileTheServerIsGoneTheAttemptsBackOffAndThePageComesBackWithIt() throws Exception {
        int port = server.endpoint().getPort();
        server.terminate(); // 1001, going away: worth retrying
        browser.awaitLogLine("event", t -> t.startsWith("RECONNECTING: attempt 1 in"));
        server.close();

        String second = browser.awaitLogLine("event", t -> t.startsWith("RECONNECTING: attempt 2 in"));
        String third = browser.awaitLogLine("event", t -> t.startsWith("RECONNECTING: attempt 3 in"));
        assertThat(delayOf(second, 2)).isBetween(0.5, 1.0);
        assertThat(delayOf(third, 3)).isBetween(1.0, 2.0);
        assertThat(third).endsWith(", backoff 1 s × 2^(attempt - 2), at most 60 s, less up to half");
        assertThat(browser.texts("#log .event .text")).filteredOn(t -> t.startsWith("could not connect")).hasSize(2);
        assertThat(browser.driver().findElement(By.id("header-state")).getText()).isEqualTo("RECONNECTING");
        assertThat(browser.driver().findElement(By.id("where")).getText()).isEqualTo("reconnecting to");

        server = LifelineProcess.serveOn(port);
        browser.awaitLogLine("event", t -> t.matches("connection is OPEN again after \\d+ attempts.*"));
        assertThat(browser.driver().findElement(By.id("state")).getText()).isEqualTo("OPEN");
    }

    @Test
    void closeCodesNotWorthRetryingEndIt() {
        ((JavascriptExecutor) browser.driver()).executeScript("""
                document.getElementById('close-code').value = '1008';
                document.getElementById('close-delay').value = '0';
                document.getElementById('ask-close').click();""");

        assertThat(browser.awaitLogLine("event", t -> t.startsWith("gave up")))
                .isEqualTo("gave up: 1008 (policy violation) is not retryable (1 attempt)");
        assertThat(browser.driver().findElement(By.id("state")).getText()).isEqualTo("CLOSED");
        assertThat(browser.texts("#log .event .text")).noneMatch(t -> t.startsWith("RECONNECTING"));

        browser.click("reconnect");
        browser.awaitText(By.id("state"), "OPEN");
        server.terminate();
        browser.awaitLogLine("event", t -> t.startsWith("RECONNECTING: attempt 1"));
        browser.click("close"); // while RECONNECTING: the page stops trying
        browser.awaitLogLine("event", t -> t.equals("stopped reconnecting: closed from the page"));
        assertThat(browser.driver().findElement(By.id("state")).getText()).isEqualTo("CLOSED");
    }

    @Test
    void theJavaScriptPolicyHasTheJavaPolicysNumbersAndRules() {
        @SuppressWarnings("unchecked")
        List<Object> fromJavaScript = (List<Object>) ((JavascriptExecutor) browser.driver()).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                const [codes, randoms] = [arguments[0], arguments[1]];
                import('/reconnect.js').then((p) => {
                  const out = [];
                  for (const f of randoms) for (let n = 1; n <= 12; n++) out.push(p.delay(n, () => f));
                  for (const code of codes) out.push(p.isRetryable(code));
                  out.push(p.decide({ opened: false }, 1, () => 0).retry);
                  done(out);
                }, (e) => done(String(e)));""", CODES, RANDOMS);

        List<Object> fromJava = new ArrayList<>();
        for (double f : RANDOMS) {
            RandomGenerator fixed = new RandomGenerator() {
                @Override
                public long nextLong() {
                    throw new UnsupportedOperationException("Backoff draws bounded numbers only");
                }

                @Override
                public long nextLong(long bound) {
                    return (long) (f * bound);
                }
            };
            for (int n = 1; n <= 12; n++) {
                fromJava.add(Backoff.DEFAULT.delay(n, fixed).toMillis());
            }
        }
        for (int code : CODES) {
            fromJava.add(ReconnectPolicy.isRetryable(
                    new Failure.Disconnected(CloseStatus.of(code, ""), true, Optional.empty())));
        }
        fromJava.add(ReconnectPolicy.isRetryable(new Failure.Unreachable(new IOException("refused"))));

        assertThat(fromJavaScript).hasSameSizeAs(fromJava);
        for (int i = 0; i < fromJava.size(); i++) {
            if (fromJava.get(i) instanceof Long millis) {
                // Java counts nanoseconds, the page milliseconds
                assertThat(((Number) fromJavaScript.get(i)).longValue()).as("delay %d", i).isCloseTo(millis, within(1L));
            } else {
                assertThat(fromJavaScript.get(i)).as("retryable %d", i).isEqualTo(fromJava.get(i));
            }
        }
    }

    /** The delay, in seconds, of the attempt a RECONNECTING log line announces. */
    private static double delayOf(String line, int attempt) {
        Matcher m = SCHEDULED.matcher(line);
        assertThat(m.matches()).as(line).isTrue();
        assertThat(m.group(1)).isEqualTo(Integer.toString(attempt));
        return Double.parseDouble(m.group(2));
    }
}
