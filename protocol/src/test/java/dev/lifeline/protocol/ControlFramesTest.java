package dev.lifeline.protocol;

import static dev.lifeline.protocol.Wire.assertEvents;
import static dev.lifeline.protocol.Wire.assertFailedWith;
import static dev.lifeline.protocol.Wire.assertSent;
import static dev.lifeline.protocol.Wire.bytes;
import static dev.lifeline.protocol.Wire.frame;
import static dev.lifeline.protocol.Wire.hex;
import static dev.lifeline.protocol.Wire.open;
import static dev.lifeline.protocol.Wire.pattern;
import static dev.lifeline.protocol.Wire.peer;
import static dev.lifeline.protocol.Wire.receive;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
 * RFC 6455 §5.5 "Control Frames": at most 125 bytes of payload and never fragmented (else 1002); §5.5.2 a Ping is
 * answered with a Pong carrying the same payload; §5.5.3 a Pong may be unsolicited and is never answered.
 */
class ControlFramesTest {

    @ParameterizedTest
    @EnumSource(Side.class)
    void pingIsAnsweredWithPongCarryingTheSamePayload(Side side) {
        Protocol p = open(side);
        receive(p, frame(peer(side), 0x89, "0102ff"));
        assertEvents(p, "Ping 0102ff");
        assertSent(p, frame(side, 0x8a, "0102ff"));
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void emptyPingIsAnsweredWithEmptyPong(Side side) {
        Protocol p = open(side);
        receive(p, frame(peer(side), 0x89, ""));
        assertEvents(p, "Ping ");
        assertSent(p, side == Side.CLIENT ? "8a 80 37fa213d" : "8a 00");
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void pingOf125BytesIsAnswered(Side side) {
        Protocol p = open(side);
        receive(p, frame(peer(side), 0x89, pattern(125)));
        assertThat(p.takeEvents()).singleElement().isInstanceOfSatisfying(Event.Ping.class,
                ping -> assertThat(ping.payload()).isEqualTo(pattern(125)));
        assertSent(p, frame(side, 0x8a, pattern(125)));
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void eachPingIsAnsweredInOrder(Side side) {
        Protocol p = open(side);
        receive(p, frame(peer(side), 0x89, "01") + frame(peer(side), 0x89, "02"));
        assertEvents(p, "Ping 01", "Ping 02");
        assertSent(p, frame(side, 0x8a, "01") + frame(side, 0x8a, "02"));
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void pingSplitAcrossReadsIsAnsweredOnceComplete(Side side) {
        Protocol p = open(side);
        byte[] wire = bytes(frame(peer(side), 0x89, "48656c6c6f"));
        for (int i = 0; i < wire.length - 1; i++) {
            receive(p, wire, i, i + 1);
            assertEvents(p);
            assertSent(p, "");
        }
        receive(p, wire, wire.length - 1, wire.length);
        assertEvents(p, "Ping 48656c6c6f");
        assertSent(p, frame(side, 0x8a, "48656c6c6f"));
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void pongIsReportedAndNotAnswered(Side side) {
        Protocol p = open(side);
        receive(p, frame(peer(side), 0x8a, "cafe"));
        assertEvents(p, "Pong cafe");
        assertSent(p, "");
    }

    static Stream<Arguments> controlOpcodes() {
        List<Arguments> arguments = new ArrayList<>();
        for (Side side : Side.values()) {
            for (int opcode : new int[] {0x8, 0x9, 0xA}) {
                arguments.add(Arguments.of(side, opcode));
            }
        }
        return arguments.stream();
    }

    @ParameterizedTest(name = "{0} receiving opcode {1} without FIN")
    @MethodSource("controlOpcodes")
    void fragmentedControlFrameFailsWith1002(Side side, int opcode) {
        Protocol p = open(side);
        receive(p, frame(peer(side), opcode, ""));
        assertFailedWith(p, 1002);
    }

    @ParameterizedTest(name = "{0} receiving opcode {1} with 126 bytes")
    @MethodSource("controlOpcodes")
    void controlFrameLongerThan125BytesFailsWith1002BeforeItsPayload(Side side, int opcode) {
        Protocol p = open(side);
        byte[] wire = bytes(frame(peer(side), 0x80 | opcode, pattern(126)));
        receive(p, wire, 0, 2);
        assertFailedWith(p, 1002);
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void controlFrameWith16BitLengthFailsWith1002EvenWhenTheLengthIsSmall(Side side) {
        Protocol p = open(side);
        receive(p, side == Side.CLIENT ? "89 7e 0001 00" : "89 fe 0001 37fa213d 00");
        assertFailedWith(p, 1002);
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void sendPingAndSendPongWriteTheirPayload(Side side) {
        Protocol p = open(side);
        p.sendPing(ByteBuffer.wrap(bytes("01020304")));
        p.sendPong(ByteBuffer.wrap(pattern(125)));
        assertSent(p, frame(side, 0x89, "01020304") + frame(side, 0x8a, pattern(125)));
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void sendingAPingOver125BytesThrowsIllegalArgumentAndSendsNothing(Side side) {
        Protocol p = open(side);
        assertThatThrownBy(() -> p.sendPing(ByteBuffer.wrap(pattern(126))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> p.sendPong(ByteBuffer.wrap(pattern(126))))
                .isInstanceOf(IllegalArgumentException.class);
        assertSent(p, "");
        assertThat(p.state()).isEqualTo(State.OPEN);
    }

    @Test
    void sendingAPingBeforeTheHandshakeThrowsInvalidState() {
        Protocol client = Wire.client(ProtocolConfig.DEFAULT);
        assertThatThrownBy(() -> client.sendPing(ByteBuffer.allocate(0))).isInstanceOf(InvalidStateException.class);
        assertSent(client, "");
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void pingReceivedAfterWeSentCloseIsReportedButNotAnswered(Side side) {
        Protocol p = open(side);
        p.sendClose(CloseCode.NORMAL_CLOSURE, "");
        assertSent(p, frame(side, 0x88, "03e8"));
        receive(p, frame(peer(side), 0x89, "01"));
        assertEvents(p, "Ping 01");
        assertSent(p, "");
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void pongPayloadIsCopiedOutOfTheReadBuffer(Side side) {
        Protocol p = open(side);
        receive(p, frame(peer(side), 0x8a, "0102") + frame(peer(side), 0x8a, "0304"));
        List<Event> events = p.takeEvents();
        assertThat(events).extracting(e -> hex(((Event.Pong) e).payload())).containsExactly("0102", "0304");
    }
}
