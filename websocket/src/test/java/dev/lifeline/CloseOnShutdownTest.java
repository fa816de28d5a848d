package dev.lifeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.protocol.CloseCode;
import dev.lifeline.protocol.CloseStatus;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link WebSocketServer.Builder#closeOnShutdown()}: a server in a JVM of its own that is sent SIGTERM (what Ctrl-C's
 * SIGINT also does) closes its clients with 1001 (going away, RFC 6455 §7.4.1), not a dropped TCP connection.
 * On the class path, so that the child JVM can be started with this JVM's class path.
 */
@Tag("classpath")
@Timeout(60)
class CloseOnShutdownTest {

    /** The child: the getting-started echo server on a free port, which prints its port and waits. */
    public static final class EchoServer {
        public static void main(String[] args) throws Exception {
            try (WebSocketServer server = WebSocketServer.builder(ws -> {
                    for (Message message : ws) {
                        ws.send(message);
                    }
                }).closeOnShutdown().start()) {
                System.out.println(server.port());
                server.awaitClosed();
            }
        }
    }

    @Test
    void sigtermClosesTheClientsWith1001() throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), EchoServer.class.getName())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8));
            int port = Integer.parseInt(out.readLine().strip());
            try (WebSocket ws = WebSocketClient.connect(URI.create("ws://127.0.0.1:" + port + "/"))) {
                ws.send("before");
                assertThat(ws.receive(Duration.ofSeconds(10))).contains(Message.text("before"));

                child.toHandle().destroy(); // SIGTERM

                CloseStatus status = ws.closed().get(20, TimeUnit.SECONDS);
                assertThat(status.code()).isEqualTo(CloseCode.GOING_AWAY);
                assertThat(child.waitFor(20, TimeUnit.SECONDS)).as("the child exited").isTrue();
            }
        } finally {
            child.destroyForcibly();
        }
    }
}
