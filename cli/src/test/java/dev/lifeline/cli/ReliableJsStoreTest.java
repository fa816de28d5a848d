package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The write-ahead rules of {@code reliable.js} with a store (docs/reliable.md, "A session kept in the browser"), as a
 * unit test in Node: {@code src/test/js/reliable-store.test.mjs} drives the client with a store whose commits it
 * completes by hand and a WebSocket that records what is sent: nothing goes out before it is stored; a message is
 * acknowledged once its handling is stored with the sends and saves made while handling it; a reloaded client resumes
 * from what it stored, sends made before the first WELCOME included; NEW after the window rejects the kept sends; a
 * failed commit ends the session. The browser side, IndexedDB itself, is {@link KeptSessionBrowserIT}'s. Needs
 * {@code node} (18 or later; .ci/run installs it) and fails, rather than skips, without it.
 */
@Timeout(120)
class ReliableJsStoreTest {
    private static final Path TEST = Path.of("src", "test", "js", "reliable-store.test.mjs");

    @Test
    void theClientStoresBeforeItSendsAndAcknowledgesOnlyWhatItsHandlerCommitted(@TempDir Path dir) throws Exception {
        try (InputStream client = ReliableJsStoreTest.class.getResourceAsStream("demo/reliable.js")) {
            Files.copy(client, dir.resolve("reliable.js"));
        }
        Files.copy(TEST, dir.resolve(TEST.getFileName()));
        Files.writeString(dir.resolve("package.json"), "{\"type\":\"module\"}\n"); // reliable.js is an ES module

        Process node;
        try {
            node = new ProcessBuilder("node", "--test", "--test-reporter=tap", TEST.getFileName().toString())
                    .directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            fail("this test needs node on the PATH (apt-get install nodejs; .ci/run does it): " + e.getMessage());
            return;
        }
        node.getOutputStream().close();
        byte[] out = node.getInputStream().readAllBytes(); // ends when node exits
        if (!node.waitFor(60, TimeUnit.SECONDS)) {
            node.destroyForcibly();
            fail("node --test still running after 60 s");
        }
        String tap = new String(out, StandardCharsets.UTF_8);
        assertThat(node.exitValue()).as(tap).isZero();
        assertThat(tap).contains("# pass 6", "# fail 0");
    }
}
