package dev.lifeline;

import static dev.lifeline.Peers.PATIENCE;
import static dev.lifeline.testing.RawPeer.BINARY;
import static dev.lifeline.testing.RawPeer.CLOSE;
import static dev.lifeline.testing.RawPeer.CONTINUATION;
import static dev.lifeline.testing.RawPeer.TEXT;
import static dev.lifeline.testing.RawPeer.frame;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.testing.RawPeer;
import dev.lifeline.testing.RawServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * RFC 6455 §7.1.7 lets an endpoint fail the connection at once when the peer breaks the protocol, but what the
 * application sent before that was sent before it: a peer sends valid messages and, behind them (in the same TCP
 * segment or the next), a frame that breaks the protocol; our echo of every valid message goes out before our Close
 * frame, which carries the violation's code. From both sides, in the handler and the listener styles, with batched
 * replies on (the default) and off, for each kind of violation: a reserved RSV bit, a reserved opcode, a continuation
 * with nothing to continue (1002), text that is not UTF-8 (1007), a message over the limit (1009). Also when they
 * all come in the same segment as the server's 101, before the client's connection exists.
 */
@Timeout(60)
class RepliesBeforeViolationTest {
    private static final int LIMIT = 1024;
    private static final List<String> MESSAGES = List.of("one", "two", "three");

    /** A violation: the frame's first byte and payload, the close code it earns. */
    private record Violation(String name, int b0, byte[] payload, int code) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final List<Violation> VIOLATIONS = List.of(
            new Violation("reserved RSV1 bit", 0x80 | 0x40 | TEXT, bytes("x"), 1002),
            new Violation("reserved opcode 0x3", 0x83, bytes("x"), 1002),
            new Violation("continuation with nothing to continue", 0x80 | CONTINUATION, bytes("x"), 1002),
            new Violation("invalid UTF-8", 0x80 | TEXT, new byte[] {'o', 'k', (byte) 0xC3, 0x28}, 1007),
            new Violation("message over the limit", 0x80 | BINARY, new byte[LIMIT + 1], 1009));

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (Violation violation : VIOLATIONS) {
            for (boolean oursIsServer : new boolean[] {true, false}) {
                for (boolean listener : new boolean[] {true, false}) {
                    for (boolean batched : new boolean[] {true, false}) {
                        for (boolean oneSegment : new boolean[] {true, false}) {
                            cases.add(Arguments.of(violation, oursIsServer, listener, batched, oneSegment));
                        }
                    }
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}: ours is the server {1}, listener {2}, batched {3}, one segment {4}")
    @MethodSource("cases")
    void everyEchoOfWhatCameBeforeTheViolationGoesOutBeforeTheClose(Violation violation, boolean oursIsServer,
            boolean listener, boolean batched, boolean oneSegment) throws Exception {
        WebSocketOptions options = WebSocketOptions.DEFAULT.withMaxMessageSize(LIMIT).withBatchedReplies(batched);
        try (Echo echo = Echo.open(oursIsServer, listener, options)) {
            boolean masked = oursIsServer;
            ByteArrayOutputStream valid = new ByteArrayOutputStream();
            for (String message : MESSAGES) {
                valid.writeBytes(frame(true, TEXT, bytes(message), masked));
            }
            byte[] bad = frame(true, violation.b0() & 0x0F, violation.payload(), masked);
            bad[0] = (byte) violation.b0();
            if (oneSegment) {
                valid.writeBytes(bad);
                echo.peer.write(valid.toByteArray());
            } else {
                echo.peer.write(valid.toByteArray());
                echo.peer.write(bad);
            }

            assertEchoesThenClose(echo.peer, violation);
        }
    }

    static Stream<Arguments> behindTheHandshake() {
        List<Arguments> cases = new ArrayList<>();
        for (Violation violation : VIOLATIONS) {
            for (boolean listener : new boolean[] {true, false}) {
                cases.add(Arguments.of(violation, listener));
            }
        }
        return cases.stream();
    }

    /**
     * The messages and the violation arrive in the same segment as the server's 101: the client's connection opens
     * with them, and still echoes every message before its Close, without waiting for {@code closeTimeout}.
     */
    @ParameterizedTest(name = "{0}: listener {1}")
    @MethodSource("behindTheHandshake")
    void aClientEchoesWhatCameWithTheHandshakeBeforeTheViolationsClose(Violation violation, boolean listener)
            throws Exception {
        WebSocketOptions options = WebSocketOptions.DEFAULT.withMaxMessageSize(LIMIT)
                .withCloseTimeout(Duration.ofMinutes(5)); // a Close held that long fails the test's bound
        ByteArrayOutputStream behind = new ByteArrayOutputStream();
        for (String message : MESSAGES) {
            behind.writeBytes(frame(true, TEXT, bytes(message), false));
        }
        byte[] bad = frame(true, violation.b0() & 0x0F, violation.payload(), false);
        bad[0] = (byte) violation.b0();
        behind.writeBytes(bad);
        try (Echo echo = Echo.client(listener, options, behind.toByteArray())) {
            assertEchoesThenClose(echo.peer, violation);
        }
    }

    /** The peer receives the echo of every message, then our Close with the violation's code. */
    private static void assertEchoesThenClose(RawPeer peer, Violation violation) throws IOException {
        List<String> echoed = new ArrayList<>();
        RawPeer.Frame frame;
        while ((frame = peer.readFrame(PATIENCE)).opcode() != CLOSE) {
            assertThat(frame.opcode()).as("a frame before the Close").isEqualTo(TEXT);
            echoed.add(frame.text());
        }
        assertThat(echoed).as("echoes before the Close").isEqualTo(MESSAGES);
        assertThat(frame.closeCode()).as("close code").isEqualTo(violation.code());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Our echoing endpoint, client or server, handler or listener style, and the raw peer at the other end. */
    private static final class Echo implements AutoCloseable {
        private static final WebSocketListener ECHO = (ws, message) -> ws.send(message);

        final RawPeer peer;
        private final AutoCloseable owner;

        private Echo(RawPeer peer, AutoCloseable owner) {
            this.peer = peer;
            this.owner = owner;
        }

        static Echo open(boolean oursIsServer, boolean listener, WebSocketOptions options) throws Exception {
            if (oursIsServer) {
                WebSocketServer.Builder builder = listener ? WebSocketServer.builder(ECHO)
                        : WebSocketServer.builder(Echo::echoAll);
                WebSocketServer server = builder.options(options).start();
                return new Echo(RawPeer.connect(server.port()), server);
            }
            return client(listener, options, new byte[0]);
        }

        /** Our client, whose raw server sends {@code behind} in the same write as its 101. */
        static Echo client(boolean listener, WebSocketOptions options, byte[] behind) throws Exception {
            RawServer server = RawServer.start();
            CompletableFuture<WebSocket> opening = CompletableFuture.supplyAsync(() -> {
                try {
                    WebSocketClient client = WebSocketClient.builder().options(options).build();
                    return listener ? client.open(server.uri("/"), ECHO) : client.open(server.uri("/"));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            RawPeer peer = RawPeer.answer(server.acceptSocket(PATIENCE), behind);
            WebSocket ours = Peers.await(opening);
            if (!listener) {
                Thread.ofVirtual().name("echo-handler").start(() -> echoAll(ours));
            }
            return new Echo(peer, () -> {
                ours.abort();
                server.close();
            });
        }

        /** The handler style: echoes every message until the connection ends. */
        private static void echoAll(WebSocket ws) {
            try {
                for (Message message : ws) {
                    ws.send(message);
                }
            } catch (dev.lifeline.protocol.ConnectionClosedException e) {
                // the violation ends the connection: what this handler sees after its last echo
            }
        }

        @Override
        public void close() throws Exception {
            peer.close();
            owner.close();
        }
    }
}
