package dev.lifeline;

import static dev.lifeline.Peers.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.lifeline.protocol.CloseCode;
import dev.lifeline.protocol.CloseStatus;
import dev.lifeline.protocol.ConnectionClosedErrorException;
import dev.lifeline.protocol.ConnectionClosedException;
import dev.lifeline.protocol.ConnectionClosedOkException;
import dev.lifeline.protocol.State;
import dev.lifeline.testing.RawPeer;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Acceptance test 1, the story Lifeline exists for: the peer closes right after the opening handshake and this side
 * never calls {@code receive()}. The Close frame (RFC 6455 §5.5.1) still changes the state: {@code closed()}
 * completes although nothing ever reads, {@code state()} is CLOSED, and the next {@code send()} throws with the
 * peer's Close frame attached. Run from both sides, with a normal and an abnormal code. How soon after the peer's
 * {@code close} this happens is measured by the bench ({@code bench/closing}), not asserted here.
 */
@Timeout(20)
class CloseWithoutReadingTest {
    @ParameterizedTest(name = "close code {0}")
    @ValueSource(ints = {1000, 1011})
    void clientThatNeverReadsSeesTheServerClose(int code) throws Exception {
        try (WebSocketServer server = WebSocketServer.builder(ws -> ws.close(CloseCode.of(code), "bye")).start();
                WebSocket client = WebSocketClient.connect(Peers.uri(server))) {
            await(client.closed());
            assertClosedByPeerWithoutReading(client, code);
        }
    }

    @ParameterizedTest(name = "close code {0}")
    @ValueSource(ints = {1000, 1011})
    void serverThatNeverReadsSeesTheClientClose(int code) throws Exception {
        CompletableFuture<WebSocket> serverSide = new CompletableFuture<>();
        try (WebSocketServer server = WebSocketServer.builder(ws -> {
            serverSide.complete(ws);
            ws.closed().join();
        }).start()) {
            WebSocket client = WebSocketClient.connect(Peers.uri(server));
            WebSocket ours = await(serverSide);
            client.close(CloseCode.of(code), "bye");
            await(ours.closed());
            assertClosedByPeerWithoutReading(ours, code);
        }
    }

    /**
     * §5.5.1: "If an endpoint receives a Close frame and did not previously send a Close frame, the endpoint MUST
     * send a Close frame in response." A peer that half-closes TCP right behind its Close frame still gets it.
     */
    @ParameterizedTest(name = "ours is the server: {0}")
    @ValueSource(booleans = {false, true})
    void peerThatHalfClosesRightAfterItsCloseStillGetsTheAnswer(boolean oursIsServer) throws Exception {
        try (AgainstRaw raw = AgainstRaw.open(oursIsServer, WebSocketOptions.DEFAULT)) {
            raw.peer.sendClose(1001, "leaving");
            raw.peer.socket().shutdownOutput();

            RawPeer.Frame answer = raw.peer.readFrame(Peers.PATIENCE);
            assertThat(answer.opcode()).isEqualTo(RawPeer.CLOSE);
            assertThat(answer.closeCode()).isEqualTo(1001);
            assertThat(raw.peer.awaitEnd(Peers.PATIENCE)).as("TCP closed after the answer").isTrue();
            assertThat(await(raw.ours.closed())).isEqualTo(CloseStatus.of(1001, "leaving"));
        }
    }

    private static void assertClosedByPeerWithoutReading(WebSocket ws, int code) {
        assertThat(ws.state()).isEqualTo(State.CLOSED);
        assertThat(ws.closed()).isCompletedWithValue(CloseStatus.of(code, "bye"));
        assertThat(ws.closeStatus()).contains(CloseStatus.of(code, "bye"));

        ConnectionClosedException e = catchThrowableOfType(ConnectionClosedException.class, () -> ws.send("late"));
        assertThat(e).isInstanceOf(code == 1000 ? ConnectionClosedOkException.class
                : ConnectionClosedErrorException.class);
        assertThat(e.received()).contains(CloseStatus.of(code, "bye"));
        assertThat(e.sent()).contains(CloseStatus.of(code, ""));
        assertThat(e.receivedThenSent()).isTrue();
        assertThat(e.code()).isEqualTo(CloseCode.of(code));
        assertThat(e.reason()).isEqualTo("bye");
    }
}
