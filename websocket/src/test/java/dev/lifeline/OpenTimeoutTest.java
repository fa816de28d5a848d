package dev.lifeline;

import static dev.lifeline.Peers.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.lifeline.protocol.handshake.HandshakeException;
import dev.lifeline.testing.Await;
import dev.lifeline.testing.RawServer;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The opening handshake is bounded on both sides: the client's {@code openTimeout} covers TCP, TLS and the HTTP
 * exchange; the server drops clients that do not finish their request within its {@code openTimeout}, and answers
 * 503 beyond {@code maxHandshakes} handshakes at once (RFC 6455 §10.4: servers should limit what a peer can hold).
 */
@Timeout(30)
class OpenTimeoutTest {
    private static final Duration OPEN_TIMEOUT = Duration.ofMillis(300);
    private static final WebSocketOptions OPTIONS = WebSocketOptions.DEFAULT.withOpenTimeout(OPEN_TIMEOUT);

    /** {@code ws} polled: on its channel, which has no timeouts (the deadline closes it). */
    @ParameterizedTest(name = "{0}, pollIdle {1}")
    @CsvSource({"ws, false", "wss, false", "ws, true"})
    void clientOpenTimeoutCoversAServerThatAcceptsTcpButNeverAnswers(String scheme, boolean pollIdle)
            throws Exception {
        try (RawServer silent = RawServer.start()) {
            URI uri = URI.create(scheme + "://127.0.0.1:" + silent.port() + "/");
            SSLContext.getDefault(); // made once per JVM, slowly on a busy machine: not part of the open
            long start = System.nanoTime();

            SocketTimeoutException e = catchThrowableOfType(SocketTimeoutException.class,
                    () -> WebSocketClient.builder().options(OPTIONS).pollIdle(pollIdle).build().open(uri));

            assertThat(e).isNotNull();
            // not before the open timeout, and not by the next bound, the 10 s connect and write timeouts
            assertThat(Peers.millisSince(start)).isBetween(OPEN_TIMEOUT.toMillis(), PATIENCE.toMillis());
            assertThat(silent.acceptSocket(PATIENCE).getInputStream().readAllBytes())
                    .as("what the client sent before giving up and closing").isNotEmpty();
        }
    }

    @Test
    void serverDropsAClientThatNeverFinishesItsRequest() throws Exception {
        try (WebSocketServer server = WebSocketServer.builder(ws -> { }).options(OPTIONS).start();
                Socket slow = slowClient(server)) {
            slow.setSoTimeout((int) PATIENCE.toMillis()); // of the server's timeouts, only openTimeout is shorter

            assertThat(slow.getInputStream().read()).as("end of stream").isEqualTo(-1);
        }
    }

    @Test
    void aClientSlowToSendItsRequestHoldsNoThread() throws Exception {
        long before = Peers.serverConnectionThreads();
        try (WebSocketServer server = WebSocketServer.builder(ws -> ws.forEach(ws::send)).start();
                Socket slow = slowClient(server)) {
            Peers.awaitHandshakesInFlight(server, 1);
            Await.holds(PATIENCE, () -> Peers.serverConnectionThreads() <= before);
            assertThat(Peers.serverConnectionThreads()).as("server connection threads while the request is incomplete")
                    .isEqualTo(before);

            slow.getOutputStream().write(("Upgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] head = new byte[12];
            new DataInputStream(slow.getInputStream()).readFully(head);
            assertThat(new String(head, StandardCharsets.US_ASCII)).as("the rest of the request is answered")
                    .isEqualTo("HTTP/1.1 101");
            Peers.awaitHandshakesInFlight(server, 0);
        }
    }

    @Test
    void handshakesBeyondMaxHandshakesAreAnswered503() throws Exception {
        try (WebSocketServer server = WebSocketServer.builder(ws -> ws.forEach(ws::send)).options(OPTIONS)
                .maxHandshakes(1).start(); Socket slow = slowClient(server)) {
            Peers.awaitHandshakesInFlight(server, 1); // it took the only slot

            HandshakeException e = catchThrowableOfType(HandshakeException.class,
                    () -> WebSocketClient.connect(Peers.uri(server)));

            assertThat(e.status()).isEqualTo(503);
            assertThat(e).hasMessageContaining("too many handshakes");
            assertThat(slow.getInputStream().read()).as("the slow client dropped after openTimeout").isEqualTo(-1);
            try (WebSocket ws = WebSocketClient.connect(Peers.uri(server))) {
                ws.send("the slot is free again");
                assertThat(ws.receive()).isEqualTo(Message.text("the slot is free again"));
            }
        }
    }

    /** A client that sends the start of a handshake request and then nothing. */
    private static Socket slowClient(WebSocketServer server) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", server.port()));
        socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
        socket.setSoTimeout((int) PATIENCE.toMillis());
        return socket;
    }
}
