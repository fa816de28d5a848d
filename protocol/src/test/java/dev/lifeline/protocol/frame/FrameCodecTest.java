package dev.lifeline.protocol.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeline.protocol.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * RFC 6455 §5.2 at the level of {@link FrameDecoder} and {@link FrameEncoder} alone: header fields, reserved bits
 * that a negotiated extension gives a meaning to, header sizes, and the log-friendly {@link Frame#toString()}.
 */
class FrameCodecTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void decoderExposesTheHeaderFieldsAndUnmasksThePayload() {
        FrameDecoder decoder = new FrameDecoder(true, 1000);
        ByteBuffer in = ByteBuffer.wrap(HEX.parseHex("0185" + "37fa213d" + "7f9f4d5158"));
        assertThat(decoder.readHeader(in)).isTrue();
        assertThat(decoder.opcode()).isEqualTo(Opcode.TEXT);
        assertThat(decoder.fin()).isFalse();
        assertThat(decoder.rsv()).isZero();
        assertThat(decoder.length()).isEqualTo(5);
        byte[] payload = new byte[5];
        assertThat(decoder.readPayload(in, payload, 0, 2)).isEqualTo(2);
        assertThat(decoder.remaining()).isEqualTo(3);
        assertThat(decoder.readPayload(in, payload, 2, 3)).isEqualTo(3);
        assertThat(new String(payload, StandardCharsets.US_ASCII)).isEqualTo("Hello");
        assertThat(decoder.remaining()).isZero();
    }

    @Test
    void readingTheNextHeaderBeforeThePayloadIsAMisuse() {
        FrameDecoder decoder = new FrameDecoder(false, 1000);
        ByteBuffer in = ByteBuffer.wrap(HEX.parseHex("8203010203"));
        assertThat(decoder.readHeader(in)).isTrue();
        assertThatThrownBy(() -> decoder.readHeader(in)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void reservedBitsAreAcceptedOnlyOnceAnExtensionAllowsThem() {
        FrameDecoder decoder = new FrameDecoder(false, 1000);
        assertThatThrownBy(() -> decoder.readHeader(ByteBuffer.wrap(HEX.parseHex("c100"))))
                .isInstanceOf(ProtocolException.class);
        FrameDecoder withExtension = new FrameDecoder(false, 1000);
        withExtension.allowRsv(Frame.RSV1);
        assertThat(withExtension.readHeader(ByteBuffer.wrap(HEX.parseHex("c100")))).isTrue();
        assertThat(withExtension.rsv()).isEqualTo(Frame.RSV1);
        assertThatThrownBy(() -> withExtension.readHeader(ByteBuffer.wrap(HEX.parseHex("a100"))))
                .isInstanceOf(ProtocolException.class);
    }

    @ParameterizedTest
    @CsvSource({"0, 2", "125, 2", "126, 4", "65535, 4", "65536, 10", "2147483647, 10"})
    void headerLengthIsTheMinimalForm(int length, int expected) {
        assertThat(FrameEncoder.headerLength(length, false)).isEqualTo(expected);
        assertThat(FrameEncoder.headerLength(length, true)).isEqualTo(expected + 4);
    }

    @Test
    void encoderWritesReservedBitsAndFin() {
        Frame frame = new Frame(Opcode.BINARY, false, Frame.RSV1 | Frame.RSV3, ByteBuffer.wrap(new byte[] {7}));
        assertThat(HEX.formatHex(FrameEncoder.encode(frame, false, 0).array())).isEqualTo("520107");
    }

    @Test
    void framesPrintForLogs() {
        assertThat(Frame.of(Opcode.TEXT, utf8("hello"))).hasToString("TEXT 'hello' [5 bytes]");
        assertThat(new Frame(Opcode.BINARY, false, 0, ByteBuffer.wrap(new byte[] {0, (byte) 0xff})))
                .hasToString("BINARY fin=false 00ff [2 bytes]");
        assertThat(Frame.of(Opcode.CLOSE, ByteBuffer.wrap(HEX.parseHex("03e8627965"))))
                .hasToString("CLOSE 1000 'bye' [5 bytes]");
        assertThat(Frame.of(Opcode.PING, ByteBuffer.allocate(0))).hasToString("PING [0 bytes]");
        assertThat(Frame.of(Opcode.PONG, ByteBuffer.allocate(1))).hasToString("PONG 00 [1 byte]");
    }

    @Test
    void frameRejectsBitsOutsideTheReservedOnes() {
        assertThatThrownBy(() -> new Frame(Opcode.TEXT, true, 0x80, ByteBuffer.allocate(0)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static ByteBuffer utf8(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }
}
