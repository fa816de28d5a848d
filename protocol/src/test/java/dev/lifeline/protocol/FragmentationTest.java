package dev.lifeline.protocol;

import static dev.lifeline.protocol.Side.CLIENT;
import static dev.lifeline.protocol.Side.SERVER;
import static dev.lifeline.protocol.Wire.assertEvents;
import static dev.lifeline.protocol.Wire.assertFailedWith;
import static dev.lifeline.protocol.Wire.assertSent;
import static dev.lifeline.protocol.Wire.frame;
import static dev.lifeline.protocol.Wire.open;
import static dev.lifeline.protocol.Wire.peer;
import static dev.lifeline.protocol.Wire.receive;
import static dev.lifeline.protocol.Wire.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * RFC 6455 §5.4 "Fragmentation": a message is a TEXT or BINARY frame without FIN, CONTINUATION frames, then one
 * with FIN; control frames MAY be injected in the middle; fragments of different messages MUST NOT interleave.
 * Receiving and sending, from both sides.
 */
class FragmentationTest {

    @ParameterizedTest
    @EnumSource(Side.class)
    void fragmentsAreReassembledIntoOneMessage(Side side) {
        Protocol p = open(side);
        receive(p, frame(peer(side), 0x01, utf8("Hel")));
        receive(p, frame(peer(side), 0x00, utf8("l")));
        assertEvents(p);
        receive(p, frame(peer(side), 0x80, utf8("o")));
        assertEvents(p, "Text Hello");
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void pingInTheMiddleOfAFragmentedMessageIsAnsweredAtOnce(Side side) {
        Protocol p = open(side);
        receive(p, frame(peer(side), 0x02, "0102"));
        receive(p, frame(peer(side), 0x89, "6869"));
        assertEvents(p, "Ping 6869");
        assertSent(p, frame(side, 0x8a, "6869"));
        receive(p, frame(peer(side), 0x80, "03"));
        assertEvents(p, "Binary 010203");
        assertSent(p, "");
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void controlFramesBetweenFragmentsArriveInWireOrder(Side side) {
        Protocol p = open(side);
        receive(p, frame(peer(side), 0x01, utf8("a")) + frame(peer(side), 0x8a, "01") + frame(peer(side), 0x00, utf8("b"))
                + frame(peer(side), 0x89, "02") + frame(peer(side), 0x80, utf8("c")) + frame(peer(side), 0x81, utf8("d")));
        assertEvents(p, "Pong 01", "Ping 02", "Text abc", "Text d");
        assertSent(p, frame(side, 0x8a, "02"));
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void continuationWithoutAMessageToContinueFailsWith1002(Side side) {
        Protocol p = open(side);
        receive(p, frame(peer(side), 0x80, utf8("lo")));
        assertFailedWith(p, 1002);
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void continuationAfterTheFinalFrameFailsWith1002(Side side) {
        Protocol p = open(side);
        receive(p, frame(peer(side), 0x81, utf8("Hel")));
        assertEvents(p, "Text Hel");
        receive(p, frame(peer(side), 0x00, utf8("lo")));
        assertFailedWith(p, 1002);
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void newTextMessageInsideAFragmentedMessageFailsWith1002(Side side) {
        Protocol p = open(side);
        receive(p, frame(peer(side), 0x01, utf8("Hel")));
        receive(p, frame(peer(side), 0x81, utf8("lo")));
        assertFailedWith(p, 1002);
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void newBinaryMessageInsideAFragmentedMessageFailsWith1002(Side side) {
        Protocol p = open(side);
        receive(p, frame(peer(side), 0x02, "01"));
        receive(p, frame(peer(side), 0x02, "02"));
        assertFailedWith(p, 1002);
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void emptyFragmentsMakeAnEmptyMessage(Side side) {
        Protocol p = open(side);
        receive(p, frame(peer(side), 0x01, "") + frame(peer(side), 0x00, "") + frame(peer(side), 0x80, ""));
        assertEvents(p, "Text ");
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void emptyFragmentsAroundDataAreHarmless(Side side) {
        Protocol p = open(side);
        receive(p, frame(peer(side), 0x02, "") + frame(peer(side), 0x00, "010203") + frame(peer(side), 0x00, "")
                + frame(peer(side), 0x80, ""));
        assertEvents(p, "Binary 010203");
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void manySmallFragmentsGrowTheMessage(Side side) {
        Protocol p = open(side);
        StringBuilder wire = new StringBuilder(frame(peer(side), 0x02, "00"));
        for (int i = 1; i < 9999; i++) {
            wire.append(frame(peer(side), 0x00, String.format("%02x", i & 0xFF)));
        }
        receive(p, wire + frame(peer(side), 0x80, "0f"));
        assertThat(p.takeEvents()).singleElement().isInstanceOfSatisfying(Event.Binary.class, binary -> {
            assertThat(binary.data()).hasSize(10000);
            for (int i = 0; i < 9999; i++) {
                assertThat(binary.data()[i]).isEqualTo((byte) i);
            }
        });
    }

    @Test
    void serverSendsAFragmentedBinaryMessage() {
        Protocol server = open(SERVER);
        server.sendBinary(bytes("01"), false);
        server.sendContinuation(bytes(""), false);
        server.sendContinuation(bytes("0203"), true);
        assertSent(server, "02 01 01  00 00  80 02 0203");
    }

    @Test
    void clientSendsAFragmentedTextMessageWithAPingInTheMiddle() {
        Protocol client = open(CLIENT);
        client.sendText(ByteBuffer.wrap("Hel".getBytes(StandardCharsets.UTF_8)), false);
        client.sendPing(bytes(""));
        client.sendContinuation(ByteBuffer.wrap("lo".getBytes(StandardCharsets.UTF_8)), true);
        assertSent(client, "01 83 37fa213d 7f9f4d  89 80 37fa213d  80 82 37fa213d 5b95");
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void aNewMessageMayStartOnceTheFragmentedOneIsFinished(Side side) {
        Protocol p = open(side);
        p.sendText(bytes("61"), false);
        p.sendContinuation(bytes("62"), true);
        p.sendBinary(bytes("63"), true);
        assertSent(p, frame(side, 0x01, "61") + frame(side, 0x80, "62") + frame(side, 0x82, "63"));
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void sendingAContinuationWithoutAMessageThrowsInvalidState(Side side) {
        Protocol p = open(side);
        assertThatThrownBy(() -> p.sendContinuation(bytes("01"), true)).isInstanceOf(InvalidStateException.class);
        p.sendText("done");
        assertThatThrownBy(() -> p.sendContinuation(bytes("01"), false)).isInstanceOf(InvalidStateException.class);
        assertSent(p, frame(side, 0x81, utf8("done")));
        assertThat(p.state()).isEqualTo(State.OPEN);
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void startingAMessageInsideAFragmentedOneThrowsInvalidState(Side side) {
        Protocol p = open(side);
        p.sendBinary(bytes("01"), false);
        assertSent(p, frame(side, 0x02, "01"));
        assertThatThrownBy(() -> p.sendText("x")).isInstanceOf(InvalidStateException.class);
        assertThatThrownBy(() -> p.sendBinary(bytes("02"), true)).isInstanceOf(InvalidStateException.class);
        assertThatThrownBy(() -> p.sendText(bytes("02"), false)).isInstanceOf(InvalidStateException.class);
        assertSent(p, "");
        p.sendContinuation(bytes("02"), true);
        assertSent(p, frame(side, 0x80, "02"));
    }

    private static ByteBuffer bytes(String hex) {
        return ByteBuffer.wrap(Wire.bytes(hex));
    }
}
