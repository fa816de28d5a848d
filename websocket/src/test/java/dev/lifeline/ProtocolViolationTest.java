package dev.lifeline;

import static dev.lifeline.Peers.PATIENCE;
import static dev.lifeline.Peers.await;
import static dev.lifeline.testing.RawPeer.BINARY;
import static dev.lifeline.testing.RawPeer.CLOSE;
import static dev.lifeline.testing.RawPeer.CONTINUATION;
import static dev.lifeline.testing.RawPeer.TEXT;
import static dev.lifeline.testing.RawPeer.frame;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.lifeline.protocol.CloseCode;
import dev.lifeline.protocol.ConnectionClosedErrorException;
import dev.lifeline.protocol.ProtocolException;
import dev.lifeline.protocol.State;
import dev.lifeline.testing.RawPeer;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Acceptance test 4: a peer that breaks the protocol gets a Close frame with the code of its violation (RFC 6455
 * §7.4.1: 1002 for masking errors, §5.1; 1007 for text that is not UTF-8, §8.1; 1009 for a message over the
 * limit, §10.4), our side closes, and its {@code ConnectionClosedException} says why (its cause is the
 * {@link ProtocolException}). The peer is a raw socket; our side is the client or the server.
 */
@Timeout(20)
class ProtocolViolationTest {
    private static final int LIMIT = 1024;
    private static final WebSocketOptions OPTIONS = WebSocketOptions.DEFAULT.withMaxMessageSize(LIMIT);
    private static final byte[] INVALID_UTF8 = {'o', 'k', (byte) 0xC3, 0x28};

    static Stream<Arguments> violations() {
        byte[] hello = "hello".getBytes(StandardCharsets.UTF_8);
        byte[] big = new byte[LIMIT + 1];
        byte[] half = new byte[LIMIT / 2 + 1];
        return Stream.of(
                arguments("server gets an unmasked frame", true, frame(true, TEXT, hello, false), 1002),
                arguments("client gets a masked frame", false, frame(true, TEXT, hello, true), 1002),
                arguments("server gets invalid UTF-8", true, frame(true, TEXT, INVALID_UTF8, true), 1007),
                arguments("client gets invalid UTF-8", false, frame(true, TEXT, INVALID_UTF8, false), 1007),
                arguments("server gets a frame over the limit", true, frame(true, BINARY, big, true), 1009),
                arguments("client gets a frame over the limit", false, frame(true, BINARY, big, false), 1009),
                arguments("server gets fragments over the limit", true, concat(frame(false, BINARY, half, true),
                        frame(true, CONTINUATION, half, true)), 1009),
                arguments("client gets fragments over the limit", false, concat(frame(false, BINARY, half, false),
                        frame(true, CONTINUATION, half, false)), 1009));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("violations")
    void violationGetsItsCloseCodeAndOurSideSaysWhy(String story, boolean oursIsServer, byte[] wire, int code)
            throws Exception {
        try (AgainstRaw raw = AgainstRaw.open(oursIsServer, OPTIONS)) {
            RawPeer peer = raw.peer;
            WebSocket ours = raw.ours;

            peer.write(wire);

            RawPeer.Frame close = peer.readUntil(CLOSE, PATIENCE);
            assertThat(close.closeCode()).as("close code sent to the peer").isEqualTo(code);
            if (oursIsServer) {
                // §7.1.1: the server closes TCP first (and, failing the connection, at once, §7.1.7)
                assertThat(peer.awaitEnd(PATIENCE)).as("our server closed TCP").isTrue();
            }
            peer.close();
            await(ours.closed());
            assertThat(ours.state()).isEqualTo(State.CLOSED);
            ConnectionClosedErrorException e =
                    catchThrowableOfType(ConnectionClosedErrorException.class, ours::receive);
            assertThat(e.sent()).hasValueSatisfying(sent -> {
                assertThat(sent.code()).isEqualTo(CloseCode.of(code));
                assertThat(sent.reason()).isEqualTo(close.closeReason()).isNotEmpty();
            });
            assertThat(e.getCause()).isInstanceOfSatisfying(ProtocolException.class,
                    cause -> assertThat(cause.closeCode()).isEqualTo(CloseCode.of(code)));
            assertThat(ours.closedException()).containsInstanceOf(ConnectionClosedErrorException.class);
            if (oursIsServer) {
                try (WebSocket next = WebSocketClient.connect(raw.serverUri().orElseThrow())) {
                    assertThat(next.state()).as("the server keeps serving others").isEqualTo(State.OPEN);
                }
            }
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
