package dev.lifeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * With {@link WebSocketOptions#withBatchedReplies} (on by default), replies sent by the receiving thread while more
 * received messages wait are written together (one syscall for a batch): they must still all arrive, in order,
 * without the peer sending anything more, and a deferred reply must not wait for a receiving thread that stopped
 * receiving. Turned off, a send is on its way before it returns.
 */
@Timeout(30)
class BatchedRepliesTest {
    private static final WebSocketOptions BATCHING = WebSocketOptions.DEFAULT;

    @Test
    void everyReplyToABurstOfPipelinedMessagesArrivesInOrder() throws Exception {
        try (Peers peers = Peers.start(b -> b.options(BATCHING))) {
            Peers.Pair pair = peers.connect();
            Thread echo = Thread.ofVirtual().start(() -> {
                for (Message m : pair.server()) {
                    pair.server().send(m);
                }
            });
            int count = 2_000;
            for (int i = 0; i < count; i++) {
                pair.client().send("m" + i);
            }
            List<String> replies = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                Optional<Message> reply = pair.client().receive(Peers.PATIENCE);
                assertThat(reply).as("reply %d within %s", i, Peers.PATIENCE).isPresent();
                replies.add(((Message.Text) reply.get()).text());
            }
            for (int i = 0; i < count; i++) {
                assertThat(replies.get(i)).isEqualTo("m" + i);
            }
            pair.client().close();
            assertThat(echo.join(Peers.PATIENCE)).isTrue();
        }
    }

    @Test
    void aDeferredReplyIsWrittenEvenIfTheReceivingThreadStopsReceiving() throws Exception {
        try (Peers peers = Peers.start(b -> b.options(BATCHING))) {
            Peers.Pair pair = peers.connect();
            pair.client().send("first");
            pair.client().send("second");
            pair.serverHasRead(); // both are in the server's inbox
            Message first = pair.server().receive();
            pair.server().send(first); // "second" waits, so this reply is deferred
            // the server's thread receives nothing more: only the deferred flush can write the reply
            Optional<Message> reply = pair.client().receive(Duration.ofSeconds(2));
            assertThat(reply).contains(Message.text("first"));
            pair.client().close();
        }
    }

    @Test
    void aReplyDeferredForABatchIsWrittenBeforeTheSameThreadAborts() throws Exception {
        try (Peers peers = Peers.start(b -> b.options(BATCHING))) {
            Peers.Pair pair = peers.connect();
            pair.client().send("first");
            pair.client().send("drop");
            pair.serverHasRead(); // both are in the server's inbox
            Message first = pair.server().receive();
            pair.server().send(first); // "drop" waits, so this reply is deferred
            pair.server().receive();
            pair.server().abort();

            assertThat(pair.client().receive(Duration.ofSeconds(2))).contains(Message.text("first"));
        }
    }

    @Test
    void batchingIsOnByDefault() {
        assertThat(WebSocketOptions.DEFAULT.batchReplies()).isTrue();
    }

    /** Another thread's abort drops deferred frames; with batching off there are none, so the reply arrives. */
    @Test
    void withoutBatchingAReplyIsHandedToTcpBeforeSendReturns() throws Exception {
        try (Peers peers = Peers.start(b -> b.options(WebSocketOptions.DEFAULT.withBatchedReplies(false)))) {
            Peers.Pair pair = peers.connect();
            pair.client().send("first");
            pair.client().send("second");
            pair.serverHasRead(); // both are in the server's inbox
            Message first = pair.server().receive();
            pair.server().send(first); // "second" waits: batching would have deferred this reply
            Thread.ofVirtual().start(pair.server()::abort).join(Peers.PATIENCE);

            assertThat(pair.client().receive(Duration.ofSeconds(2))).contains(Message.text("first"));
        }
    }
}
