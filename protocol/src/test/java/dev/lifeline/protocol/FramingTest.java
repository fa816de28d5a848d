package dev.lifeline.protocol;

import static dev.lifeline.protocol.Side.CLIENT;
import static dev.lifeline.protocol.Side.SERVER;
import static dev.lifeline.protocol.Wire.assertEvents;
import static dev.lifeline.protocol.Wire.assertFailedWith;
import static dev.lifeline.protocol.Wire.assertSent;
import static dev.lifeline.protocol.Wire.bytes;
import static dev.lifeline.protocol.Wire.frame;
import static dev.lifeline.protocol.Wire.hex;
import static dev.lifeline.protocol.Wire.maskNaively;
import static dev.lifeline.protocol.Wire.open;
import static dev.lifeline.protocol.Wire.pattern;
import static dev.lifeline.protocol.Wire.peer;
import static dev.lifeline.protocol.Wire.receive;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * RFC 6455 §5.2 "Base Framing Protocol": the 7-, 16- and 64-bit payload lengths and their boundaries, minimal
 * length encoding on send, the most significant bit of a 64-bit length, reserved opcodes and reserved bits.
 * Every scenario runs from both sides.
 */
class FramingTest {

    /** Payload lengths around the boundaries of the three length forms, with their encoding (mask bit clear). */
    static Stream<Arguments> boundaryLengths() {
        String[][] table = {
            {"0", "00"}, {"1", "01"}, {"125", "7d"}, {"126", "7e 007e"}, {"127", "7e 007f"},
            {"65535", "7e ffff"}, {"65536", "7f 0000000000010000"}, {"65537", "7f 0000000000010001"},
        };
        List<Arguments> arguments = new ArrayList<>();
        for (Side side : Side.values()) {
            for (String[] row : table) {
                arguments.add(Arguments.of(side, Integer.parseInt(row[0]), row[1]));
            }
        }
        return arguments.stream();
    }

    @ParameterizedTest(name = "{0} sends {1} bytes with length {2}")
    @MethodSource("boundaryLengths")
    void sendingUsesTheMinimalLengthEncoding(Side side, int length, String encodedLength) {
        Protocol p = open(side);
        byte[] payload = pattern(length);
        p.sendBinary(ByteBuffer.wrap(payload), true);
        byte[] len = bytes(encodedLength);
        if (side == CLIENT) {
            len[0] |= (byte) 0x80;
        }
        String expected = side == CLIENT
                ? "82" + hex(len) + "37fa213d" + hex(maskNaively(payload, Wire.MASK, 0))
                : "82" + hex(len) + hex(payload);
        assertSent(p, expected);
    }

    @ParameterizedTest(name = "{0} receives {1} bytes with length {2}")
    @MethodSource("boundaryLengths")
    void receivingDecodesEachLengthForm(Side side, int length, String encodedLength) {
        Protocol p = open(side);
        byte[] payload = pattern(length);
        String wire = frame(peer(side), 0x82, payload);
        assertThat(wire).startsWith(hex(headerOf(side, encodedLength)));
        receive(p, wire);
        assertThat(p.takeEvents()).singleElement().isInstanceOfSatisfying(Event.Binary.class,
                binary -> assertThat(binary.data()).isEqualTo(payload));
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void receivingANonMinimalLengthIsAccepted(Side side) {
        // §5.2 asks the sender for the minimal encoding; like most implementations we do not police it.
        Protocol p = open(side);
        byte[] header = side == CLIENT ? bytes("82 7e 0003") : bytes("82 fe 0003 37fa213d");
        byte[] payload = side == CLIENT ? bytes("010203") : maskNaively(bytes("010203"), Wire.MASK, 0);
        receive(p, hex(header) + hex(payload));
        assertEvents(p, "Binary 010203");
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void headerArrivingOneByteAtATimeIsDecoded(Side side) {
        Protocol p = open(side);
        byte[] wire = bytes(frame(peer(side), 0x82, pattern(300)));
        for (int i = 0; i < wire.length; i++) {
            assertThat(p.takeEvents()).isEmpty();
            receive(p, wire, i, i + 1);
        }
        assertThat(p.takeEvents()).singleElement().isInstanceOf(Event.Binary.class);
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void severalFramesInOneBufferAreAllDecoded(Side side) {
        Protocol p = open(side);
        receive(p, frame(peer(side), 0x81, "6f6e65") + frame(peer(side), 0x82, "") + frame(peer(side), 0x81, "74776f"));
        assertEvents(p, "Text one", "Binary ", "Text two");
    }

    @Test
    void clientReceiving64BitLengthWithMostSignificantBitSetFailsWith1002() {
        Protocol client = open(CLIENT);
        receive(client, "82 7f 8000000000000000");
        assertFailedWith(client, 1002);
    }

    @Test
    void serverReceiving64BitLengthWithMostSignificantBitSetFailsWith1002() {
        Protocol server = open(SERVER);
        receive(server, "82 ff ffffffffffffffff 37fa213d");
        // 1002 rather than 1009: the length is not too big, it is not a length at all.
        assertFailedWith(server, 1002);
    }

    static Stream<Arguments> reservedOpcodes() {
        List<Arguments> arguments = new ArrayList<>();
        for (Side side : Side.values()) {
            for (int opcode : new int[] {0x3, 0x4, 0x5, 0x6, 0x7, 0xB, 0xC, 0xD, 0xE, 0xF}) {
                arguments.add(Arguments.of(side, opcode));
            }
        }
        return arguments.stream();
    }

    @ParameterizedTest(name = "{0} receiving opcode {1}")
    @MethodSource("reservedOpcodes")
    void reservedOpcodeFailsWith1002AsSoonAsTheFirstTwoBytesArrive(Side side, int opcode) {
        Protocol p = open(side);
        byte[] wire = bytes(frame(peer(side), 0x80 | opcode, "00"));
        receive(p, wire, 0, 2);
        assertFailedWith(p, 1002);
        receive(p, wire, 2, wire.length);
        assertEvents(p);
        assertSent(p, "");
    }

    static Stream<Arguments> reservedBits() {
        List<Arguments> arguments = new ArrayList<>();
        for (Side side : Side.values()) {
            for (int b0 : new int[] {0xC1, 0xA1, 0x91, 0xF1, 0xC2, 0xC9, 0x40}) {
                arguments.add(Arguments.of(side, b0));
            }
        }
        return arguments.stream();
    }

    @ParameterizedTest(name = "{0} receiving first byte {1}")
    @MethodSource("reservedBits")
    void reservedBitsWithoutNegotiatedExtensionFailWith1002(Side side, int b0) {
        Protocol p = open(side);
        if (b0 == 0x40) {
            receive(p, frame(peer(side), 0x01, "48"));
        }
        receive(p, frame(peer(side), b0, "48"));
        assertFailedWith(p, 1002);
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void nothingIsProcessedAfterAFramingError(Side side) {
        Protocol p = open(side);
        receive(p, frame(peer(side), 0x83, "") + frame(peer(side), 0x81, "6869") + frame(peer(side), 0x89, ""));
        assertFailedWith(p, 1002);
        receive(p, frame(peer(side), 0x81, "6869"));
        assertEvents(p);
        assertSent(p, "");
    }

    /** The header of a frame as the peer of {@code side} sends it: opcode BINARY, then the length, then a key. */
    private static byte[] headerOf(Side side, String encodedLength) {
        byte[] len = bytes(encodedLength);
        if (side == SERVER) {
            len[0] |= (byte) 0x80;
        }
        return bytes("82" + hex(len) + (side == SERVER ? "37fa213d" : ""));
    }
}
