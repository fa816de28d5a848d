package dev.lifeline;

import static dev.lifeline.Peers.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.testing.Await;
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
            Peers.awaitConnections(server, FAST_CLIENTS + 1);

            // broadcast() never blocks on the slow reader: each call returns, and the fast clients receive its
            // message, while the slow reader reads nothing (it reads only after the loop). An order of events, no
            // timing: how long broadcast() takes is the bench's to measure (BroadcastLoad).
            List<Integer> queuedForSlow = new ArrayList<>();
            for (int i = 0; i < MESSAGES; i++) {
                byte[] data = new byte[SIZE];
                ByteBuffer.wrap(data).putInt(0, i);
                int queued = server.broadcast(Message.binary(data));
                assertThat(queued).isBetween(FAST_CLIENTS, FAST_CLIENTS + 1);
                if (queued > FAST_CLIENTS) {
                    queuedForSlow.add(i);
                }
                awaitAllReceived(received, i + 1);
            }

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

    private static void awaitAllReceived(AtomicIntegerArray received, int count) throws InterruptedException {
        for (int c = 0; c < received.length(); c++) {
            int client = c;
            Await.until("client " + c + " received message " + (count - 1), PATIENCE,
                    () -> received.get(client) >= count);
        }
    }
}
