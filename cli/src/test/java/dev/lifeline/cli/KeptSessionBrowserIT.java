package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Message;
import dev.lifeline.WebSocketOptions;
import dev.lifeline.reliable.InMemorySessionStore;
import dev.lifeline.reliable.ReliableClient;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The demo page keeps its reliable session in IndexedDB ({@code reliable.js} with {@code indexeddb-store.js}), in
 * headless Chromium: a reload mid-stream resumes the session (RESUMED), the messages typed before the reload arrive
 * once, and the received messages the page shows are each shown once across reloads; cleared storage starts a NEW
 * session, a reload after the server's resume window says the session expired, and a second tab gets a session of
 * its own. The server runs in chat mode, so that a Java {@link ReliableClient} in the test sees every message the
 * server received, in the order it relayed them, and the page gets the observer's messages too.
 */
@Timeout(180)
class KeptSessionBrowserIT {
    /**
     * Submits the messages through the page's form, waits until each is kept in IndexedDB (its line gets the class
     * {@code kept}: the page was told it is persisted), marks the document as the old one, answers, and reloads the
     * page at once: the messages are then, some of them at least, still unacknowledged or unechoed.
     */
    private static final String SEND_THEN_RELOAD = """
            const texts = Array.from(arguments).slice(0, -1);
            const done = arguments[arguments.length - 1];
            for (const text of texts) {
              document.getElementById('message').value = text;
              document.getElementById('send-form').requestSubmit();
            }
            const lines = Array.from(document.querySelectorAll('#log .sent')).slice(-texts.length);
            const kept = () => lines.every((line) => line.classList.contains('kept'));
            const reload = () => {
              if (!kept()) { setTimeout(reload, 10); return; }
              document.body.dataset.old = 'yes';
              done(true);
              location.reload();
            };
            reload();""";

    /** The outcome the page shows, once it is a new document (not the one marked old before the reload). */
    private static final String NEW_PAGE_OUTCOME = """
            if (document.body.dataset.old) return null;
            const state = document.getElementById('state').dataset.state;
            return state === 'OPEN' ? document.getElementById('close-info').textContent : null;""";

    @RegisterExtension
    static final Browser browser = new Browser();

    @Test
    void reloadsMidStreamResumeTheSessionAndEveryMessageArrivesOnceInOrder() throws Exception {
        try (LifelineProcess server = LifelineProcess.serve("--mode", "chat", "--reliable");
                ReliableClient observer = ReliableClient.connect(server.endpoint())) {
            browser.driver().get(server.page().toString());
            browser.awaitText(By.id("close-info"), "NEW session");
            assertThat(browser.driver().findElement(By.id("kept")).getText())
                    .isEqualTo("session kept in this browser (IndexedDB): a reload resumes it");

            int rounds = 5;
            int perRound = 6;
            List<String> fromObserver = new ArrayList<>();
            int restoredSends = 0;
            for (int round = 0; round < rounds; round++) {
                for (int i = 1; i <= 10; i++) { // a burst that reaches the page around its reload
                    String name = "o" + round + "." + i;
                    fromObserver.add(name);
                    observer.send(name);
                }
                List<String> texts = IntStream.rangeClosed(round * perRound + 1, (round + 1) * perRound)
                        .mapToObj(n -> "m" + n).toList();
                ((JavascriptExecutor) browser.driver()).executeAsyncScript(SEND_THEN_RELOAD, texts.toArray());
                assertThat(awaitNewPage()).isEqualTo("session RESUMED");
                restoredSends += browser.texts("#log .sent .text").size();
            }
            System.out.println(restoredSends + " sends of " + rounds * perRound + " were unacknowledged at their"
                    + " page's reload and resent by the next page");

            // typed while disconnected, then reloaded: shown again as pending, then delivered
            browser.await(d -> d.findElements(By.cssSelector("#log .sent:not(.acked)")).isEmpty());
            browser.awaitText(By.id("received-count"), Integer.toString(rounds * (perRound + 10)));
            browser.click("drop");
            browser.await(d -> "RECONNECTING".equals(browser.driver().findElement(By.id("state")).getText()));
            ((JavascriptExecutor) browser.driver()).executeAsyncScript(SEND_THEN_RELOAD, "away 1", "away 2");
            assertThat(awaitNewPage()).isEqualTo("session RESUMED");
            assertThat(browser.texts("#log .sent .text")).containsExactly("away 1 (typed before the reload)",
                    "away 2 (typed before the reload)");
            browser.await(d -> d.findElements(By.cssSelector("#log .sent.acked")).size() == 2);
            browser.screenshot("demo-page-kept-session-resumed.png");

            List<String> fromPage = new ArrayList<>(IntStream.rangeClosed(1, rounds * perRound)
                    .mapToObj(n -> "m" + n).toList());
            fromPage.addAll(List.of("away 1", "away 2"));
            List<String> relayed = relayed(observer, fromPage.size() + fromObserver.size());
            assertThat(relayed).filteredOn(fromPage::contains).containsExactlyElementsOf(fromPage);
            assertThat(relayed).filteredOn(fromObserver::contains).containsExactlyElementsOf(fromObserver);
            browser.await(d -> browser.texts("#log .received .text").size() >= relayed.size());
            assertThat(browser.texts("#log .received .text")).containsExactlyElementsOf(relayed);
            assertThat(browser.texts("#log .event .text")).noneMatch(t -> t.contains("NEW session"));
        }
    }

    @Test
    void clearedStorageStartsANewSession() throws Exception {
        try (LifelineProcess server = LifelineProcess.serve("--reliable")) {
            browser.driver().get(server.page().toString());
            browser.awaitText(By.id("close-info"), "NEW session");
            browser.send("before clearing");
            browser.await(d -> d.findElements(By.cssSelector("#log .sent.acked")).size() == 1);

            browser.driver().get("about:blank");
            ((ChromeDriver) browser.driver()).executeCdpCommand("Storage.clearDataForOrigin", Map.of(
                    "origin", server.page().toString().replaceFirst("/$", ""), "storageTypes", "indexeddb"));
            browser.driver().get(server.page().toString());

            browser.awaitText(By.id("state"), "OPEN");
            assertThat(browser.driver().findElement(By.id("close-info")).getText()).isEqualTo("NEW session");
            assertThat(browser.texts("#log .received .text")).isEmpty();
        }
    }

    @Test
    void forgettingEndsTheKeptSessionAndDeletesWhatThePageSaved() throws Exception {
        try (LifelineProcess server = LifelineProcess.serve("--reliable")) {
            browser.driver().get(server.page().toString());
            browser.awaitText(By.id("close-info"), "NEW session");
            browser.send("before forgetting");
            browser.await(d -> browser.texts("#log .received .text").contains("before forgetting"));

            browser.click("forget");
            browser.awaitLogLine("event", t -> t.equals("forgot the session kept in this browser"));
            browser.await(d -> browser.texts("#log .event .text").stream().filter("NEW session"::equals).count() == 2);
            Eventually.contains(server::stdout, "CLOSED_BY_PEER"); // the page ended the forgotten session (1000)

            browser.driver().navigate().refresh();
            browser.awaitText(By.id("close-info"), "session RESUMED"); // the new session is kept in its turn
            assertThat(browser.texts("#log .received .text")).isEmpty();
        }
    }

    @Test
    void aReloadAfterTheResumeWindowSaysTheSessionExpiredAndWhatWasNotAcknowledged() throws Exception {
        InMemorySessionStore sessions = new InMemorySessionStore(Duration.ofMillis(200), 100);
        ServerLog log = new ServerLog(new PrintStream(OutputStream.nullOutputStream()), true, Clock.systemUTC());
        try (DemoServer server = DemoServer.start("127.0.0.1", 0, Mode.ECHO, true, WebSocketOptions.DEFAULT,
                Optional.empty(), Set.of(), log, MetricsEndpoint.OFF, Optional.of(sessions), Optional.empty())) {
            browser.driver().get(server.page().toString());
            browser.awaitText(By.id("close-info"), "NEW session");
            browser.click("drop");
            browser.await(d -> "RECONNECTING".equals(browser.driver().findElement(By.id("state")).getText()));
            browser.send("typed while away");
            browser.await(d -> d.findElements(By.cssSelector("#log .sent.kept")).size() == 1);

            browser.driver().get("about:blank");
            browser.await(d -> sessions.size() == 0); // expired: the server no longer has it
            browser.driver().get(server.page().toString());

            browser.awaitText(By.id("close-info"), "session expired: NEW session");
            assertThat(browser.awaitLogLine("event", t -> t.startsWith("session expired"))).isEqualTo(
                    "session expired: NEW session: the server no longer had the session (its resume window passed, or"
                            + " it restarted); 1 message was not acknowledged");
            browser.await(d -> d.findElements(By.cssSelector("#log .sent.failed")).size() == 1);
            assertThat(browser.texts("#log .sent.failed .text")).containsExactly("typed while away (typed before the"
                    + " reload)");
            browser.screenshot("demo-page-kept-session-expired.png");
        }
    }

    @Test
    void aSecondTabGetsASessionOfItsOwnAndSaysItIsNotKept() throws Exception {
        try (LifelineProcess server = LifelineProcess.serve("--reliable")) {
            browser.driver().get(server.page().toString());
            browser.awaitText(By.id("close-info"), "NEW session");
            String first = browser.driver().getWindowHandle();

            browser.driver().switchTo().newWindow(WindowType.TAB);
            browser.driver().get(server.page().toString());
            browser.awaitText(By.id("kept"), "session not kept in this browser");
            assertThat(browser.driver().findElement(By.id("kept")).getText()).isEqualTo("session not kept in this"
                    + " browser: another tab of this page keeps this session; this tab has a session of its own");
            browser.awaitText(By.id("close-info"), "NEW session");
            browser.send("from the second tab");
            browser.await(d -> browser.texts("#log .received .text").contains("from the second tab"));
            browser.driver().close();

            browser.driver().switchTo().window(first);
            browser.send("from the first tab");
            browser.await(d -> browser.texts("#log .received .text").contains("from the first tab"));
            assertThat(browser.texts("#log .received .text")).containsExactly("from the first tab");
            assertThat(browser.driver().findElement(By.id("kept")).getText())
                    .isEqualTo("session kept in this browser (IndexedDB): a reload resumes it");
        }
    }

    /** Waits for the reloaded page to be OPEN and returns its outcome line. */
    private static String awaitNewPage() {
        return browser.await(d -> (String) ((JavascriptExecutor) d).executeScript(NEW_PAGE_OUTCOME));
    }

    /** What the observer received (each message the server relayed), until {@code expected} of them. */
    private static List<String> relayed(ReliableClient observer, int expected) {
        List<String> relayed = new ArrayList<>();
        while (relayed.size() < expected) {
            Optional<Message> m = observer.receive(Browser.WAIT);
            if (m.isEmpty()) {
                break;
            }
            relayed.add(((Message.Text) m.get()).text());
        }
        for (Optional<Message> m = observer.receive(Duration.ofMillis(300)); m.isPresent();
                m = observer.receive(Duration.ofMillis(300))) {
            relayed.add(((Message.Text) m.get()).text()); // none more expected: any would be a duplicate
        }
        return relayed;
    }
}
