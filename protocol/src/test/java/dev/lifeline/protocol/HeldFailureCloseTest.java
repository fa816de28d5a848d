package dev.lifeline.protocol;

import static dev.lifeline.protocol.Wire.assertEvents;
import static dev.lifeline.protocol.Wire.assertSent;
import static dev.lifeline.protocol.Wire.closePayload;
import static dev.lifeline.protocol.Wire.frame;
import static dev.lifeline.protocol.Wire.peer;
import static dev.lifeline.protocol.Wire.receive;
import static dev.lifeline.protocol.Wire.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * RFC 6455 §7.1.7 with {@link Protocol#holdFailureClose}: a violation behind messages is reported at once and stops
 * the processing of input, but its Close frame waits until the I/O layer releases it, so that the application's
 * answers to the messages before it go out first. Both sides.
 */
class HeldFailureCloseTest {
    private static final String REASON = "continuation frame without a message to continue";

    @ParameterizedTest
    @EnumSource(Side.class)
    void aViolationBehindAMessageIsReportedButItsCloseWaitsAndSendsStillWork(Side side) {
        Protocol p = held(side);
        receive(p, frame(peer(side), 0x81, utf8("hello")) + frame(peer(side), 0x80, "00")
                + frame(peer(side), 0x81, utf8("ignored")));
        assertEvents(p, "Text hello", "Failed 1002");
        assertThat(p.failureCloseHeld()).isTrue();
        assertThat(p.state()).isEqualTo(State.OPEN);
        assertThat(p.closeSent()).isEmpty();
        assertSent(p, "");

        p.sendText("hello");
        p.releaseFailureClose();

        assertThat(p.failureCloseHeld()).isFalse();
        assertThat(p.state()).isEqualTo(State.CLOSING);
        assertSent(p, frame(side, 0x81, utf8("hello")) + frame(side, 0x88, closePayload(1002, REASON))
                + (side == Side.SERVER ? " EOF" : ""));
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void closingWhileTheViolationsCloseIsHeldSendsThatClose(Side side) {
        Protocol p = held(side);
        receive(p, frame(peer(side), 0x80, "00"));
        p.takeEvents();
        p.sendClose(CloseCode.NORMAL_CLOSURE, "bye");
        assertSent(p, frame(side, 0x88, closePayload(1002, REASON)) + (side == Side.SERVER ? " EOF" : ""));
        assertThat(p.closeSent().orElseThrow().code()).isEqualTo(CloseCode.PROTOCOL_ERROR);
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void failingWhileTheViolationsCloseIsHeldSendsThatClose(Side side) {
        Protocol p = held(side);
        receive(p, frame(peer(side), 0x81, new byte[] {'o', 'k', (byte) 0xC3, 0x28}));
        p.takeEvents();
        p.fail(CloseCode.INTERNAL_ERROR, "keepalive");
        assertThat(p.closeSent().orElseThrow().code()).isEqualTo(CloseCode.INVALID_PAYLOAD);
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void theEndOfTcpWhileTheCloseIsHeldSendsNothing(Side side) {
        Protocol p = held(side);
        receive(p, frame(peer(side), 0x80, "00"));
        p.receiveEof();
        assertThat(p.failureCloseHeld()).isFalse();
        assertThat(p.closeSent()).isEmpty();
        assertThat(p.state()).isEqualTo(State.CLOSED);
        p.releaseFailureClose();
        assertSent(p, "EOF");
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void withoutHoldingTheCloseGoesOutAtOnce(Side side) {
        Protocol p = Wire.open(side);
        receive(p, frame(peer(side), 0x81, utf8("hello")) + frame(peer(side), 0x80, "00"));
        assertThat(p.failureCloseHeld()).isFalse();
        assertThat(p.closeSent().orElseThrow().code()).isEqualTo(CloseCode.PROTOCOL_ERROR);
        assertThatThrownBy(() -> p.sendText("late")).isInstanceOf(ConnectionClosedException.class);
    }

    private static Protocol held(Side side) {
        Protocol p = Wire.open(side);
        p.holdFailureClose(true);
        return p;
    }
}
