package dev.lifeline;

import static dev.lifeline.Peers.PATIENCE;
import static dev.lifeline.Peers.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.protocol.CloseStatus;
import dev.lifeline.protocol.State;
import dev.lifeline.testing.RawPeer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * RFC 6455 §5.5.1: "After both sending and receiving a Close message, an endpoint considers the WebSocket connection
 * closed and MUST close the underlying TCP connection"; §7.1.1: the server closes it first, "immediately", and the
 * client waits for that. A Lifeline server closes TCP as soon as both Close frames have crossed, without waiting
 * for the client's FIN, and {@code closed()} completes then, with the peer's code. The raw client here never closes
 * its side; the close timeout is far longer than any wait of the test, so only the server's own close can end it.
 * Bytes the client sent after its Close (ignored, §5.5.1) do not turn that close into a reset that could lose the
 * server's Close frame for the client (§7.1.1: "discarding any trailing bytes").
 */
@Timeout(30)
class ServerClosesTcpTest {
    private static final WebSocketOptions NEVER_TIMES_OUT = WebSocketOptions.DEFAULT
            .withCloseTimeout(Duration.ofMinutes(10));

    @Test
    void afterEchoingTheClientsCloseTheServerClosesTcpWithoutWaitingForTheClientsFin() throws Exception {
        try (AgainstRaw raw = AgainstRaw.ourServer(NEVER_TIMES_OUT)) {
            raw.peer.sendClose(4001, "done");

            assertThat(await(raw.ours.closed())).as("closed() while the client's side is still open")
                    .isEqualTo(CloseStatus.of(4001, "done"));
            assertThat(raw.ours.state()).isEqualTo(State.CLOSED);
            assertClosedAfterTheCloseFrame(raw.peer, 4001);
        }
    }

    @Test
    void serverThatClosedFirstClosesTcpOnceTheClientsCloseArrives() throws Exception {
        try (AgainstRaw raw = AgainstRaw.ourServer(NEVER_TIMES_OUT)) {
            CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> raw.ours.close());
            RawPeer.Frame ours = raw.peer.readFrame(PATIENCE);
            assertThat(ours.opcode()).isEqualTo(RawPeer.CLOSE);
            assertThat(ours.closeCode()).isEqualTo(1000);

            raw.peer.sendClose(1000, "");

            await(closing); // close() returns: the handshake is done and TCP closed, with no FIN from the client
            assertThat(raw.ours.closed()).isCompletedWithValue(CloseStatus.of(1000, ""));
            assertThat(raw.peer.readToEnd(PATIENCE)).as("nothing after the Close frame, then the end (no reset)")
                    .isEmpty();
        }
    }

    /**
     * The client sends a Close frame and, against §5.5.1, more bytes behind it: more than the server reads at once
     * (64 KiB), while its listener holds the reader, so that some wait unread in the server's TCP buffer when the
     * server has answered and closes (few more than that: all must fit in that buffer, about 88 KiB on Linux's
     * defaults, or what comes after the close is reset whatever the server does). Closing a socket with unread input
     * resets the connection; the server discards them first, and the client reads the server's Close frame and a
     * clean end.
     */
    @Test
    void bytesAfterTheClientsCloseAreDiscardedSoThatTheCloseIsNotLostToAReset() throws Exception {
        CountDownLatch hold = new CountDownLatch(1);
        CompletableFuture<WebSocket> serverSide = new CompletableFuture<>();
        try (WebSocketServer server = WebSocketServer.builder((ws, message) -> {
            serverSide.complete(ws);
            hold.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS); // the reader reads nothing meanwhile
        }).options(NEVER_TIMES_OUT).start(); RawPeer peer = RawPeer.connect(server.port())) {
            peer.send(RawPeer.TEXT, new byte[] {'h', 'i'});
            WebSocket ours = await(serverSide);
            byte[] trailing = RawPeer.frame(true, RawPeer.BINARY, new byte[66 * 1024], true);
            peer.write(concat(RawPeer.frame(true, RawPeer.CLOSE, RawPeer.closePayload(1001, ""), true), trailing));

            hold.countDown();

            assertThat(await(ours.closed())).isEqualTo(CloseStatus.of(1001, ""));
            assertClosedAfterTheCloseFrame(peer, 1001);
        }
    }

    /** The client reads the server's Close frame, then the end of TCP: a FIN, not a reset. */
    private static void assertClosedAfterTheCloseFrame(RawPeer peer, int code) throws Exception {
        RawPeer.Frame answer = peer.readFrame(PATIENCE);
        assertThat(answer.opcode()).isEqualTo(RawPeer.CLOSE);
        assertThat(answer.closeCode()).isEqualTo(code);
        assertThat(peer.readToEnd(PATIENCE)).as("nothing after the Close frame, then the end").isEmpty();
        assertThat(peer.socket().isOutputShutdown() || peer.socket().isClosed()).as("the client never closed")
                .isFalse();
        // Linux hands a reader what came before a reset, so only a write tells: a socket that the server closed
        // cleanly still takes one (the server answers it with a reset), one that the server reset refuses it.
        peer.write(new byte[1]);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = new byte[a.length + b.length];
        System.arraycopy(a, 0, joined, 0, a.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }
}
