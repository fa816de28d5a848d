package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.redis.testing.RedisProcess;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WindowType;

/**
 * The demo page against either of two {@code lifeline serve --mode chat --redis URL} nodes on one real redis-server,
 * in headless Chromium: a page (a tab) on node A and another on node B, and a chat line typed on either appears on
 * both, with plain WebSockets and with reliable sessions.
 */
@Timeout(150)
class RedisDemoPageBrowserIT {
    @RegisterExtension
    static final Browser browser = new Browser();

    @Test
    void aLineTypedOnTheDemoPageOfOneNodeAppearsOnThePageOfTheOther() throws Exception {
        chatAcrossNodes("chat mode");
    }

    @Test
    void withReliableSessionsTooEachLineOnceOnBothPages() throws Exception {
        chatAcrossNodes("chat mode, reliable sessions", "--reliable");
    }

    private static void chatAcrossNodes(String mode, String... more) throws Exception {
        try (RedisProcess redis = RedisProcess.start();
                LifelineProcess a = LifelineProcess.serve(args(redis, more));
                LifelineProcess b = LifelineProcess.serve(args(redis, more))) {
            String onA = open(a, WindowType.TAB, mode);
            String onB = open(b, WindowType.TAB, mode);

            browser.driver().switchTo().window(onA);
            browser.send("typed on A");
            awaitReceived("typed on A");
            browser.driver().switchTo().window(onB);
            awaitReceived("typed on A");
            browser.send("typed on B");
            awaitReceived("typed on B");
            browser.screenshot("demo-page-redis-node-b" + (more.length > 0 ? "-reliable" : "") + ".png");
            List<String> seenOnB = browser.texts("#log .received .text");
            browser.driver().switchTo().window(onA);
            awaitReceived("typed on A", "typed on B");
            List<String> seenOnA = browser.texts("#log .received .text");

            // each line once on each page, in the order it was typed
            assertThat(seenOnA).containsExactly("typed on A", "typed on B");
            assertThat(seenOnB).containsExactly("typed on A", "typed on B");
            browser.driver().switchTo().window(onB).close();
            browser.driver().switchTo().window(onA);
        }
    }

    private static String[] args(RedisProcess redis, String... more) {
        List<String> args = new ArrayList<>(List.of("--mode", "chat", "--redis", redis.url()));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    /** Opens the node's demo page in a new tab, waits until it is connected, and returns the tab's handle. */
    private static String open(LifelineProcess node, WindowType type, String mode) {
        browser.driver().switchTo().newWindow(type);
        browser.driver().get(node.page().toString());
        browser.awaitText(By.id("state"), "OPEN");
        assertThat(browser.driver().findElement(By.id("mode")).getText()).isEqualTo(mode);
        // the page talks to the node that served it
        assertThat(browser.texts("#log .text")).anyMatch(line -> line.startsWith("connecting to " + node.endpoint()));
        return browser.driver().getWindowHandle();
    }

    /** Waits until the current page shows each of these lines as received. */
    private static void awaitReceived(String... lines) {
        browser.await(d -> browser.texts("#log .received .text").containsAll(List.of(lines)));
    }
}
