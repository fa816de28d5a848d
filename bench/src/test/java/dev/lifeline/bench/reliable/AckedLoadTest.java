package dev.lifeline.bench.reliable;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Message;
import dev.lifeline.WebSocketServer;
import dev.lifeline.bench.load.LoadResult;
import dev.lifeline.bench.server.EchoServer;
import dev.lifeline.bench.server.Servers;
import dev.lifeline.reliable.ReliableServer;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The reliable-layer scenario, small: plain echoes and reliable acknowledgements are counted, each echo verified;
 * an echo that differs from what was sent fails the run instead of giving a figure.
 */
@Timeout(120)
class AckedLoadTest {
    private static final AckedLoad.Plan SHORT = new AckedLoad.Plan(2, 4, 64, Duration.ofMillis(200),
            Duration.ofMillis(500));

    @Test
    void plainEchoesAreAnsweredAndVerified() throws Exception {
        try (EchoServer server = Servers.LIFELINE.start()) {
            LoadResult r = AckedLoad.run(AckedLoad.Kind.PLAIN, uri(server.port()), SHORT);

            assertThat(r.error()).isNull();
            assertThat(r.messages()).isPositive();
            assertThat(r.p99Nanos()).isGreaterThanOrEqualTo(r.p50Nanos()).isPositive();
        }
    }

    @Test
    void reliableMessagesAreAcknowledgedAndTheirEchoesVerified() throws Exception {
        try (ReliableServer server = ReliableEchoMain.start()) {
            LoadResult r = AckedLoad.run(AckedLoad.Kind.RELIABLE, uri(server.port()), SHORT);

            assertThat(r.error()).isNull();
            assertThat(r.messages()).isPositive();
            assertThat(r.p99Nanos()).isGreaterThanOrEqualTo(r.p50Nanos()).isPositive();
        }
    }

    @Test
    void anEchoThatDiffersFailsTheRun() throws Exception {
        try (WebSocketServer server = WebSocketServer.builder((ws, m) -> ws.send(Message.text("not the message")))
                .start()) {
            LoadResult r = AckedLoad.run(AckedLoad.Kind.PLAIN, uri(server.port()), SHORT);

            assertThat(r.ok()).isFalse();
            assertThat(r.error()).contains("echo 0 differs from the message sent at byte 0");
        }
    }

    private static URI uri(int port) {
        return URI.create("ws://127.0.0.1:" + port + "/");
    }
}
