package dev.lifeline;

import static dev.lifeline.Peers.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The thread-safety contract of {@link WebSocket}: any number of threads may send at once, and their frames never
 * interleave (RFC 6455 §5.4: "the fragments of one message MUST NOT be interleaved between the fragments of another
 * message"), so every message arrives whole, and each thread's messages in the order it sent them.
 */
@Timeout(60)
class ConcurrentSendTest {
    private static final int THREADS = 8;
    private static final int MESSAGES = 200;

    /** Message {@code seq} of {@code thread}: a header, then a body whose size and content depend on both. */
    private static String message(int thread, int seq) {
        int size = (thread * 7919 + seq * 104_729) % 70_000;
        return thread + ":" + seq + ":" + String.valueOf((char) ('a' + (thread + seq) % 26)).repeat(size);
    }

    @Test
    void concurrentSendersNeverInterleaveFrames() throws Exception {
        try (Peers peers = Peers.start()) {
            Peers.Pair pair = peers.connect();
            List<CompletableFuture<Void>> senders = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                senders.add(CompletableFuture.runAsync(() -> {
                    for (int seq = 0; seq < MESSAGES; seq++) {
                        if (seq % 2 == 0) {
                            pair.client().send(message(thread, seq));
                        } else {
                            pair.client().send(Message.text(message(thread, seq)));
                        }
                    }
                }, runnable -> Thread.ofVirtual().start(runnable)));
            }

            Map<Integer, Integer> next = new HashMap<>();
            for (int i = 0; i < THREADS * MESSAGES; i++) {
                String text = ((Message.Text) pair.server().receive(Peers.PATIENCE).orElseThrow()).text();
                String[] head = text.split(":", 3);
                int thread = Integer.parseInt(head[0]);
                int seq = Integer.parseInt(head[1]);
                assertThat(seq).as("next message of thread %d", thread).isEqualTo(next.getOrDefault(thread, 0));
                assertThat(text).as("message %d of thread %d, whole", seq, thread).isEqualTo(message(thread, seq));
                next.put(thread, seq + 1);
            }
            for (CompletableFuture<Void> sender : senders) {
                await(sender);
            }
            assertThat(next).hasSize(THREADS).allSatisfy((thread, count) -> assertThat(count).isEqualTo(MESSAGES));
            pair.client().close();
        }
    }
}
