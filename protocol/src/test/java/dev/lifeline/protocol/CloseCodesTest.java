package dev.lifeline.protocol;

import static dev.lifeline.protocol.Wire.assertEvents;
import static dev.lifeline.protocol.Wire.assertFailedWith;
import static dev.lifeline.protocol.Wire.assertSent;
import static dev.lifeline.protocol.Wire.bytes;
import static dev.lifeline.protocol.Wire.frame;
import static dev.lifeline.protocol.Wire.open;
import static dev.lifeline.protocol.Wire.peer;
import static dev.lifeline.protocol.Wire.receive;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RFC 6455 §7.4 "Status Codes" and §5.5.1 Close payloads: which codes may travel in a Close frame (§7.4.1, §7.4.2
 * and the IANA registry: 1000-1003, 1007-1014, 3000-4999), what a malformed payload causes (1002, or 1007 for a
 * reason that is not UTF-8), how statuses print, and which closes count as normal.
 */
class CloseCodesTest {
    private static final int[] VALID = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014,
        3000, 3001, 3999, 4000, 4999};
    private static final int[] INVALID = {0, 1, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535};

    static Stream<Arguments> validCodes() {
        return withBothSides(VALID);
    }

    static Stream<Arguments> invalidCodes() {
        return withBothSides(INVALID);
    }

    private static Stream<Arguments> withBothSides(int[] codes) {
        List<Arguments> arguments = new ArrayList<>();
        for (Side side : Side.values()) {
            for (int code : codes) {
                arguments.add(Arguments.of(side, code));
            }
        }
        return arguments.stream();
    }

    @ParameterizedTest(name = "{0} receiving {1}")
    @MethodSource("validCodes")
    void validCodeIsAcceptedAndEchoed(Side side, int code) {
        Protocol p = open(side);
        receive(p, frame(peer(side), 0x88, Wire.closePayload(code, "r")));
        assertThat(p.closeReceived()).contains(CloseStatus.of(code, "r"));
        assertSent(p, frame(side, 0x88, String.format("%04x", code)) + (side == Side.SERVER ? " EOF" : ""));
        assertThat(p.failure()).isEmpty();
    }

    @ParameterizedTest(name = "{0} receiving {1}")
    @MethodSource("invalidCodes")
    void codeNotAllowedOnTheWireFailsWith1002(Side side, int code) {
        Protocol p = open(side);
        receive(p, frame(peer(side), 0x88, String.format("%04x", code)));
        assertFailedWith(p, 1002);
        assertThat(p.closeReceived()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void emptyClosePayloadMeans1005(Side side) {
        Protocol p = open(side);
        receive(p, frame(peer(side), 0x88, ""));
        assertThat(p.closeReceived()).contains(new CloseStatus(CloseCode.NO_STATUS_RECEIVED, ""));
        assertEvents(p, "CloseReceived 1005 (no status received)");
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void oneByteClosePayloadFailsWith1002(Side side) {
        Protocol p = open(side);
        receive(p, frame(peer(side), 0x88, "03"));
        assertFailedWith(p, 1002);
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void closeReasonThatIsNotUtf8FailsWith1007(Side side) {
        Protocol p = open(side);
        receive(p, frame(peer(side), 0x88, "03e8 6f6b ff"));
        assertFailedWith(p, 1007);
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void closeReasonEndingInsideACharacterFailsWith1007(Side side) {
        Protocol p = open(side);
        receive(p, frame(peer(side), 0x88, "03e8 e282"));
        assertFailedWith(p, 1007);
    }

    @Test
    void parseReadsTheCodeAndAUtf8Reason() {
        assertThat(CloseStatus.parse(ByteBuffer.wrap(bytes("0bb8 e282ac"))))
                .isEqualTo(new CloseStatus(CloseCode.of(3000), "€"));
        assertThat(CloseStatus.parse(ByteBuffer.wrap(bytes(""))))
                .isEqualTo(new CloseStatus(CloseCode.NO_STATUS_RECEIVED, ""));
    }

    @Test
    void parseDoesNotConsumeItsInput() {
        ByteBuffer payload = ByteBuffer.wrap(bytes("03e8 6f6b"));
        CloseStatus.parse(payload);
        assertThat(payload.remaining()).isEqualTo(4);
    }

    @ParameterizedTest
    @CsvSource({"03, 1002", "03e7, 1002", "03ed, 1002", "03ee, 1002", "ffff, 1002", "03e8 c0af, 1007",
        "03e8 eda080, 1007"})
    void parseRejectsMalformedPayloadsWithTheRightCode(String hex, int code) {
        assertThatThrownBy(() -> CloseStatus.parse(ByteBuffer.wrap(bytes(hex))))
                .isInstanceOfSatisfying(ProtocolException.class,
                        e -> assertThat(e.closeCode().value()).isEqualTo(code));
    }

    @Test
    void validityOnTheWireMatchesTheRegistryForEverySixteenBitCode() {
        List<Integer> valid = IntStream.rangeClosed(0, 0xFFFF).filter(CloseCode::isValidOnWire).boxed().toList();
        List<Integer> expected = new ArrayList<>();
        IntStream.rangeClosed(1000, 1003).forEach(expected::add);
        IntStream.rangeClosed(1007, 1014).forEach(expected::add);
        IntStream.rangeClosed(3000, 4999).forEach(expected::add);
        assertThat(valid).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 65536})
    void codeOutside16BitsIsRejected(int code) {
        assertThatThrownBy(() -> CloseCode.of(code)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void statusesPrintLikeTheStyleGuideSays() {
        assertThat(CloseStatus.of(1000, "bye")).hasToString("1000 (normal) \"bye\"");
        assertThat(CloseStatus.of(1001, "")).hasToString("1001 (going away)");
        assertThat(CloseStatus.of(1005, "")).hasToString("1005 (no status received)");
        assertThat(CloseCode.of(1009)).hasToString("1009 (message too big)");
        assertThat(CloseCode.of(3000)).hasToString("3000 (registered)");
        assertThat(CloseCode.of(4321)).hasToString("4321 (private use)");
        assertThat(CloseCode.of(2000)).hasToString("2000 (unknown)");
    }

    @Test
    void toPayloadWritesTheCodeThenTheReason() {
        assertThat(Wire.hex(toArray(CloseStatus.of(1000, "bye").toPayload()))).isEqualTo("03e8627965");
        assertThat(Wire.hex(toArray(CloseStatus.of(4999, "").toPayload()))).isEqualTo("1387");
        assertThat(Wire.hex(toArray(CloseStatus.of(1005, "").toPayload()))).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"1000, 1000, true", "1001, 1000, true", "1005, 1005, true", "1000, 1001, true",
        "1000, 1002, false", "1011, 1000, false", "1000, 4000, false", "3000, 3000, false"})
    void onlyNormalCodesBothWaysMakeAnOkClose(int sent, int received, boolean ok) {
        ConnectionClosedException e = ConnectionClosedException.of(Optional.of(CloseStatus.of(sent, "")),
                Optional.of(CloseStatus.of(received, "")), false, null);
        assertThat(e).isInstanceOf(ok ? ConnectionClosedOkException.class : ConnectionClosedErrorException.class);
        assertThat(e.code().value()).isEqualTo(received);
    }

    @Test
    void withoutAReceivedCloseTheCodeIs1006AndTheCloseIsAnError() {
        ConnectionClosedException e = ConnectionClosedException.of(Optional.of(CloseStatus.of(1000, "")),
                Optional.empty(), false, null);
        assertThat(e).isInstanceOf(ConnectionClosedErrorException.class);
        assertThat(e.code()).isEqualTo(CloseCode.ABNORMAL_CLOSURE);
        assertThat(e.reason()).isEmpty();
        assertThat(e).hasMessage("sent 1000 (normal); no close frame received");
    }

    private static byte[] toArray(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
