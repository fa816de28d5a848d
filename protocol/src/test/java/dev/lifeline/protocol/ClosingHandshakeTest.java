package dev.lifeline.protocol;

import static dev.lifeline.protocol.Side.SERVER;
import static dev.lifeline.protocol.Wire.assertEvents;
import static dev.lifeline.protocol.Wire.assertSent;
import static dev.lifeline.protocol.Wire.closePayload;
import static dev.lifeline.protocol.Wire.frame;
import static dev.lifeline.protocol.Wire.open;
import static dev.lifeline.protocol.Wire.peer;
import static dev.lifeline.protocol.Wire.receive;
import static dev.lifeline.protocol.Wire.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * RFC 6455 §5.5.1 "Close" and §7 "Closing the Connection": the closing handshake from both sides, who closed
 * first, the echo of the code, the server closing TCP first (§7.1.1), what is still processed while CLOSING,
 * failing the connection (§7.1.7), and what a send after the close throws.
 */
class ClosingHandshakeTest {

    private static String eofIfServer(Side side) {
        return side == SERVER ? " EOF" : "";
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void peerClosingFirstIsAnsweredByEchoingItsCode(Side side) {
        Protocol p = open(side);
        receive(p, frame(peer(side), 0x88, closePayload(1001, "bye")));
        assertEvents(p, "CloseReceived 1001 (going away) \"bye\"");
        assertSent(p, frame(side, 0x88, "03e9") + eofIfServer(side));
        assertThat(p.state()).isEqualTo(State.CLOSING);
        assertThat(p.closeReceived()).contains(CloseStatus.of(1001, "bye"));
        assertThat(p.closeSent()).contains(CloseStatus.of(1001, ""));
        assertThat(p.receivedThenSent()).isTrue();
        assertThat(p.closeExpected()).isTrue();
        assertThat(p.closingHandshakeDone()).as("our echo is queued: both Close frames crossed").isTrue();
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void emptyCloseIsAnsweredWithAnEmptyClose(Side side) {
        Protocol p = open(side);
        receive(p, frame(peer(side), 0x88, ""));
        assertEvents(p, "CloseReceived 1005 (no status received)");
        assertSent(p, frame(side, 0x88, "") + eofIfServer(side));
        p.receiveEof();
        assertThat(p.takeEvents()).singleElement().isInstanceOfSatisfying(Event.Closed.class,
                closed -> assertThat(closed.exception()).isInstanceOf(ConnectionClosedOkException.class));
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void closingFirstWaitsForThePeersCloseThenForTcpToClose(Side side) {
        Protocol p = open(side);
        p.sendClose(CloseCode.NORMAL_CLOSURE, "bye");
        assertSent(p, frame(side, 0x88, closePayload(1000, "bye")));
        assertThat(p.state()).isEqualTo(State.CLOSING);
        assertThat(p.closeExpected()).isTrue();
        assertThat(p.closingHandshakeDone()).as("the peer's Close has not come yet").isFalse();

        receive(p, frame(peer(side), 0x88, "03e8"));
        assertThat(p.closingHandshakeDone()).isTrue();
        assertEvents(p, "CloseReceived 1000 (normal)");
        // §7.1.1: the server closes TCP first; the client waits for it.
        assertSent(p, eofIfServer(side));
        assertThat(p.state()).isEqualTo(State.CLOSING);
        assertThat(p.receivedThenSent()).isFalse();

        p.receiveEof();
        assertThat(p.state()).isEqualTo(State.CLOSED);
        assertSent(p, side == SERVER ? "" : "EOF");
        List<Event> events = p.takeEvents();
        assertThat(events).singleElement().isInstanceOfSatisfying(Event.Closed.class, closed -> {
            assertThat(closed.exception()).isInstanceOf(ConnectionClosedOkException.class);
            assertThat(closed.exception().sent()).contains(CloseStatus.of(1000, "bye"));
            assertThat(closed.exception().received()).contains(CloseStatus.of(1000, ""));
            assertThat(closed.exception().receivedThenSent()).isFalse();
            assertThat(closed.exception().code()).isEqualTo(CloseCode.NORMAL_CLOSURE);
        });
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void fullClosingHandshakeInMemoryRecordsWhoClosedFirst(Side initiator) {
        Wire.Pair pair = Wire.connect(ProtocolConfig.DEFAULT);
        Protocol first = pair.get(initiator);
        Protocol second = pair.get(peer(initiator));
        first.sendClose(CloseCode.GOING_AWAY, "leaving");
        assertThat(first.state()).isEqualTo(State.CLOSING);
        Wire.pipe(first, second);
        assertThat(second.state()).isEqualTo(State.CLOSING);
        Wire.pipe(second, first);
        Wire.pipe(first, second);
        Wire.pipe(second, first);
        assertThat(first.state()).isEqualTo(State.CLOSED);
        assertThat(second.state()).isEqualTo(State.CLOSED);
        assertThat(first.receivedThenSent()).isFalse();
        assertThat(second.receivedThenSent()).isTrue();
        assertThat(first.closeReceived()).contains(CloseStatus.of(1001, ""));
        assertThat(second.closeReceived()).contains(CloseStatus.of(1001, "leaving"));
        assertThat(Wire.events(first)).containsExactly("CloseReceived 1001 (going away)", "Closed 1001");
        assertThat(Wire.events(second)).containsExactly("CloseReceived 1001 (going away) \"leaving\"", "Closed 1001");
        assertThat(first.hasOutbound()).isFalse();
        assertThat(second.hasOutbound()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void stateGoesFromOpenToClosingToClosedOnEof(Side side) {
        Protocol p = open(side);
        assertThat(p.state()).isEqualTo(State.OPEN);
        receive(p, frame(peer(side), 0x88, "03e8"));
        assertThat(p.state()).isEqualTo(State.CLOSING);
        p.receiveEof();
        assertThat(p.state()).isEqualTo(State.CLOSED);
        assertEvents(p, "CloseReceived 1000 (normal)", "Closed 1000");
        p.receiveEof();
        assertEvents(p);
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void dataAfterAReceivedCloseIsIgnored(Side side) {
        Protocol p = open(side);
        receive(p, frame(peer(side), 0x88, "03e8") + frame(peer(side), 0x81, utf8("late")) + frame(peer(side), 0x89, ""));
        assertEvents(p, "CloseReceived 1000 (normal)");
        assertSent(p, frame(side, 0x88, "03e8") + eofIfServer(side));
        receive(p, frame(peer(side), 0x81, utf8("later")) + "ff ff ff");
        assertEvents(p);
        assertSent(p, "");
        assertThat(p.failure()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void dataReceivedAfterWeSentCloseIsStillDelivered(Side side) {
        Protocol p = open(side);
        p.sendClose(CloseCode.NORMAL_CLOSURE, "");
        assertSent(p, frame(side, 0x88, "03e8"));
        receive(p, frame(peer(side), 0x81, utf8("in flight")) + frame(peer(side), 0x01, utf8("a")));
        receive(p, frame(peer(side), 0x80, utf8("b")));
        assertEvents(p, "Text in flight", "Text ab");
        receive(p, frame(peer(side), 0x88, "03e8"));
        assertEvents(p, "CloseReceived 1000 (normal)");
        assertSent(p, eofIfServer(side));
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void everySendAfterTheClosingHandshakeThrowsConnectionClosedOk(Side side) {
        Protocol p = open(side);
        receive(p, frame(peer(side), 0x88, closePayload(1000, "done")));
        p.receiveEof();
        p.takeOutbound();
        for (Executable send : allSends(p)) {
            ConnectionClosedException e = catchClosed(send);
            assertThat(e).isInstanceOf(ConnectionClosedOkException.class);
            assertThat(e.sent()).contains(CloseStatus.of(1000, ""));
            assertThat(e.received()).contains(CloseStatus.of(1000, "done"));
            assertThat(e.receivedThenSent()).isTrue();
            assertThat(e.reason()).isEqualTo("done");
        }
        assertSent(p, "");
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void sendAfterThePeerClosedWithAnErrorThrowsConnectionClosedError(Side side) {
        Protocol p = open(side);
        receive(p, frame(peer(side), 0x88, closePayload(1011, "oops")));
        p.takeOutbound();
        ConnectionClosedException e = catchClosed(() -> p.sendText("late"));
        assertThat(e).isInstanceOf(ConnectionClosedErrorException.class);
        assertThat(e.code()).isEqualTo(CloseCode.INTERNAL_ERROR);
        assertThat(e.received()).contains(CloseStatus.of(1011, "oops"));
        assertThat(e.sent()).contains(CloseStatus.of(1011, ""));
        assertThat(e).hasMessage("received 1011 (internal error) \"oops\"; then sent 1011 (internal error)");
        assertSent(p, "");
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void sendWhileWaitingForThePeersCloseThrowsWithOnlyOurCloseFrame(Side side) {
        Protocol p = open(side);
        p.sendClose(CloseCode.NORMAL_CLOSURE, "bye");
        p.takeOutbound();
        for (Executable send : allSends(p)) {
            ConnectionClosedException e = catchClosed(send);
            assertThat(e).isInstanceOf(ConnectionClosedErrorException.class);
            assertThat(e.sent()).contains(CloseStatus.of(1000, "bye"));
            assertThat(e.received()).isEmpty();
            assertThat(e.code()).isEqualTo(CloseCode.ABNORMAL_CLOSURE);
        }
        assertSent(p, "");
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void eofWithoutCloseFrameIsAnAbnormalClosure1006(Side side) {
        Protocol p = open(side);
        p.receiveEof();
        assertThat(p.state()).isEqualTo(State.CLOSED);
        assertThat(p.takeEvents()).singleElement().isInstanceOfSatisfying(Event.Closed.class, closed -> {
            assertThat(closed.exception()).isInstanceOf(ConnectionClosedErrorException.class);
            assertThat(closed.exception().code().value()).isEqualTo(1006);
            assertThat(closed.exception().sent()).isEmpty();
            assertThat(closed.exception().received()).isEmpty();
        });
        assertSent(p, "EOF");
        assertThat(catchClosed(() -> p.sendText("x")).code().value()).isEqualTo(1006);
        receive(p, frame(peer(side), 0x81, "61"));
        assertEvents(p);
        assertSent(p, "");
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void eofAfterOurCloseButBeforeThePeersIs1006(Side side) {
        Protocol p = open(side);
        p.sendClose(CloseCode.NORMAL_CLOSURE, "");
        p.takeOutbound();
        p.receiveEof();
        assertEvents(p, "Closed 1006");
        assertSent(p, "EOF");
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void failFromOpenSendsACloseFrameAndTheServerClosesTcp(Side side) {
        Protocol p = open(side);
        p.fail(CloseCode.POLICY_VIOLATION, "nope");
        assertSent(p, frame(side, 0x88, closePayload(1008, "nope")) + eofIfServer(side));
        assertThat(p.state()).isEqualTo(State.CLOSING);
        assertThat(p.closeSent()).contains(CloseStatus.of(1008, "nope"));
        assertThat(p.closeExpected()).isTrue();
        receive(p, frame(peer(side), 0x81, "61") + frame(peer(side), 0x89, "") + frame(peer(side), 0x88, "03e8"));
        assertEvents(p);
        assertSent(p, "");
        assertThat(p.closingHandshakeDone()).as("a failed connection processes no Close: it waits for TCP's end")
                .isFalse();
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void failWhileClosingSendsNoSecondCloseFrame(Side side) {
        Protocol p = open(side);
        p.sendClose(CloseCode.NORMAL_CLOSURE, "");
        p.takeOutbound();
        p.fail(CloseCode.PROTOCOL_ERROR, "late");
        assertSent(p, eofIfServer(side));
        assertThat(p.closeSent()).contains(CloseStatus.of(1000, ""));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "é   | 100 | 122",
        "€   | 50  | 123",
        "a€  | 50  | 121",
        "😀  | 40  | 120",
        "x   | 123 | 123",
        "x   | 200 | 123",
    })
    void failCutsALongReasonAtACharacterBoundaryWithin123Bytes(String unit, int times, int expectedBytes) {
        Protocol p = open(SERVER);
        String reason = unit.repeat(times);
        p.fail(CloseCode.INTERNAL_ERROR, reason);
        String sent = p.closeSent().orElseThrow().reason();
        byte[] utf8 = sent.getBytes(StandardCharsets.UTF_8);
        assertThat(utf8).hasSize(expectedBytes);
        assertThat(reason).startsWith(sent);
        assertSent(p, frame(SERVER, 0x88, "03f3" + Wire.hex(utf8)) + " EOF");
    }

    @ParameterizedTest
    @CsvSource({"1005, reason", "1006, ''", "999, ''", "1004, ''", "1015, ''", "5000, ''"})
    void sendCloseWithACodeNotAllowedOnTheWireThrowsIllegalArgument(int code, String reason) {
        Protocol p = open(SERVER);
        assertThatThrownBy(() -> p.sendClose(CloseCode.of(code), reason)).isInstanceOf(IllegalArgumentException.class);
        assertSent(p, "");
        assertThat(p.state()).isEqualTo(State.OPEN);
        assertThat(p.closeSent()).isEmpty();
    }

    @Test
    void sendCloseWithAReasonOver123BytesThrowsIllegalArgument() {
        Protocol p = open(SERVER);
        assertThatThrownBy(() -> p.sendClose(CloseCode.NORMAL_CLOSURE, "x".repeat(124)))
                .isInstanceOf(IllegalArgumentException.class);
        assertSent(p, "");
        p.sendClose(CloseCode.NORMAL_CLOSURE, "x".repeat(123));
        assertSent(p, "88 7d 03e8" + utf8("x".repeat(123)));
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void sendCloseWith1005AndNoReasonSendsAnEmptyCloseFrame(Side side) {
        Protocol p = open(side);
        p.sendClose(CloseCode.NO_STATUS_RECEIVED, "");
        assertSent(p, frame(side, 0x88, ""));
        assertThat(p.closeSent()).contains(CloseStatus.of(1005, ""));
    }

    private static List<Executable> allSends(Protocol p) {
        ByteBuffer empty = ByteBuffer.allocate(0);
        return List.of(() -> p.sendText("x"), () -> p.sendText(empty, true), () -> p.sendBinary(empty, true),
                () -> p.sendContinuation(empty, true), () -> p.sendPing(empty), () -> p.sendPong(empty),
                () -> p.sendClose(CloseCode.NORMAL_CLOSURE, ""), () -> p.sendClose(CloseCode.GOING_AWAY, "again"));
    }

    private static ConnectionClosedException catchClosed(Executable send) {
        Throwable thrown = catchThrowable(send::execute);
        assertThat(thrown).isInstanceOf(ConnectionClosedException.class);
        return (ConnectionClosedException) thrown;
    }
}
