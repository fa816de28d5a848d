package dev.lifeline;

import static dev.lifeline.Peers.PATIENCE;
import static dev.lifeline.Peers.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.lifeline.protocol.CloseCode;
import dev.lifeline.protocol.CloseStatus;
import dev.lifeline.protocol.ConnectionClosedOkException;
import dev.lifeline.protocol.State;
import dev.lifeline.testing.Await;
import dev.lifeline.testing.Census;
import dev.lifeline.testing.RawPeer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Acceptance test 5, inbound backpressure: an application that does not read. Its connection buffers at most
 * {@code maxQueue} messages (plus what one socket read brought in), then stops reading the socket, so that TCP
 * pushes back and the peer's writes block: memory stays bounded however much the peer sends. A Close frame behind a
 * backlog that fits the queue is still read, and the state says so.
 */
@Timeout(60)
class SlowReaderTest {
    private static final int MESSAGE = 16 * 1024;
    private static final int QUEUE = WebSocketOptions.DEFAULT.maxQueue();
    /** The queue, what one read (64 KiB at most) may add, and the message being assembled, with room to spare. */
    private static final long HEAP_BOUND = 2L << 20;

    @Test
    void floodStopsAtTheQueueBoundAndThePeerWritesBlock() throws Exception {
        try (Peers peers = Peers.start()) {
            RawPeer flooder = RawPeer.connect(peers.server.port());
            WebSocket reader = peers.accepted();
            byte[] frame = RawPeer.frame(true, RawPeer.BINARY, new byte[MESSAGE], true);
            AtomicLong written = new AtomicLong();
            AtomicBoolean stop = new AtomicBoolean();
            long heapBefore = Census.usedHeapAfterGc();
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    while (!stop.get()) {
                        flooder.write(frame);
                        written.incrementAndGet();
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });

            long blockedAfter = awaitNoProgress(written);
            long heapGrowth = Census.usedHeapAfterGc() - heapBefore;

            assertThat(blockedAfter * MESSAGE).as("bytes the peer wrote before its writes blocked")
                    .isGreaterThan((long) QUEUE * MESSAGE);
            assertThat(heapGrowth).as("heap growth while %d bytes were sent to a reader that does not read",
                    blockedAfter * MESSAGE).isLessThan(HEAP_BOUND);
            assertThat(reader.state()).isEqualTo(State.OPEN);

            stop.set(true);
            long received = 0;
            while (writer.isAlive() || received < written.get()) {
                assertThat(reader.receive(PATIENCE)).as("message %d", received).isPresent();
                received++;
            }
            flooder.sendClose(1000, "done");
            assertThat(catchThrowableOfType(ConnectionClosedOkException.class, reader::receive)).isNotNull();
            assertThat(received).isEqualTo(written.get());
            flooder.close();
        }
    }

    /** Waits until {@code counter} stays the same for 500 ms; returns its value then. */
    private static long awaitNoProgress(AtomicLong counter) throws InterruptedException {
        return Await.steady("bytes the peer wrote to a reader that does not read", counter::get,
                Duration.ofMillis(500), Duration.ofSeconds(20));
    }

    @ParameterizedTest(name = "the reader that never reads is the server: {0}")
    @ValueSource(booleans = {false, true})
    void closeBehindABacklogThatFitsTheQueueIsStillSeen(boolean serverIsIdle) throws Exception {
        try (Peers peers = Peers.start()) {
            Peers.Pair pair = peers.connect();
            WebSocket sender = pair.side(!serverIsIdle);
            WebSocket idle = pair.side(serverIsIdle);
            for (int i = 0; i < QUEUE; i++) {
                sender.send("message " + i);
            }
            Await.timeToPass(Duration.ofMillis(100), "the Close travels apart from the backlog, in a later read");

            sender.close(CloseCode.NORMAL_CLOSURE, "done");

            assertThat(await(idle.closed())).isEqualTo(CloseStatus.of(1000, "done"));
            assertThat(idle.state()).isEqualTo(State.CLOSED);
            List<String> backlog = new ArrayList<>();
            for (Message m : idle) {
                backlog.add(((Message.Text) m).text());
            }
            assertThat(backlog).hasSize(QUEUE).startsWith("message 0").endsWith("message " + (QUEUE - 1));
        }
    }
}
