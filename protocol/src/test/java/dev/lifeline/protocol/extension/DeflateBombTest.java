package dev.lifeline.protocol.extension;

import static dev.lifeline.protocol.extension.DeflateNegotiationTest.element;
import static dev.lifeline.protocol.extension.DeflateWindowTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeline.protocol.ProtocolException;
import dev.lifeline.protocol.frame.Frame;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Decompression bombs (RFC 7692 §8.1 leaves the limit to implementations): inflation is bounded by the message
 * limit while it runs, so a small payload that inflates enormously fails with 1009 once at most the limit has been
 * produced, and the output buffer is never allocated at the limit's size up front. The inflater in use is one of
 * ours, planted in the pool, that counts what zlib hands out.
 */
class DeflateBombTest {
    private static final int KIB = 1024;
    private static final int MIB = 1024 * KIB;
    /** 1 MiB of zeros, sync-flushed at level 9: 1,037 bytes that can be repeated into a longer stream. */
    private static final byte[] MEBIBYTE_OF_ZEROS = Zlib.syncFlushed(new Deflater(9, true), new byte[MIB]);

    /** Counts the bytes it inflates. */
    static final class CountingInflater extends Inflater {
        long produced;

        CountingInflater() {
            super(true);
        }

        @Override
        public int inflate(byte[] output, int off, int len) throws DataFormatException {
            int n = super.inflate(output, off, len);
            produced += n;
            return n;
        }
    }

    /** The receiving side of a fresh agreement, whose first inflater will be {@code inflater}. */
    private static Extension receiver(boolean contextTakeover, Inflater inflater) {
        PerMessageDeflate deflate = contextTakeover ? PerMessageDeflate.DEFAULT
                : PerMessageDeflate.DEFAULT.withoutContextTakeover();
        deflate = deflate.withPoolSize(1);
        deflate.pool().giveBack(inflater);
        return deflate.negotiate(element("permessage-deflate")).orElseThrow().extension();
    }

    @ParameterizedTest(name = "context takeover: {0}")
    @ValueSource(booleans = {true, false})
    void aKibibyteThatInflatesToAMebibyteFailsWith1009AfterAtMostTheLimit(boolean contextTakeover) {
        byte[] bomb = Zlib.stripTail(MEBIBYTE_OF_ZEROS);
        assertThat(bomb.length).isLessThan(1100);
        CountingInflater inflater = new CountingInflater();
        Extension extension = receiver(contextTakeover, inflater);
        assertThatThrownBy(() -> extension.decode(Frame.RSV1, ByteBuffer.wrap(bomb), 64 * KIB))
                .isInstanceOfSatisfying(ProtocolException.class,
                        e -> assertThat(e.closeCode().value()).isEqualTo(1009))
                .hasMessageContaining("inflates to more than the limit of 65536 bytes");
        assertThat(inflater.produced).isLessThanOrEqualTo(64 * KIB + 1);
    }

    @ParameterizedTest(name = "context takeover: {0}")
    @ValueSource(booleans = {true, false})
    void aMebibyteThatInflatesToAGibibyteFailsWith1009AfterAtMostTheLimit(boolean contextTakeover) {
        byte[] bomb = Zlib.stripTail(Zlib.repeat(MEBIBYTE_OF_ZEROS, 1000));
        assertThat(bomb.length).isLessThan(MIB);
        CountingInflater inflater = new CountingInflater();
        Extension extension = receiver(contextTakeover, inflater);
        assertThatThrownBy(() -> extension.decode(Frame.RSV1, ByteBuffer.wrap(bomb), MIB))
                .isInstanceOfSatisfying(ProtocolException.class,
                        e -> assertThat(e.closeCode().value()).isEqualTo(1009));
        assertThat(inflater.produced).isLessThanOrEqualTo(MIB + 1);
    }

    @ParameterizedTest(name = "limit {0}")
    @ValueSource(ints = {300, 64 * KIB, MIB})
    void aMessageOfExactlyTheLimitInflates(int limit) {
        byte[] data = new byte[limit];
        Extension extension = receiver(false, new Inflater(true));
        ByteBuffer decoded = extension.decode(Frame.RSV1, ByteBuffer.wrap(Zlib.compress(data)), limit);
        assertThat(bytes(decoded)).isEqualTo(data);
    }

    @ParameterizedTest(name = "context takeover: {0}")
    @ValueSource(booleans = {true, false})
    void aTinyMessageUnderAHugeLimitAllocatesOnlyWhatItNeeds(boolean contextTakeover) {
        Extension extension = receiver(contextTakeover, new Inflater(true));
        ByteBuffer decoded = extension.decode(Frame.RSV1,
                ByteBuffer.wrap(Zlib.compress("Hello".getBytes(StandardCharsets.UTF_8))), Integer.MAX_VALUE);
        assertThat(new String(bytes(decoded), StandardCharsets.UTF_8)).isEqualTo("Hello");
        assertThat(decoded.capacity()).isLessThanOrEqualTo(256);
    }
}
