package dev.lifeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Once {@code send} returns, the caller may reuse its array or buffer: the peer receives what it held at the call,
 * whether the server wrote it straight from the caller's array (a large message, lent to the protocol), copied it
 * (a small one, perhaps deferred for a batch) or copied it out of a direct buffer.
 */
@Timeout(30)
class SendOwnershipTest {
    private static final int LARGE = 1 << 20;

    @Test
    void aLargeArrayReusedAfterSendReturnsDoesNotChangeTheMessage() throws Exception {
        try (Peers peers = Peers.start()) {
            Peers.Pair pair = peers.connect(WebSocketOptions.DEFAULT.withMaxMessageSize(2 * LARGE));
            byte[] data = new byte[LARGE];
            for (int i = 0; i < 3; i++) {
                Arrays.fill(data, (byte) i);
                pair.server().send(data);
            }
            Arrays.fill(data, (byte) 9);
            for (int i = 0; i < 3; i++) {
                byte[] expected = new byte[LARGE];
                Arrays.fill(expected, (byte) i);
                assertThat(pair.client().receive(Peers.PATIENCE)).contains(Message.binary(expected));
            }
        }
    }

    @Test
    void aDirectBufferReusedAfterSendReturnsDoesNotChangeTheMessage() throws Exception {
        try (Peers peers = Peers.start()) {
            Peers.Pair pair = peers.connect(WebSocketOptions.DEFAULT.withMaxMessageSize(2 * LARGE));
            ByteBuffer direct = ByteBuffer.allocateDirect(LARGE);
            while (direct.hasRemaining()) {
                direct.put((byte) 1);
            }
            pair.server().send(direct.flip());
            direct.clear();
            while (direct.hasRemaining()) {
                direct.put((byte) 2);
            }
            byte[] expected = new byte[LARGE];
            Arrays.fill(expected, (byte) 1);
            assertThat(pair.client().receive(Peers.PATIENCE)).contains(Message.binary(expected));
        }
    }

    /** A reply deferred for a batch is still a copy: the receiving thread may reuse its array at once. */
    @Test
    void aSmallArrayReusedWhileItsReplyIsDeferredDoesNotChangeTheReply() throws Exception {
        try (Peers peers = Peers.start()) {
            Peers.Pair pair = peers.connect();
            pair.client().send("first");
            pair.client().send("second");
            pair.serverHasRead(); // both are in the server's inbox: the reply to "first" is deferred
            pair.server().receive();
            byte[] reply = {1, 2, 3};
            pair.server().send(reply);
            reply[0] = 7;
            Optional<Message> received = pair.client().receive(Peers.PATIENCE);
            assertThat(received).contains(Message.binary(new byte[] {1, 2, 3}));
        }
    }
}
