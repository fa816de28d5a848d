package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Message;
import dev.lifeline.reliable.ReliableClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;

/**
 * The demo page served by {@code lifeline serve --reliable}, in headless Chromium: its JavaScript client
 * ({@code reliable.js}) keeps one session across a dropped connection, shows RECONNECTING and then the session
 * RESUMED, and what is typed while disconnected is queued, sent after the resume and arrives exactly once. The
 * server runs in chat mode, so that a Java {@link ReliableClient} in the test sees every message the server
 * received, as the server relays it.
 */
@Timeout(120)
class ReliableDemoPageBrowserIT {
    /**
     * Submits two messages through the page's form in one turn of its event loop, and only while the page shows
     * RECONNECTING: both are then typed while disconnected, whatever the timing.
     */
    private static final String SEND_WHILE_RECONNECTING = """
            if (document.getElementById('state').dataset.state !== 'RECONNECTING') return false;
            for (const text of arguments) {
              document.getElementById('message').value = text;
              document.getElementById('send-form').requestSubmit();
            }
            return true;""";

    @RegisterExtension
    static final Browser browser = new Browser();

    private LifelineProcess server;
    private ReliableClient observer;

    @BeforeEach
    void openPage() throws Exception {
        server = LifelineProcess.serve("--mode", "chat", "--reliable");
        observer = ReliableClient.connect(server.endpoint());
        browser.driver().get(server.page().toString());
    }

    @AfterEach
    void stopServer() throws Exception {
        observer.close();
        server.close();
    }

    @Test
    void afterADropThePageResumesAndMessagesTypedMeanwhileArriveExactlyOnce() throws Exception {
        browser.awaitText(By.id("state"), "OPEN");
        browser.awaitText(By.id("close-info"), "NEW session");
        assertThat(browser.driver().findElement(By.id("mode")).getText()).isEqualTo("chat mode, reliable sessions");
        browser.send("before the drop");
        awaitEchoes("before the drop");

        browser.driver().findElement(By.id("drop")).click();
        browser.await(d -> (Boolean) ((JavascriptExecutor) d).executeScript(SEND_WHILE_RECONNECTING,
                "typed while away 1", "typed while away 2"));
        browser.screenshot("demo-page-reliable-reconnecting.png");

        browser.awaitText(By.id("close-info"), "session RESUMED");
        assertThat(browser.driver().findElement(By.id("state")).getText()).isEqualTo("OPEN");
        awaitEchoes("typed while away 1", "typed while away 2");
        browser.await(d -> d.findElements(By.cssSelector("#log .sent.acked")).size() == 3);
        browser.screenshot("demo-page-reliable-resumed.png");

        assertThat(browser.texts("#log .sent .text")).containsExactly("before the drop",
                "typed while away 1 (queued until the session is back)",
                "typed while away 2 (queued until the session is back)");
        assertThat(browser.texts("#log .event .text")).filteredOn(t -> t.startsWith("session"))
                .satisfiesExactly(
                        t -> assertThat(t).startsWith("session is RECONNECTING: connection lost with 1006"),
                        t -> assertThat(t).isEqualTo("session RESUMED"));
        assertThat(relayedByTheServer()).containsExactly("before the drop", "typed while away 1",
                "typed while away 2");
        assertThat(browser.texts("#log .received .text")).containsExactly("before the drop", "typed while away 1",
                "typed while away 2");
    }

    @Test
    void theEnvelopesOfTheJavaScriptClientAreTheProtocolPagesExamples() {
        Object encoded = ((JavascriptExecutor) browser.driver()).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                import('/reliable.js').then((r) => {
                  const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
                  const varint = (n) => { const out = []; r.writeVarint(out, n); return hex(out); };
                  const error = (h) => {
                    try { r.decode(Uint8Array.from(h.split(' '), (x) => parseInt(x, 16))); return 'none'; }
                    catch (e) { return e.code + ' ' + e.message; }
                  };
                  done([varint(0), varint(127), varint(300), varint(16384), varint(Number.MAX_SAFE_INTEGER),
                    hex(r.encodeData(1, 0, 'hi')), hex(r.encodeData(300, 127, new Uint8Array([0xff]))),
                    hex(r.encodeAck(16384)), hex(r.encodeHello(0, null)), hex(r.encodeHello(5, new Uint8Array([1, 2]))),
                    JSON.stringify(r.decode(Uint8Array.of(0x11, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f,
                      0x01, 0x07)), (k, v) => v instanceof Uint8Array ? hex(v) : v),
                    error('04'), error('03 00 ff'), error('01 00 00'), error('01 01 00 80'),
                    error('03 ff ff ff ff ff ff ff ff 01'), error('11 00 05 01 07'), error('11 00 00 00')]);
                }, (e) => done(String(e)));""");

        assertThat(encoded).asList().containsExactly("00", "7f", "ac 02", "80 80 01", "ff ff ff ff ff ff ff 0f",
                "01 01 00 68 69", "02 ac 02 7f ff", "03 80 80 01", "10 00 00", "10 05 02 01 02",
                "{\"type\":\"welcome\",\"resumed\":true,\"lastReceived\":9007199254740991,\"token\":\"07\"}",
                "1002 unexpected envelope type 0x04", "1002 1 bytes after ACK", "1002 DATA with seq 0",
                "1007 DATA_TEXT that is not UTF-8", "1002 varint longer than 8 bytes",
                "1002 WELCOME NEW with lastReceived", "1002 WELCOME without a token");
    }

    /** Waits until the page shows each of these echoes. */
    private void awaitEchoes(String... echoes) {
        browser.await(d -> browser.texts("#log .received .text").containsAll(List.of(echoes)));
    }

    /** What the observer received: each message the server received from the page, as it relayed it. */
    private List<String> relayedByTheServer() {
        List<String> relayed = new ArrayList<>();
        for (Optional<Message> m = observer.receive(Browser.WAIT); m.isPresent();
                m = observer.receive(Duration.ofMillis(300))) {
            relayed.add(((Message.Text) m.get()).text());
        }
        return relayed;
    }
}
