package dev.lifeline.internal;

import static dev.lifeline.internal.InMemoryPair.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.lifeline.Message;
import dev.lifeline.WebSocketMetrics;
import dev.lifeline.WebSocketOptions;
import dev.lifeline.protocol.CloseCode;
import dev.lifeline.protocol.CloseStatus;
import dev.lifeline.protocol.ConnectionClosedException;
import dev.lifeline.protocol.Side;
import dev.lifeline.protocol.State;
import dev.lifeline.testing.Await;
import dev.lifeline.testing.LogCapture;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A connection's bounds on the in-memory pair ({@link InMemoryPair}), timed by its stepped clock: a write the peer
 * does not take drops the connection (1006) at the first watchdog tick past {@code writeTimeout}; a closing handshake
 * the peer does not answer drops TCP at {@code closeTimeout} (RFC 6455 §7.1.1: the peer's Close never comes). In both
 * the peer (the server side) is made not to read: its reader pauses for a full inbox (more than one message), so
 * what the client writes stays in the pipe. Nothing sleeps; "not before" is read from what runs on the stepping
 * thread itself (the watchdog's metrics call, the close timer's log line), so it is no race.
 */
@Timeout(30)
class InMemoryBoundsTest {
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration PATIENCE = Await.PATIENCE;
    private static final Duration NANO = Duration.ofNanos(1);

    private InMemoryPair pair;

    @AfterEach
    void close() {
        if (pair != null) {
            pair.close();
        }
    }

    /** Server options under which its reader stops once two messages wait: it reads nothing more meanwhile. */
    private static WebSocketOptions pausing(CompletableFuture<Void> paused) {
        return WebSocketOptions.DEFAULT.withoutKeepalive().withMaxQueue(1, 1 << 20)
                .withMetrics(new WebSocketMetrics() {
                    @Override
                    public void readerPaused(Side side) {
                        paused.complete(null);
                    }
                });
    }

    /** Opens the pair and fills the server's inbox, so that its reader stops reading. */
    private void openWithServerNotReading(WebSocketOptions client) throws Exception {
        CompletableFuture<Void> serverPaused = new CompletableFuture<>();
        pair = InMemoryPair.open(client, pausing(serverPaused));
        pair.client.send("one");
        pair.client.send("two");
        await(serverPaused);
    }

    @Test
    void aWriteThePeerDoesNotTakeFailsTheConnectionAtTheFirstWatchdogTickPastWriteTimeout() throws Exception {
        AtomicInteger stalls = new AtomicInteger();
        openWithServerNotReading(WebSocketOptions.DEFAULT.withoutKeepalive().withWriteTimeout(WRITE_TIMEOUT)
                .withMetrics(new WebSocketMetrics() {
                    @Override
                    public void writeStalled(Side side) {
                        stalls.incrementAndGet();
                    }
                }));
        CompletableFuture<Void> sending = new CompletableFuture<>();
        Thread sender = Thread.ofPlatform().name("test-sender").start(() -> {
            try {
                pair.client.send("x".repeat(1 << 20)); // 1 MiB: far more than the pipe holds (64 KiB)
                sending.complete(null);
            } catch (RuntimeException e) {
                sending.completeExceptionally(e);
            }
        });
        // the write began (at stepped time 0) and waits for room the server never makes
        Await.until("the client's write waits for room", () -> Arrays.stream(sender.getStackTrace())
                .anyMatch(f -> f.getMethodName().equals("awaitWritable")));

        pair.timers.advance(WRITE_TIMEOUT);
        assertThat(stalls).as("at writeTimeout, not past it: still writing").hasValue(0);
        assertThat(sending).isNotDone();
        pair.timers.advance(Timers.WATCHDOG_TICK);
        assertThat(stalls).as("the next watchdog tick, past writeTimeout").hasValue(1);

        assertThat(await(pair.client.closed())).isEqualTo(new CloseStatus(CloseCode.ABNORMAL_CLOSURE, ""));
        assertThat(pair.client.state()).isEqualTo(State.CLOSED);
        ExecutionException failed = catchThrowableOfType(() -> await(sending),
                ExecutionException.class);
        assertThat(failed).as("the send that was stuck fails").isNotNull();
        assertThat(failed.getCause()).isInstanceOf(ConnectionClosedException.class);
        assertThat(pair.client.closedException().orElseThrow()).as("why: the write's timeout, as its cause")
                .hasStackTraceContaining("write timed out after " + WRITE_TIMEOUT);
    }

    @Test
    void aClosingHandshakeThePeerNeverAnswersDropsTcpAtCloseTimeoutAndNotBefore() throws Exception {
        openWithServerNotReading(WebSocketOptions.DEFAULT.withoutKeepalive().withCloseTimeout(CLOSE_TIMEOUT));
        try (LogCapture log = new LogCapture()) {
            CompletableFuture<Void> closing = CompletableFuture.runAsync(pair.client::close);
            // CLOSING is set under the lock that also arms the close timer, at stepped time 0
            Await.until("the client sent its Close", () -> pair.client.state() == State.CLOSING);

            pair.timers.advance(CLOSE_TIMEOUT.minus(NANO));
            assertThat(log.records()).as("one nanosecond before closeTimeout")
                    .noneMatch(r -> r.getMessage().contains("closing handshake timed out"));
            pair.timers.advance(NANO);
            assertThat(log.records()).as("at closeTimeout, logged on the stepping thread before TCP is dropped")
                    .anyMatch(r -> r.getMessage().contains("closing handshake timed out"));

            assertThat(await(pair.client.closed())).isEqualTo(new CloseStatus(CloseCode.ABNORMAL_CLOSURE, ""));
            await(closing);
        }
        assertThat(pair.server.receive(PATIENCE)).as("the server still has what came before")
                .contains(Message.text("one"));
    }
}
