package dev.lifeline.protocol;

import static dev.lifeline.protocol.DeflateExamplesTest.compressing;
import static dev.lifeline.protocol.DeflateExamplesTest.withContextTakeover;
import static dev.lifeline.protocol.DeflateExamplesTest.withoutContextTakeover;
import static dev.lifeline.protocol.Wire.assertEvents;
import static dev.lifeline.protocol.Wire.assertFailedWith;
import static dev.lifeline.protocol.Wire.assertSent;
import static dev.lifeline.protocol.Wire.bytes;
import static dev.lifeline.protocol.Wire.frame;
import static dev.lifeline.protocol.Wire.hex;
import static dev.lifeline.protocol.Wire.pattern;
import static dev.lifeline.protocol.Wire.peer;
import static dev.lifeline.protocol.Wire.pipe;
import static dev.lifeline.protocol.Wire.receive;
import static dev.lifeline.protocol.Wire.take;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.protocol.extension.PerMessageDeflate;
import dev.lifeline.protocol.extension.Zlib;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * RFC 7692 §6 and §7.2 on the wire: the "Per-Message Compressed" bit (RSV1) only on the first frame of a compressed
 * message and never on control frames, uncompressed messages still allowed, the size threshold, fragmented
 * compressed messages both ways, empty messages, context takeover kept or reset as agreed, and the limits: invalid
 * data fails with 1007, output past {@code maxMessageSize} and floods of fragments with 1009. Both sides.
 */
class DeflateFramingTest {

    @ParameterizedTest(name = "{0} receiving opcode {1} with RSV1")
    @MethodSource("dev.lifeline.protocol.ControlFramesTest#controlOpcodes")
    void rsv1OnAControlFrameFailsWith1002(Side side, int opcode) {
        Protocol p = withContextTakeover(side);
        receive(p, frame(peer(side), 0xC0 | opcode, ""));
        assertFailedWith(p, 1002);
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void rsv1OnAContinuationFrameFailsWith1002(Side side) {
        Protocol p = withContextTakeover(side);
        receive(p, frame(peer(side), 0x41, "f2 48 cd") + frame(peer(side), 0xC0, "c9 c9 07 00"));
        assertFailedWith(p, 1002);
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void controlFramesAreSentUncompressed(Side side) {
        Protocol p = withContextTakeover(side);
        p.sendPing(ByteBuffer.wrap(bytes("68 65 6c 6c 6f 20 68 65 6c 6c 6f 20 68 65 6c 6c 6f")));
        p.sendClose(CloseCode.NORMAL_CLOSURE, "bye bye bye bye");
        assertSent(p, frame(side, 0x89, "68 65 6c 6c 6f 20 68 65 6c 6c 6f 20 68 65 6c 6c 6f")
                + frame(side, 0x88, "03e8" + hex("bye bye bye bye".getBytes(StandardCharsets.UTF_8))));
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void anUncompressedMessageIsAcceptedOnACompressingConnection(Side side) {
        Protocol p = withContextTakeover(side);
        receive(p, frame(peer(side), 0x81, "48 65 6c 6c 6f") + frame(peer(side), 0xc1, "f2 48 cd c9 c9 07 00"));
        assertEvents(p, "Text Hello", "Text Hello");
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void wholeMessagesBelowTheThresholdAreSentUncompressed(Side side) {
        Protocol p = compressing(side, PerMessageDeflate.DEFAULT.withMinSize(6));
        p.sendText("Hello");
        p.sendText("Hello!");
        assertSent(p, frame(side, 0x81, "48 65 6c 6c 6f")
                + frame(side, 0xc1, Zlib.compress("Hello!".getBytes(StandardCharsets.UTF_8))));
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void aFragmentedMessageIsCompressedWithRsv1OnItsFirstFrameOnly(Side side) {
        Wire.Pair pair = Wire.connect(ProtocolConfig.DEFAULT.withExtensions(List.of(PerMessageDeflate.DEFAULT)));
        Protocol sender = pair.get(side);
        Protocol receiver = pair.get(peer(side));
        byte[] data = pattern(3000);
        sender.sendBinary(ByteBuffer.wrap(data, 0, 1000), false);
        sender.sendContinuation(ByteBuffer.wrap(data, 1000, 1000), false);
        sender.sendContinuation(ByteBuffer.wrap(data, 2000, 1000), true);
        byte[] wire = take(sender).data();
        List<Integer> firstBytes = firstBytes(wire, side == Side.CLIENT);
        assertThat(firstBytes).containsExactly(0x42, 0x00, 0x80);
        assertThat(wire.length).isLessThan(1000);
        receiver.receiveData(ByteBuffer.wrap(wire));
        assertEvents(receiver, Wire.describe(new Event.Binary(data)));
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void emptyMessagesAndEmptyLastFragmentsAreSentAsOneZeroByte(Side side) {
        Wire.Pair pair = Wire.connect(ProtocolConfig.DEFAULT.withExtensions(
                List.of(PerMessageDeflate.DEFAULT.withMinSize(0))));
        Protocol sender = pair.get(side);
        sender.sendText("");
        sender.sendText("Hello");
        sender.sendText("");
        sender.sendText(ByteBuffer.wrap("Hello".getBytes(StandardCharsets.UTF_8)), false);
        sender.sendContinuation(ByteBuffer.allocate(0), true);
        byte[] wire = take(sender).data();
        assertThat(hex(wire)).isEqualTo(hex(bytes(frame(side, 0xc1, "00") + frame(side, 0xc1, "f2 48 cd c9 c9 07 00")
                + frame(side, 0xc1, "00") + frame(side, 0x41, "f2 00 11 00 00 00 00 ff ff")
                + frame(side, 0x80, "00"))));
        pair.get(peer(side)).receiveData(ByteBuffer.wrap(wire));
        assertEvents(pair.get(peer(side)), "Text ", "Text Hello", "Text ", "Text Hello");
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void manyMessagesRoundTripThroughTheSharedContext(Side side) {
        Wire.Pair pair = Wire.connect(ProtocolConfig.DEFAULT.withExtensions(List.of(PerMessageDeflate.DEFAULT)));
        for (int i = 0; i < 200; i++) {
            String text = "{\"id\": " + i + ", \"status\": \"all good\", \"items\": [1, 2, 3]}";
            pair.get(side).sendText(text);
            pipe(pair.get(side), pair.get(peer(side)));
            assertEvents(pair.get(peer(side)), "Text " + text);
        }
    }

    static Stream<Arguments> invalidPayloads() {
        String[][] table = {
            // what | context takeover | the payloads of compressed messages, the last one invalid
            {"a back-reference into the previous message without context takeover", "false",
                "f2 48 cd c9 c9 07 00", "f2 00 11 00 00"},
            {"a reserved block type", "true", "ff ff ff"},
            {"text that is not UTF-8 once inflated", "true", hex(Zlib.compress(bytes("48 65 ff fe")))},
        };
        List<Arguments> arguments = new ArrayList<>();
        for (Side side : Side.values()) {
            for (String[] row : table) {
                arguments.add(Arguments.of(side, row[0], Boolean.parseBoolean(row[1]),
                        List.of(row).subList(2, row.length)));
            }
        }
        return arguments.stream();
    }

    @ParameterizedTest(name = "{0} receiving {1}")
    @MethodSource("invalidPayloads")
    void anInvalidCompressedMessageFailsWith1007(Side side, String what, boolean contextTakeover,
            List<String> payloads) {
        Protocol p = contextTakeover ? withContextTakeover(side) : withoutContextTakeover(side);
        for (String payload : payloads.subList(0, payloads.size() - 1)) {
            receive(p, frame(peer(side), 0xc1, payload));
            assertThat(Wire.events(p)).hasSize(1);
        }
        receive(p, frame(peer(side), 0xc1, payloads.get(payloads.size() - 1)));
        assertFailedWith(p, 1007);
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void aMessageThatInflatesPastTheLimitFailsWith1009(Side side) {
        Protocol p = open(side, 1000);
        receive(p, frame(peer(side), 0xc2, Zlib.compress(new byte[1000])));
        assertEvents(p, Wire.describe(new Event.Binary(new byte[1000])));
        receive(p, frame(peer(side), 0xc2, Zlib.compress(new byte[1001])));
        assertFailedWith(p, 1009);
    }

    /**
     * A message at the limit that the peer could not compress comes in a frame a little larger than the limit
     * (DEFLATE's stored blocks have headers): the frame and message limits allow for that overhead on compressed
     * messages (1/1024 of the limit plus 64 bytes), and the inflated message is held to the limit exactly.
     */
    @ParameterizedTest
    @EnumSource(Side.class)
    void anIncompressibleMessageAtTheLimitIsAcceptedThoughItsFrameIsLarger(Side side) {
        Protocol p = open(side, 1000);
        byte[] noise = incompressible(1000);
        byte[] compressed = Zlib.compress(noise);
        assertThat(compressed.length).as("compressed size").isGreaterThan(1000);
        receive(p, frame(peer(side), 0xc2, compressed));
        assertEvents(p, Wire.describe(new Event.Binary(noise)));
        receive(p, frame(peer(side), 0x42, Arrays.copyOf(compressed, 600))
                + frame(peer(side), 0x80, Arrays.copyOfRange(compressed, 600, compressed.length)));
        assertEvents(p, Wire.describe(new Event.Binary(noise)));
    }

    /**
     * Each fragment but the last of a compressed message ends with a sync flush's 5 bytes: our own sender's message of
     * no bytes in three fragments needs frames of 5 bytes. Found by MessageSplitFuzzTest under a 1-byte limit (regression
     * input MessageSplitFuzzTestInputs/.../crash-compressed-fragments-over-a-1-byte-frame-limit).
     */
    @ParameterizedTest
    @EnumSource(Side.class)
    void aCompressedMessageInFragmentsWithinTheLimitIsAcceptedUnderATinyLimit(Side side) {
        Wire.Pair pair = Wire.connect(ProtocolConfig.DEFAULT.withMaxMessageSize(1)
                .withExtensions(List.of(PerMessageDeflate.DEFAULT.withMinSize(0))));
        Protocol sender = pair.get(peer(side));
        sender.sendText(ByteBuffer.allocate(0), false);
        sender.sendContinuation(ByteBuffer.wrap(new byte[] {'a'}), false);
        sender.sendContinuation(ByteBuffer.allocate(0), true);
        pipe(sender, pair.get(side));
        assertEvents(pair.get(side), "Text a");
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void anIncompressibleMessageOneByteOverTheLimitFailsWith1009(Side side) {
        Protocol p = open(side, 1000);
        receive(p, frame(peer(side), 0xc2, Zlib.compress(incompressible(1001))));
        assertFailedWith(p, 1009);
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void anUncompressedFrameOverTheLimitFailsWith1009ThoughDeflateIsNegotiated(Side side) {
        Protocol p = open(side, 1000);
        receive(p, frame(peer(side), 0x82, new byte[1001]));
        assertFailedWith(p, 1009);
        assertThat(p.failure().orElseThrow().reason())
                .isEqualTo("frame of 1001 bytes exceeds the limit of 1000 bytes");
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void aFloodOfTinyCompressedFragmentsIsBoundedByTheMessageLimitAndDeflatesOverhead(Side side) {
        Protocol p = open(side, 1000);
        int allowed = 1000 + 1000 / 1024 + 64;
        StringBuilder flood = new StringBuilder(frame(peer(side), 0x42, "00"));
        for (int i = 1; i < allowed; i++) {
            flood.append(frame(peer(side), 0x00, "00"));
        }
        receive(p, flood.toString());
        assertEvents(p);
        receive(p, frame(peer(side), 0x00, "00"));
        assertFailedWith(p, 1009);
    }

    /** Bytes that DEFLATE cannot shorten. */
    private static byte[] incompressible(int n) {
        byte[] bytes = new byte[n];
        new Random(7692).nextBytes(bytes);
        return bytes;
    }

    private static Protocol open(Side side, int maxMessageSize) {
        return Wire.open(side, ProtocolConfig.DEFAULT.withMaxMessageSize(maxMessageSize)
                .withExtensions(List.of(PerMessageDeflate.DEFAULT)));
    }

    /** The first header byte of each frame in {@code wire}. */
    private static List<Integer> firstBytes(byte[] wire, boolean masked) {
        List<Integer> result = new ArrayList<>();
        int p = 0;
        while (p < wire.length) {
            result.add(wire[p] & 0xFF);
            int len7 = wire[p + 1] & 0x7F;
            int header = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0);
            long length = len7 == 126 ? ((wire[p + 2] & 0xFF) << 8) | (wire[p + 3] & 0xFF) : len7;
            p += header + (masked ? 4 : 0) + (int) length;
        }
        return result;
    }
}
