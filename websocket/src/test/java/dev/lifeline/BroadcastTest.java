package dev.lifeline;

import static dev.lifeline.Peers.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.testing.RawPeer;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link WebSocketServer#broadcast}: one slow client never stalls the others. A client that stops reading fills its
 * TCP buffers; then more than {@code writeLimit} bytes wait for it, and it misses messages (whole ones, never half)
 * while the others receive every one, and {@code broadcast} itself never blocks. What it was sent before, it gets.
 */
@Timeout(60)
class BroadcastTest {
    private static final int FAST_CLIENTS = 3;
    private static final int MESSAGES = 1000;
    private static final int SIZE = 16 * 1024;
    /** Room for a few messages: a fast client, with one message in flight at most, is never skipped. */
    private static final int WRITE_LIMIT = 128 * 1024;

    @Test
    void broadcastSkipsASlowReaderWhileTheOthersReceiveEveryMessage() throws Exception {
        try (WebSocketServer server = WebSocketServer.builder(ws -> ws.closed().join())
                .options(WebSocketOptions.DEFAULT.withWriteLimit(WRITE_LIMIT)).start();
                RawPeer slow = RawPeer.connect(server.port())) {
            AtomicIntegerArray received = new AtomicIntegerArray(FAST_CLIENTS);
            List<WebSocket> fast = new ArrayList<>();
            for (int c = 0; c < FAST_CLIENTS; c++) {
                WebSocket ws = WebSocketClient.connect(Peers.uri(server));
                fast.add(ws);
                int client = c;
                Thread.ofVirtual().start(() -> {
                    for (Message m : ws) {
                        int seq = ((Message.Binary) m).buffer().getInt(0);
                        assertThat(seq).as("message order").isEqualTo(received.get(client));
                        received.incrementAndGet(client);
                    }
                });
            }
            awaitConnections(server, FAST_CLIENTS + 1);

            List<Integer> queuedForSlow = new ArrayList<>();
            long broadcasting = 0;
            for (int i = 0; i < MESSAGES; i++) {
                byte[] data = new byte[SIZE];
                ByteBuffer.wrap(data).putInt(0, i);
                long start = System.nanoTime();
                int queued = server.broadcast(Message.binary(data));
                broadcasting += System.nanoTime() - start;
                assertThat(queued).isBetween(FAST_CLIENTS, FAST_CLIENTS + 1);
                if (queued > FAST_CLIENTS) {
                    queuedForSlow.add(i);
                }
                awaitAllReceived(received, i + 1);
            }

            assertThat(broadcasting / 1_000_000).as("milliseconds spent in broadcast()").isLessThan(2_000);
            assertThat(queuedForSlow).as("messages queued for the slow reader").isNotEmpty()
                    .allMatch(seq -> seq < MESSAGES * 3 / 4, "skipped for the last quarter at least");
            for (int seq : queuedForSlow) {
                RawPeer.Frame frame = slow.readFrame(PATIENCE);
                assertThat(frame.payload()).hasSize(SIZE);
                assertThat(ByteBuffer.wrap(frame.payload()).getInt(0)).isEqualTo(seq);
            }
            for (WebSocket ws : fast) {
                ws.close();
            }
        }
    }

    private static void awaitConnections(WebSocketServer server, int count) throws InterruptedException {
        long start = System.nanoTime();
        while (server.connections().size() < count && Peers.millisSince(start) < PATIENCE.toMillis()) {
            Thread.sleep(10);
        }
        assertThat(server.connections()).hasSize(count);
    }

    private static void awaitAllReceived(AtomicIntegerArray received, int count) throws InterruptedException {
        long start = System.nanoTime();
        for (int c = 0; c < received.length(); c++) {
            while (received.get(c) < count) {
                assertThat(Peers.millisSince(start)).as("client %d waiting for message %d", c, count - 1)
                        .isLessThan(PATIENCE.toMillis());
                Thread.sleep(1);
            }
        }
    }
}
