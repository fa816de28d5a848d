package dev.lifeline;

import static dev.lifeline.Peers.PATIENCE;
import static dev.lifeline.Peers.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.protocol.CloseCode;
import dev.lifeline.protocol.CloseStatus;
import dev.lifeline.protocol.ConnectionClosedErrorException;
import dev.lifeline.protocol.State;
import dev.lifeline.testing.Await;
import dev.lifeline.testing.Census;
import dev.lifeline.testing.RawPeer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;

/**
 * Acceptance test 6, outbound backpressure: a peer that never reads. Once TCP's buffers are full, {@code send()}
 * blocks; concurrent senders queue at most {@code writeLimit} bytes between them (memory stays bounded), and a
 * write that stays blocked for {@code writeTimeout} fails the connection: every blocked {@code send()} throws. The
 * same bound holds for the Pongs such a peer asks for.
 */
@Timeout(60)
class PeerThatNeverReadsTest {
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(2);
    private static final int MESSAGE = 1 << 20;
    private static final int SENDERS = 8;
    /** One message being written and {@code writeLimit} queued, with room to spare; 8 MiB if senders did not wait. */
    private static final long HEAP_BOUND = 3L << 20;

    /** Our server writes through a non-blocking socket (it waits for room in the poller), our client blocks. */
    @ParameterizedTest(name = "ours is the server: {0}")
    @ValueSource(booleans = {true, false})
    void sendBlocksAtTheWriteLimitAndWriteTimeoutFailsTheConnection(boolean oursIsServer) throws Exception {
        WebSocketOptions options = WebSocketOptions.DEFAULT.withWriteTimeout(WRITE_TIMEOUT).withoutKeepalive();
        try (AgainstRaw raw = AgainstRaw.open(oursIsServer, options)) {
            WebSocket ws = raw.ours;
            byte[] payload = new byte[MESSAGE];
            AtomicLong sent = new AtomicLong();
            AtomicLong lastSentAt = new AtomicLong();
            List<CompletableFuture<Long>> failedAt = new ArrayList<>();
            long heapBefore = Census.usedHeapAfterGc();
            lastSentAt.set(System.nanoTime()); // TCP's buffers may be too full for even the first message
            for (int i = 0; i < SENDERS; i++) {
                CompletableFuture<Long> failure = new CompletableFuture<>();
                failedAt.add(failure);
                Thread.ofVirtual().start(() -> {
                    try {
                        while (true) { // a send may return at the failure: its bytes went out, another's did not
                            ws.send(payload);
                            sent.incrementAndGet();
                            lastSentAt.set(System.nanoTime());
                        }
                    } catch (ConnectionClosedErrorException e) {
                        if (e.getCause() instanceof IOException io && io.getMessage().contains("write timed out")) {
                            failure.complete(System.nanoTime());
                        } else {
                            failure.completeExceptionally(e);
                        }
                    }
                });
            }

            awaitNoProgress(sent);
            long blockedSince = lastSentAt.get();
            long heapGrowth = Census.usedHeapAfterGc() - heapBefore;

            assertThat(failedAt).as("every sender is blocked, none failed yet").noneMatch(CompletableFuture::isDone);
            assertThat(heapGrowth).as("heap growth with %d senders blocked", SENDERS).isLessThan(HEAP_BOUND);
            for (CompletableFuture<Long> failure : failedAt) {
                long blockedMillis = (await(failure) - blockedSince) / 1_000_000;
                assertThat(blockedMillis).as("milliseconds from the last send that went through to the failure")
                        .isGreaterThanOrEqualTo(WRITE_TIMEOUT.toMillis() - 250);
            }
            assertThat(ws.state()).isEqualTo(State.CLOSED);
            assertThat(await(ws.closed())).isEqualTo(new CloseStatus(CloseCode.ABNORMAL_CLOSURE, ""));
            assertThat(raw.peer.awaitEnd(PATIENCE)).as("TCP dropped").isTrue();
        }
    }

    /**
     * Each Ping asks for a Pong (RFC 6455 §5.5.2); a peer that sends Pings without reading the Pongs must be pushed
     * back by TCP like any other sender, not pile its Pongs up in our memory.
     */
    @Test
    void pingFloodFromAPeerThatNeverReadsIsPushedBack() throws Exception {
        try (AgainstRaw raw = AgainstRaw.ourServer(WebSocketOptions.DEFAULT.withoutKeepalive())) {
            byte[] ping = RawPeer.frame(true, RawPeer.PING, new byte[125], true);
            byte[] burst = new byte[ping.length * 256];
            for (int i = 0; i < 256; i++) {
                System.arraycopy(ping, 0, burst, i * ping.length, ping.length);
            }
            AtomicLong sent = new AtomicLong();
            long heapBefore = Census.usedHeapAfterGc();
            Thread flood = Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        raw.peer.write(burst);
                        sent.addAndGet(burst.length);
                    }
                } catch (IOException e) {
                    // the connection is gone: the test is over
                }
            });

            awaitNoProgress(sent);
            long heapGrowth = Census.usedHeapAfterGc() - heapBefore;

            assertThat(heapGrowth).as("heap growth after %d bytes of Pings", sent.get()).isLessThan(HEAP_BOUND);
            assertThat(raw.ours.state()).isEqualTo(State.OPEN);
            raw.ours.abort();
            flood.join(PATIENCE);
        }
    }

    /** Waits until {@code counter} stays the same for 300 ms. */
    private static void awaitNoProgress(AtomicLong counter) throws InterruptedException {
        Await.steady("sends to a peer that never reads", counter::get, Duration.ofMillis(300), Duration.ofSeconds(20));
    }
}
