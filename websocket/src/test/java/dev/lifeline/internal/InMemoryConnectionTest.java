package dev.lifeline.internal;

import static dev.lifeline.internal.InMemoryPair.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Message;
import dev.lifeline.WebSocketMetrics;
import dev.lifeline.WebSocketOptions;
import dev.lifeline.protocol.CloseCode;
import dev.lifeline.protocol.CloseStatus;
import dev.lifeline.protocol.ConnectionClosedOkException;
import dev.lifeline.protocol.Side;
import dev.lifeline.protocol.State;
import dev.lifeline.testing.Await;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A client and a server connection over the in-memory transport pair ({@link InMemoryPair}): keepalive (RFC 6455
 * §5.5.2, §5.5.3) on a stepped clock, the closing handshake (§7.1.2, §5.5.1) from either side, and backpressure
 * end to end. Nothing sleeps and nothing is timed: the order of events is stated, and every wait is bounded.
 */
@Timeout(30)
class InMemoryConnectionTest {
    private static final Duration INTERVAL = Duration.ofSeconds(10);
    private static final Duration PING_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration PATIENCE = Await.PATIENCE;

    private InMemoryPair pair;

    @AfterEach
    void close() {
        if (pair != null) {
            pair.close();
        }
    }

    @Test
    void aKeepalivePingIsAnsweredAndItsRoundTripIsMeasuredOnTheSteppedClock() throws Exception {
        CompletableFuture<Duration> answered = new CompletableFuture<>();
        CompletableFuture<Void> serverPaused = new CompletableFuture<>();
        WebSocketOptions client = WebSocketOptions.DEFAULT.withKeepalive(INTERVAL, PING_TIMEOUT)
                .withMetrics(new WebSocketMetrics() {
                    @Override
                    public void pingAnswered(Side side, Duration roundTrip) {
                        answered.complete(roundTrip);
                    }
                });
        // the server's reader stops reading once more than one message waits: the Ping waits in the pipe until
        // the test lets it be read, so that the clock can be stepped between the Ping and its Pong
        WebSocketOptions server = WebSocketOptions.DEFAULT.withoutKeepalive().withMaxQueue(1, 1 << 20)
                .withMetrics(new WebSocketMetrics() {
                    @Override
                    public void readerPaused(Side side) {
                        serverPaused.complete(null);
                    }
                });
        pair = InMemoryPair.open(client, server);
        pair.client.send("one");
        pair.client.send("two");
        await(serverPaused);

        pair.timers.advance(INTERVAL); // the keepalive Ping goes out
        pair.timers.advance(Duration.ofSeconds(1));
        assertThat(answered).as("no Pong while the server reads nothing").isNotDone();
        assertThat(pair.server.receive(PATIENCE)).contains(Message.text("one"));
        assertThat(pair.server.receive(PATIENCE)).contains(Message.text("two"));

        // the server reads on, answers the Ping, and the client measures the round trip on the stepped clock
        assertThat(await(answered)).isEqualTo(Duration.ofSeconds(1));
        assertThat(pair.client.latency()).isEqualTo(Duration.ofSeconds(1));

        // past the Ping's timeout: the Pong cancelled it, the connection works on
        pair.timers.advance(PING_TIMEOUT);
        pair.client.send("still open");
        assertThat(pair.server.receive(PATIENCE)).contains(Message.text("still open"));
        assertThat(pair.client.state()).isEqualTo(State.OPEN);
        assertThat(pair.client.closed()).isNotDone();
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void aClosingHandshakeFromEitherSideCompletesClosedOnBoth(Side closer) throws Exception {
        pair = InMemoryPair.open(WebSocketOptions.DEFAULT.withoutKeepalive(),
                WebSocketOptions.DEFAULT.withoutKeepalive());
        Connection closing = closer == Side.CLIENT ? pair.client : pair.server;
        Connection other = closer == Side.CLIENT ? pair.server : pair.client;
        closing.send("before the close");
        assertThat(other.receive(PATIENCE)).contains(Message.text("before the close"));

        closing.close(CloseCode.NORMAL_CLOSURE, "bye");

        assertThat(await(other.closed())).as("the other side received the Close")
                .isEqualTo(new CloseStatus(CloseCode.NORMAL_CLOSURE, "bye"));
        assertThat(await(closing.closed())).as("the closer received the echo: its code, no reason")
                .isEqualTo(new CloseStatus(CloseCode.NORMAL_CLOSURE, ""));
        assertThat(closing.state()).isEqualTo(State.CLOSED);
        assertThat(other.state()).isEqualTo(State.CLOSED);
        assertThat(closing.closedException()).containsInstanceOf(ConnectionClosedOkException.class);
        assertThat(other.closedException()).containsInstanceOf(ConnectionClosedOkException.class);
    }

    @Test
    void aSenderWhosePeerDoesNotReadWaitsWithItsBytesQueuedAndGoesOnOnceThePeerReads() throws Exception {
        int size = 8 * 1024;
        int count = 256; // 2 MiB: far more than the pipe (64 KiB), the server's inbox and the client's writeLimit
        CompletableFuture<Void> serverPaused = new CompletableFuture<>();
        pair = InMemoryPair.open(WebSocketOptions.DEFAULT.withoutKeepalive().withWriteLimit(16 * 1024),
                WebSocketOptions.DEFAULT.withoutKeepalive().withMaxQueue(4, 64 * 1024)
                        .withMetrics(new WebSocketMetrics() {
                            @Override
                            public void readerPaused(Side side) {
                                serverPaused.complete(null);
                            }
                        }));
        AtomicInteger sent = new AtomicInteger();
        CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < count; i++) {
                pair.client.send(message(i, size));
                sent.incrementAndGet();
            }
        });

        // the server's reader pauses for its full inbox, the pipe fills, the client's sends stop going out
        await(serverPaused);
        long stuckAt = Await.steady("messages sent", sent::get, Duration.ofMillis(50), PATIENCE);
        assertThat(stuckAt).as("messages sent while the server reads nothing").isLessThan(count);
        assertThat(sending).as("the sender waits").isNotDone();
        Await.until("bytes wait in the client's queue", () -> pair.client.queuedBytes() > 0);

        for (int i = 0; i < count; i++) {
            assertThat(pair.server.receive(PATIENCE)).as("message %d, in order", i)
                    .contains(Message.text(message(i, size)));
        }
        await(sending);
        Await.until("the client's queue drained", () -> pair.client.queuedBytes() == 0);
    }

    /** Message {@code i}: its number, padded to {@code size} characters. */
    private static String message(int i, int size) {
        String n = i + ":";
        return n + "x".repeat(size - n.length());
    }
}
