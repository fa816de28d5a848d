package dev.lifeline.interop;

import static dev.lifeline.interop.Interop.LIMIT;
import static dev.lifeline.interop.Interop.MULTI_BYTE;
import static dev.lifeline.interop.Interop.ONE_MIB;
import static dev.lifeline.interop.Interop.WAIT;
import static dev.lifeline.interop.Interop.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeline.Message;
import dev.lifeline.WebSocket;
import dev.lifeline.protocol.CloseCode;
import dev.lifeline.protocol.CloseStatus;
import dev.lifeline.protocol.ConnectionClosedException;
import dev.lifeline.protocol.State;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The scenarios every peer library takes part in, written once: data frames both ways (RFC 6455 §5.6), our
 * fragmented messages (§5.4), our Pings (§5.5.2, §5.5.3), and the closing handshake started by either side
 * (§5.5.1, §7.1.2, §7.4). A test class per peer implements {@link #open()}.
 */
@Timeout(30)
interface InteropScenarios {
    /** Opens a connection between us and the peer library; both ends are OPEN when it returns. */
    Link open() throws Exception;

    @Test
    default void textMessagesCrossBothWaysInOrder() throws Exception {
        try (Link link = open()) {
            crossBothWays(link, Message.text("one"), Message.text("two"), Message.text("three"));
        }
    }

    @Test
    default void multiByteUtf8TextCrossesBothWaysIntact() throws Exception {
        try (Link link = open()) {
            crossBothWays(link, Message.text(MULTI_BYTE));
        }
    }

    @Test
    default void binaryMessagesWithEveryByteValueCrossBothWays() throws Exception {
        byte[] everyByte = new byte[256];
        for (int i = 0; i < everyByte.length; i++) {
            everyByte[i] = (byte) i;
        }
        try (Link link = open()) {
            crossBothWays(link, Message.binary(everyByte));
        }
    }

    @Test
    default void emptyTextAndEmptyBinaryMessagesCrossBothWays() throws Exception {
        try (Link link = open()) {
            crossBothWays(link, Message.text(""), Message.binary(new byte[0]));
        }
    }

    @Test
    default void oneMebibyteTextAndBinaryMessagesCrossBothWays() throws Exception {
        try (Link link = open()) {
            crossBothWays(link, Message.text(Interop.oneMebibyteOfText()), Message.binary(randomBytes(ONE_MIB)));
        }
    }

    /** §5.4: an empty fragment and a surrogate pair split between two of our fragments still arrive whole. */
    @Test
    default void ourFragmentedMessagesArriveWholeAtThePeer() throws Exception {
        byte[] large = randomBytes(70_000); // a 64-bit extended payload length (§5.2)
        try (Link link = open()) {
            WebSocket ours = link.ours();
            ours.sendText("Hé", false);
            ours.sendText("", false);
            ours.sendText("llo \uD83C", false);
            ours.sendText("\uDF89 世界", true);
            assertThat(link.theirs().nextMessage()).isEqualTo(Message.text("Héllo 🎉 世界"));

            ours.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), false);
            ours.sendBinary(ByteBuffer.allocate(0), false);
            ours.sendBinary(ByteBuffer.wrap(large), true);
            assertThat(link.theirs().nextMessage()).isEqualTo(Message.binary(concat(new byte[] {1, 2, 3}, large)));
        }
    }

    /** §5.5.3: the peer answers each of our Pings; the round-trip time is reported and kept as the latency. */
    @Test
    default void ourPingsAreAnsweredWithTheRoundTripTime() throws Exception {
        try (Link link = open()) {
            assertThat(link.ours().latency()).isZero();
            for (int i = 0; i < 3; i++) {
                Duration rtt = Interop.await(link.ours().ping());
                assertThat(rtt).isPositive().isLessThan(WAIT);
                assertThat(link.ours().latency()).isEqualTo(rtt);
            }
        }
    }

    /**
     * §7.1.2, §5.5.1: our Close frame's code and reason reach the peer, which answers it (or, for a peer that may
     * close TCP without answering, our status says 1006 rather than pretend).
     */
    @ParameterizedTest(name = "{0} \"{1}\"")
    @MethodSource("dev.lifeline.interop.Interop#closeStatuses")
    default void ourCloseCodeAndReasonReachThePeer(int code, String reason) throws Exception {
        CloseStatus status = CloseStatus.of(code, reason);
        try (Link link = open()) {
            link.ours().close(CloseCode.of(code), reason);

            assertThat(link.theirs().closeReceived()).isEqualTo(status);
            link.theirs().awaitClosed();
            assertThat(link.theirs().errors()).isEmpty();
            assertThat(link.ours().state()).isEqualTo(State.CLOSED);
            ConnectionClosedException closed = link.ours().closedException().orElseThrow();
            assertThat(closed.sent()).contains(status);
            assertThat(closed.receivedThenSent()).isFalse();
            if (link.theirs().answersEveryClose()) {
                assertThat(closed.received()).isPresent();
            }
            CloseStatus answer = closed.received().orElse(CloseStatus.of(1006, "")); // 1006: TCP closed, no answer
            assertThat(link.ours().closeStatus()).contains(answer);
            assertThat(link.ours().closed()).succeedsWithin(WAIT).isEqualTo(answer);
        }
    }

    /**
     * The peer's Close frame is seen by our reader although nobody calls {@code receive()}: the state becomes
     * CLOSED, {@code closed()} completes with the peer's code and reason, we answer with its code (§5.5.1) and the
     * peer sees the closing handshake complete, and a send throws with both Close frames attached.
     */
    @ParameterizedTest(name = "{0} \"{1}\"")
    @MethodSource("dev.lifeline.interop.Interop#closeStatuses")
    default void peerCloseIsReflectedInOurStateWithoutReading(int code, String reason) throws Exception {
        CloseStatus status = CloseStatus.of(code, reason);
        CloseStatus echo = CloseStatus.of(code, "");
        try (Link link = open()) {
            link.theirs().close(code, reason);

            assertThat(link.ours().closed()).succeedsWithin(WAIT).isEqualTo(status);
            assertThat(link.ours().state()).isEqualTo(State.CLOSED);
            assertThat(link.ours().closeStatus()).contains(status);
            link.theirs().awaitClosed();
            assertThat(link.theirs().errors()).isEmpty();
            assertThatThrownBy(() -> link.ours().send("too late"))
                    .isInstanceOfSatisfying(ConnectionClosedException.class, e -> {
                        assertThat(e.received()).contains(status);
                        assertThat(e.sent()).contains(echo);
                        assertThat(e.receivedThenSent()).isTrue();
                    });
        }
    }

    /**
     * §5.5.1: data frames may precede the Close frame; what the peer sent before closing is still delivered after
     * {@code closed()} completes, and then iteration ends quietly (a normal close).
     */
    @Test
    default void messagesSentBeforeThePeerClosedAreStillReceived() throws Exception {
        try (Link link = open()) {
            link.theirs().sendText("last words");
            link.theirs().sendBinary(new byte[] {42});
            link.theirs().close(1000, "bye");
            assertThat(link.ours().closed()).succeedsWithin(WAIT).isEqualTo(CloseStatus.of(1000, "bye"));

            List<Message> rest = new ArrayList<>();
            for (Message m : link.ours()) {
                rest.add(m);
            }
            assertThat(rest).containsExactly(Message.text("last words"), Message.binary(new byte[] {42}));
        }
    }

    /** §7.4.1: a message above our size limit is refused with 1009; the peer receives that code. */
    @Test
    default void messageAboveOurLimitIsRefusedWith1009() throws Exception {
        try (Link link = open()) {
            link.theirs().sendBinary(randomBytes(LIMIT + 1));

            assertThat(link.theirs().closeReceived().code()).isEqualTo(CloseCode.MESSAGE_TOO_BIG);
            assertThat(link.ours().closed()).succeedsWithin(WAIT);
            assertThat(link.ours().closedException().orElseThrow().sent())
                    .hasValueSatisfying(sent -> assertThat(sent.code()).isEqualTo(CloseCode.MESSAGE_TOO_BIG));
            assertThatThrownBy(() -> link.ours().receive()).isInstanceOf(ConnectionClosedException.class);
        }
    }

    /** The peer sends these messages and we receive them in order; then we send them and the peer does. */
    static void crossBothWays(Link link, Message... messages) {
        for (Message m : messages) {
            link.theirs().send(m);
        }
        for (Message m : messages) {
            assertThat(next(link.ours())).isEqualTo(m);
        }
        for (Message m : messages) {
            link.ours().send(m);
        }
        for (Message m : messages) {
            assertThat(link.theirs().nextMessage()).isEqualTo(m);
        }
    }

    /** The next message we received, waiting at most {@link Interop#WAIT}. */
    static Message next(WebSocket ws) {
        return ws.receive(WAIT).orElseThrow(() -> new AssertionError("we received no message within " + WAIT));
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = new byte[a.length + b.length];
        System.arraycopy(a, 0, joined, 0, a.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }
}
