package dev.lifeline.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** The harness's echo check: an echo counts only if it is the next message sent, byte for byte, whole. */
class EchoCheckTest {
    private final Payload payload = Payload.of(1000, false);
    private final EchoCheck check = new EchoCheck(payload, "connection 7");

    @Test
    void echoesInPiecesAndInOrderPass() {
        for (long seq = 0; seq < 3; seq++) {
            ByteBuffer echo = ByteBuffer.allocateDirect(1000).put(payload.bytes(seq)).flip();
            check.chunk(echo, 0, 10);
            check.chunk(echo, 10, 600);
            check.chunk(echo, 610, 390);
            assertThat(check.end()).isEqualTo(seq);
        }
        assertThat(check.next()).isEqualTo(3);
    }

    @Test
    void aChangedByteIsAnErrorNamingConnectionMessageAndOffset() {
        byte[] echo = payload.bytes(0);
        echo[700] ^= 1;
        assertThatThrownBy(() -> check.chunk(ByteBuffer.wrap(echo)))
                .isInstanceOf(EchoException.class).hasMessage("connection 7: echo of message 0 differs at byte 700");
    }

    @Test
    void anEchoOutOfOrderIsAnError() {
        assertThatThrownBy(() -> check.chunk(ByteBuffer.wrap(payload.bytes(1))))
                .isInstanceOf(EchoException.class).hasMessageContaining("differs at byte 15");
    }

    @Test
    void aShortOrLongEchoIsAnError() {
        check.chunk(ByteBuffer.wrap(payload.bytes(0), 0, 999));
        assertThatThrownBy(check::end).hasMessageContaining("has 999 bytes, sent 1000");
        EchoCheck other = new EchoCheck(payload, "c");
        other.chunk(ByteBuffer.wrap(payload.bytes(0)));
        assertThatThrownBy(() -> other.chunk(ByteBuffer.wrap(new byte[1]))).hasMessageContaining("longer than");
    }

    @Test
    void textEchoesAreComparedWholeAndByLength() {
        Payload text = Payload.of(64, true);
        EchoCheck c = new EchoCheck(text, "c");
        assertThat(c.text(text.string(0))).isZero();
        assertThatThrownBy(() -> c.text(text.string(1) + "x")).hasMessageContaining("length 65, sent 64");
    }

    @Test
    void aMaskedPayloadIsTheRfcMaskOfThePlainOne() {
        Payload masked = Payload.of(64, true).masked(0x37FA213D);
        byte[] plain = Payload.of(64, true).bytes(5);
        byte[] key = {0x37, (byte) 0xFA, 0x21, 0x3D};
        for (int i = 0; i < plain.length; i++) {
            assertThat(masked.byteAt(5, i)).isEqualTo((byte) (plain[i] ^ key[i % 4]));
        }
    }
}
