package dev.lifeline.protocol;

import static dev.lifeline.protocol.Wire.assertSent;
import static dev.lifeline.protocol.Wire.frame;
import static dev.lifeline.protocol.Wire.pattern;
import static dev.lifeline.protocol.Wire.pipe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeline.protocol.extension.PerMessageDeflate;
import dev.lifeline.protocol.frame.Opcode;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link Protocol#sendShared}: a broadcast's frame is encoded once per distinct encoding, not once per connection. A
 * server does not mask (RFC 6455 §5.1), so connections without extensions write the very same bytes; so do those
 * with permessage-deflate without context takeover on the server's side (RFC 7692 §7.1.1.1: each message is then
 * compressed on its own), which compress it once. With context takeover each connection compresses it with its own
 * stream. Every peer receives the message intact.
 */
class SharedMessageTest {
    private static final String TEXT = "{\"event\":\"price\",\"symbol\":\"ACME\",\"bid\":101.25,\"ask\":101.50,"
            + "\"venue\":\"XNYS\",\"note\":\"the same note again and again and again\"}";
    private static final ProtocolConfig PLAIN = ProtocolConfig.DEFAULT;
    private static final ProtocolConfig FRUGAL = ProtocolConfig.DEFAULT.withExtensions(
            List.of(PerMessageDeflate.DEFAULT.withoutContextTakeover()));
    private static final ProtocolConfig TAKEOVER = ProtocolConfig.DEFAULT.withExtensions(
            List.of(PerMessageDeflate.DEFAULT));

    @Test
    void serversWithoutExtensionsWriteOneFrameEncodedOnce() {
        List<Wire.Pair> pairs = pairs(PLAIN, 3);
        byte[] payload = pattern(300);
        SharedMessage message = SharedMessage.binary(ByteBuffer.wrap(payload));

        List<ByteBuffer> written = sendToAll(pairs, message);

        assertThat(message.encodings()).isEqualTo(1);
        assertThat(written).extracting(ByteBuffer::array).as("one array for all").containsOnly(written.get(0).array());
        for (Wire.Pair pair : pairs) {
            pair.server().sendShared(SharedMessage.binary(ByteBuffer.wrap(payload)));
            assertSent(pair.server(), frame(Side.SERVER, 0x82, payload)); // unmasked, §5.1
        }
    }

    @Test
    void serversWithoutContextTakeoverCompressOnceAndEveryClientInflatesTheMessage() {
        List<Wire.Pair> pairs = pairs(FRUGAL, 3);
        for (int i = 0; i < 2; i++) {
            SharedMessage message = SharedMessage.text(TEXT + i);

            List<ByteBuffer> written = sendToAll(pairs, message);

            assertThat(message.encodings()).isEqualTo(1);
            assertThat(written).extracting(ByteBuffer::array).containsOnly(written.get(0).array());
            assertThat(written.get(0).get(0)).as("FIN, RSV1 (compressed, RFC 7692 §6), TEXT").isEqualTo((byte) 0xC1);
            assertThat(written.get(0).remaining()).as("compressed").isLessThan(TEXT.length());
            for (Wire.Pair pair : pairs) {
                pair.client().receiveData(written.remove(0));
                assertReceived(pair.client(), TEXT + i);
            }
        }
    }

    @Test
    void serversWithContextTakeoverEachCompressWithTheirOwnStream() {
        List<Wire.Pair> pairs = pairs(TAKEOVER, 2);
        for (int i = 0; i < 3; i++) {
            SharedMessage message = SharedMessage.text(TEXT + i);
            for (Wire.Pair pair : pairs) {
                pair.server().sendShared(message);
                pipe(pair.server(), pair.client());
                assertReceived(pair.client(), TEXT + i);
            }
            assertThat(message.encodings()).as("nothing shared").isZero();
        }
    }

    @Test
    void mixedServersShareOneFramePerEncoding() {
        List<Wire.Pair> pairs = new ArrayList<>();
        pairs.addAll(pairs(PLAIN, 2));
        pairs.addAll(pairs(FRUGAL, 2));
        pairs.addAll(pairs(TAKEOVER, 2));
        pairs.add(Wire.connect(Wire.client(FRUGAL), Wire.server(ProtocolConfig.DEFAULT.withExtensions(
                List.of(PerMessageDeflate.DEFAULT.withoutContextTakeover().withCompressionLevel(1))))));
        SharedMessage message = SharedMessage.text(TEXT);

        List<ByteBuffer> written = sendToAll(pairs, message);

        assertThat(message.encodings()).as("plain, frugal at level 6, frugal at level 1").isEqualTo(3);
        assertThat(written.get(1).array()).isSameAs(written.get(0).array());
        assertThat(written.get(3).array()).isSameAs(written.get(2).array()).isNotSameAs(written.get(0).array());
        assertThat(written.get(5).array()).isNotSameAs(written.get(4).array());
        for (Wire.Pair pair : pairs) {
            pair.client().receiveData(written.remove(0));
            assertReceived(pair.client(), TEXT);
        }
    }

    @Test
    void sendSharedFrameHandsEveryConnectionOfAnEncodingTheSameFrameAndQueuesNothing() {
        List<Wire.Pair> pairs = new ArrayList<>();
        pairs.addAll(pairs(PLAIN, 2));
        pairs.addAll(pairs(TAKEOVER, 1));
        SharedMessage message = SharedMessage.text(TEXT);

        Outbound.Data first = pairs.get(0).server().sendSharedFrame(message);
        Outbound.Data second = pairs.get(1).server().sendSharedFrame(message);
        Outbound.Data alone = pairs.get(2).server().sendSharedFrame(message);

        assertThat(second).as("one instance, nothing allocated per connection").isSameAs(first);
        assertThat(pairs.get(0).server().hasOutbound()).as("the caller writes the frame itself").isFalse();
        int position = first.bytes().position();
        pairs.get(0).client().receiveData(first.bytes().duplicate());
        assertReceived(pairs.get(0).client(), TEXT);
        assertThat(first.bytes().position()).isEqualTo(position);
        assertThat(alone).as("context takeover: encoded by this connection alone").isNull();
        pipe(pairs.get(2).server(), pairs.get(2).client());
        assertReceived(pairs.get(2).client(), TEXT);
        assertThat(pairs.get(0).server().sendSharedFrame(message)).as("the next send of the same message")
                .isSameAs(first);
    }

    @Test
    void aSharedMessageNeverGoesInsideAFragmentedOneNorAfterClose() {
        Protocol server = Wire.open(Side.SERVER);
        server.sendText(ByteBuffer.wrap(new byte[] {'a'}), false);
        assertThatThrownBy(() -> server.sendShared(SharedMessage.text("x"))).isInstanceOf(InvalidStateException.class);
        server.sendContinuation(ByteBuffer.allocate(0), true);
        server.sendClose(CloseCode.NORMAL_CLOSURE, "");
        server.takeOutbound();
        assertThatThrownBy(() -> server.sendShared(SharedMessage.text("x")))
                .isInstanceOf(ConnectionClosedException.class);
        assertThat(server.hasOutbound()).isFalse();
    }

    @Test
    void aClientCannotShareAFrameItMustMask() {
        Protocol client = Wire.open(Side.CLIENT);
        assertThatThrownBy(() -> client.sendShared(SharedMessage.text("x"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("§5.3");
    }

    @Test
    void describesItself() {
        SharedMessage message = SharedMessage.binary(ByteBuffer.wrap(pattern(5)));
        assertThat(message.opcode()).isEqualTo(Opcode.BINARY);
        assertThat(message).hasToString("shared BINARY [5 bytes], 0 encodings");
    }

    private static void assertReceived(Protocol client, String text) {
        assertThat(client.takeEvents()).singleElement().isInstanceOfSatisfying(Event.Text.class,
                t -> assertThat(t.text()).isEqualTo(text));
    }

    private static List<Wire.Pair> pairs(ProtocolConfig config, int n) {
        List<Wire.Pair> pairs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            pairs.add(Wire.connect(config));
        }
        return pairs;
    }

    /** Sends {@code message} on every pair's server; what each wrote, as its one buffer. */
    private static List<ByteBuffer> sendToAll(List<Wire.Pair> pairs, SharedMessage message) {
        List<ByteBuffer> written = new ArrayList<>();
        for (Wire.Pair pair : pairs) {
            pair.server().sendShared(message);
            assertThat(pair.server().takeOutbound()).singleElement().isInstanceOfSatisfying(Outbound.Data.class,
                    data -> written.add(data.bytes()));
        }
        return written;
    }
}
