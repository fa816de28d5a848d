package dev.lifeline.reliable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeline.protocol.CloseCode;
import dev.lifeline.protocol.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The envelopes of {@code lifeline.reliable.v1} byte by byte, as docs/topics/reliable-protocol.md specifies them:
 * a type byte, unsigned LEB128 varints of at most 8 bytes and at most 2^53 - 1, length-prefixed tokens.
 */
class EnvelopeTest {
    private static final HexFormat HEX = HexFormat.of();

    private static String hex(Envelope e) {
        return HEX.formatHex(e.encode());
    }

    private static Envelope decode(String hex) {
        return Envelope.decode(ByteBuffer.wrap(HEX.parseHex(hex.replace(" ", ""))));
    }

    @Test
    void dataTextCarriesTypeSeqAckThenUtf8() {
        Envelope e = new Envelope.Data(1, 0, true, "hi".getBytes(StandardCharsets.UTF_8));
        assertThat(hex(e)).isEqualTo("01" + "01" + "00" + "6869");
        assertThat(decode("01 01 00 6869")).isEqualTo(e);
    }

    @Test
    void dataBinaryUsesMultiByteVarints() {
        // 300 = 0b10_0101100: low group 0x2c with the continuation bit (0xac), then 0x02
        Envelope e = new Envelope.Data(300, 127, false, new byte[] {(byte) 0xff});
        assertThat(hex(e)).isEqualTo("02" + "ac02" + "7f" + "ff");
        assertThat(decode("02 ac02 7f ff")).isEqualTo(e);
    }

    @Test
    void dataMayHaveAnEmptyPayload() {
        assertThat(decode("02 05 03")).isEqualTo(new Envelope.Data(5, 3, false, new byte[0]));
    }

    @Test
    void ackIsTypeThenCumulativeAck() {
        assertThat(hex(new Envelope.Ack(16384))).isEqualTo("03" + "808001");
        assertThat(decode("03 808001")).isEqualTo(new Envelope.Ack(16384));
    }

    @Test
    void helloCarriesLastReceivedAndLengthPrefixedToken() {
        Envelope e = new Envelope.Hello(5, new byte[] {1, 2});
        assertThat(hex(e)).isEqualTo("10" + "05" + "02" + "0102");
        assertThat(decode("10 05 02 0102")).isEqualTo(e);
    }

    @Test
    void helloForANewSessionHasNoToken() {
        assertThat(hex(new Envelope.Hello(0, new byte[0]))).isEqualTo("10" + "00" + "00");
    }

    @Test
    void welcomeCarriesOutcomeLastReceivedAndToken() {
        Envelope neu = new Envelope.Welcome(SessionOutcome.Kind.NEW, 0, new byte[] {(byte) 0xaa, (byte) 0xbb});
        assertThat(hex(neu)).isEqualTo("11" + "00" + "00" + "02" + "aabb");
        Envelope resumed = new Envelope.Welcome(SessionOutcome.Kind.RESUMED, Envelope.MAX_SEQ, new byte[] {7});
        assertThat(hex(resumed)).isEqualTo("11" + "01" + "ffffffffffffff0f" + "01" + "07");
        assertThat(decode("11 01 ffffffffffffff0f 01 07")).isEqualTo(resumed);
    }

    @Test
    void nonMinimalVarintsAreAccepted() {
        assertThat(decode("03 8000")).isEqualTo(new Envelope.Ack(0));
    }

    @Test
    void everyEnvelopeSurvivesARoundTrip() {
        SplittableRandom random = new SplittableRandom(6455);
        for (int i = 0; i < 2_000; i++) {
            long seq = 1 + random.nextLong(Envelope.MAX_SEQ);
            long ack = random.nextLong(Envelope.MAX_SEQ + 1);
            byte[] payload = new byte[random.nextInt(40)];
            random.nextBytes(payload);
            byte[] token = new byte[1 + random.nextInt(Envelope.MAX_TOKEN_LENGTH)];
            random.nextBytes(token);
            for (Envelope e : new Envelope[] {new Envelope.Data(seq, ack, false, payload), new Envelope.Ack(ack),
                    new Envelope.Hello(ack, token),
                    new Envelope.Welcome(SessionOutcome.Kind.RESUMED, ack, token)}) {
                assertThat(Envelope.decode(ByteBuffer.wrap(e.encode()))).isEqualTo(e);
            }
        }
    }

    @ParameterizedTest(name = "{1}: {0}")
    @CsvSource({
        "'',                         empty envelope",
        "04 00,                      unknown type 0x04",
        "7f,                         unknown type 0x7f",
        "01 80,                      truncated seq",
        "01 01,                      truncated ack",
        "03 ffffffffffffffff01,      varint longer than 8 bytes",
        "03 ffffffffffffff7f,        value above 2^53 - 1",
        "03 05 00,                   trailing byte after an ACK",
        "01 00 00 61,                DATA with seq 0",
        "10 00 05 0102,              token length beyond the message",
        "10 01 00,                   HELLO without a token but with lastReceived",
        "11 02 00 01 07,             WELCOME with unknown outcome",
        "11 00 00 00,                WELCOME without a token",
        "11 00 05 01 07,             WELCOME NEW with lastReceived",
        "11,                         WELCOME truncated before its outcome",
    })
    void malformedEnvelopesAreProtocolErrors1002(String hex, String what) {
        assertThatThrownBy(() -> decode(hex)).as(what).isInstanceOfSatisfying(ProtocolException.class,
                e -> assertThat(e.closeCode()).isEqualTo(CloseCode.PROTOCOL_ERROR));
    }

    @Test
    void tokenLongerThan64BytesIsAProtocolError1002() {
        String hex = "10 00 41" + "00".repeat(65);
        assertThatThrownBy(() -> decode(hex)).isInstanceOfSatisfying(ProtocolException.class,
                e -> assertThat(e.getMessage()).contains("token length 65"));
    }

    @Test
    void textPayloadThatIsNotUtf8IsInvalidPayload1007() {
        assertThatThrownBy(() -> decode("01 01 00 c328")).isInstanceOfSatisfying(ProtocolException.class,
                e -> assertThat(e.closeCode()).isEqualTo(CloseCode.INVALID_PAYLOAD));
    }

    @Test
    void binaryPayloadNeedNotBeUtf8() {
        assertThat(decode("02 01 00 c328")).isEqualTo(new Envelope.Data(1, 0, false, new byte[] {(byte) 0xc3, 0x28}));
    }

    @Test
    void encodingRefusesNumbersOutOfRange() {
        assertThatThrownBy(() -> new Envelope.Ack(Envelope.MAX_SEQ + 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Envelope.Data(0, 0, true, new byte[0]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Envelope.Hello(3, new byte[0])).isInstanceOf(IllegalArgumentException.class);
    }
}
