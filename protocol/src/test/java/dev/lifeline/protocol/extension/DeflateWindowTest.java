package dev.lifeline.protocol.extension;

import static dev.lifeline.protocol.extension.DeflateNegotiationTest.element;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.protocol.frame.Frame;
import dev.lifeline.protocol.frame.Opcode;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RFC 7692 §7.1.2: a peer that allows only a 2^N-byte LZ77 window gets no back-reference longer than 2^N, although
 * the JDK's zlib always compresses with 2^15 bytes (we flush its dictionary at least every 2^N bytes). Checked by an
 * RFC 1951 decoder of our own that measures every distance, on data whose unconstrained compression refers 20,000
 * bytes back; and the result inflates back through the receiving side of the same agreement.
 */
class DeflateWindowTest {
    private static final PerMessageDeflate DEFLATE = PerMessageDeflate.DEFAULT.withMinSize(0);
    /** 60,000 bytes: a 20,000-byte random block three times, so that the best matches are 20,000 bytes back. */
    private static final byte[] DATA = Zlib.repeat(randomText(20_000), 3);

    @ParameterizedTest(name = "server_max_window_bits={0}")
    @ValueSource(ints = {8, 9, 10, 11, 12, 13, 14, 15})
    void serverCompressesWithinTheWindowTheClientOffered(int bits) {
        ExtensionFactory.Accepted accepted = DEFLATE.negotiate(
                element("permessage-deflate; server_max_window_bits=" + bits)).orElseThrow();
        byte[] payload = send(accepted.extension(), DATA, DATA.length);
        assertWithinWindow(payload, bits);
        Extension client = DEFLATE.accept(accepted.response());
        assertThat(bytes(client.decode(Frame.RSV1, ByteBuffer.wrap(payload), DATA.length))).isEqualTo(DATA);
    }

    @ParameterizedTest(name = "client_max_window_bits={0}")
    @ValueSource(ints = {8, 9, 10, 11, 12, 13, 14, 15})
    void clientCompressesAFragmentedMessageWithinTheWindowTheServerAnswered(int bits) {
        Extension client = DEFLATE.accept(element("permessage-deflate; client_max_window_bits=" + bits));
        byte[] payload = send(client, DATA, 7_000);
        assertWithinWindow(payload, bits);
        Extension server = DEFLATE.negotiate(element("permessage-deflate; client_max_window_bits")).orElseThrow()
                .extension();
        assertThat(bytes(server.decode(Frame.RSV1, ByteBuffer.wrap(payload), DATA.length))).isEqualTo(DATA);
    }

    @ParameterizedTest(name = "server_max_window_bits={0}")
    @ValueSource(ints = {9, 12})
    void theWindowHoldsAcrossMessagesWithContextTakeover(int bits) {
        ExtensionFactory.Accepted accepted = DEFLATE.negotiate(
                element("permessage-deflate; server_max_window_bits=" + bits)).orElseThrow();
        Extension client = DEFLATE.accept(accepted.response());
        DeflateOracle oracle = new DeflateOracle();
        byte[] block = randomText(1_000);
        for (int i = 0; i < 10; i++) {
            byte[] payload = send(accepted.extension(), block, block.length);
            assertThat(oracle.message(payload)).isEqualTo(block);
            assertThat(bytes(client.decode(Frame.RSV1, ByteBuffer.wrap(payload), block.length))).isEqualTo(block);
        }
        assertThat(oracle.maxDistance()).isLessThanOrEqualTo(1 << bits);
        if (bits == 12) {
            assertThat(oracle.maxDistance()).as("messages refer to the previous one").isEqualTo(block.length);
        }
    }

    private static void assertWithinWindow(byte[] payload, int bits) {
        DeflateOracle oracle = new DeflateOracle();
        assertThat(oracle.message(payload)).isEqualTo(DATA);
        assertThat(oracle.maxDistance()).isLessThanOrEqualTo(1 << bits);
        if (bits == 15) {
            assertThat(oracle.maxDistance()).as("unconstrained, zlib refers to the previous copy").isEqualTo(20_000);
        }
    }

    /** Sends {@code data} as one message in frames of {@code fragment} bytes; returns the compressed payload. */
    static byte[] send(Extension extension, byte[] data, int fragment) {
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        for (int start = 0; start < data.length; start += fragment) {
            int end = Math.min(data.length, start + fragment);
            boolean first = start == 0;
            Frame frame = extension.encode(new Frame(first ? Opcode.BINARY : Opcode.CONTINUATION, end == data.length,
                    0, ByteBuffer.wrap(data, start, end - start)), first);
            assertThat(frame.rsv()).isEqualTo(first ? Frame.RSV1 : 0);
            payload.writeBytes(bytes(frame.payload()));
        }
        return payload.toByteArray();
    }

    static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    /** Letters a to p drawn at random: compressible by Huffman coding, but with no long repeats of its own. */
    static byte[] randomText(int length) {
        SplittableRandom random = new SplittableRandom(length);
        byte[] text = new byte[length];
        for (int i = 0; i < length; i++) {
            text[i] = (byte) ('a' + random.nextInt(16));
        }
        return text;
    }
}
