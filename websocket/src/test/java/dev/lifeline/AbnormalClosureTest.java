package dev.lifeline;

import static dev.lifeline.Peers.PATIENCE;
import static dev.lifeline.Peers.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.lifeline.protocol.CloseCode;
import dev.lifeline.protocol.CloseStatus;
import dev.lifeline.protocol.ConnectionClosedErrorException;
import dev.lifeline.protocol.ConnectionClosedException;
import dev.lifeline.protocol.State;
import dev.lifeline.testing.Await;
import dev.lifeline.testing.ChaosProxy;
import dev.lifeline.testing.ChaosProxy.Cut;
import java.net.SocketException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Acceptance test 3: the TCP connection ends (a FIN or a reset) without a Close frame. RFC 6455 §7.1.5: the
 * close code is then 1006, abnormal closure. One side is blocked in {@code receive()}, the other keeps sending;
 * both learn it, whichever side is which.
 */
@Timeout(20)
class AbnormalClosureTest {

    @ParameterizedTest(name = "{0}, receiver is the server: {1}")
    @CsvSource({"FIN, false", "FIN, true", "RESET, false", "RESET, true"})
    void tcpEndingWithoutCloseFrameIsAbnormalClosureForSenderAndReceiver(Cut cut, boolean serverReceives)
            throws Exception {
        try (Peers peers = Peers.start(); ChaosProxy proxy = ChaosProxy.to(peers.server.port())) {
            WebSocket client = WebSocketClient.connect(proxy.uri("/"));
            WebSocket server = peers.accepted();
            WebSocket receiver = serverReceives ? server : client;
            WebSocket sender = serverReceives ? client : server;
            CompletableFuture<Throwable> received = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try {
                    received.complete(new AssertionError("received " + receiver.receive()));
                } catch (RuntimeException e) {
                    received.complete(e);
                }
            });

            proxy.cut(cut);

            assertThat(await(received)).isInstanceOf(ConnectionClosedErrorException.class);
            assertAbnormal((ConnectionClosedException) await(received), cut);
            ConnectionClosedErrorException sent = sendUntilRefused(sender);
            assertAbnormal(sent, cut);
            for (WebSocket ws : new WebSocket[] {receiver, sender}) {
                assertThat(await(ws.closed())).isEqualTo(new CloseStatus(CloseCode.ABNORMAL_CLOSURE, ""));
                assertThat(ws.state()).isEqualTo(State.CLOSED);
            }
        }
    }

    /** A sender learns of the end through its reader; sends before that may still reach TCP buffers. */
    private static ConnectionClosedErrorException sendUntilRefused(WebSocket sender) throws InterruptedException {
        AtomicReference<ConnectionClosedErrorException> refused = new AtomicReference<>();
        Await.until("send() refused after the connection was cut", PATIENCE, () -> {
            refused.set(catchThrowableOfType(ConnectionClosedErrorException.class, () -> sender.send("still there?")));
            return refused.get() != null;
        });
        return refused.get();
    }

    private static void assertAbnormal(ConnectionClosedException e, Cut cut) {
        assertThat(e.code()).isEqualTo(CloseCode.ABNORMAL_CLOSURE);
        assertThat(e.received()).isEmpty();
        assertThat(e.sent()).isEmpty();
        if (cut == Cut.RESET) {
            assertThat(e).hasCauseInstanceOf(SocketException.class);
        }
    }
}
