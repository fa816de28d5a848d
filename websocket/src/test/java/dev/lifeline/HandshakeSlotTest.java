package dev.lifeline;

import static dev.lifeline.Peers.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.lifeline.protocol.handshake.HandshakeException;
import dev.lifeline.protocol.handshake.HttpResponse;
import dev.lifeline.testing.RawPeer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A server's opening handshake holds one of its {@code maxHandshakes} slots from its accept until it ends, and
 * gives it back exactly once, whichever way it ends: opened, answered by {@code processRequest}, refused (origin,
 * subprotocol, an invalid request), dropped by its client, timed out. With one slot, after every one of those
 * endings, a client that holds the slot makes the next one get 503 (no slot given back twice), and once it lets go
 * a connection opens (no slot kept).
 */
@Timeout(60)
class HandshakeSlotTest {
    private static final WebSocketOptions OPTIONS = WebSocketOptions.DEFAULT.withoutKeepalive()
            .withOpenTimeout(Duration.ofSeconds(5)); // long enough for a holder to outlast the next handshake
    private static final String HANDSHAKE = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";

    @Test
    void everyWayAHandshakeEndsGivesItsSlotBackExactlyOnce() throws Exception {
        try (WebSocketServer server = WebSocketServer.builder((ws, message) -> ws.send(message)).options(OPTIONS)
                .maxHandshakes(1).subprotocols("chat").requireSubprotocol()
                .allowedOrigins(Set.of("https://good.example"), true)
                .processRequest(WebSocketServer.RequestProcessor.plainHttpOnly(request -> request.target()
                        .equals("/page") ? Optional.of(HttpResponse.of(200, "a page")) : Optional.empty()))
                .start()) {
            try (RawPeer opened = RawPeer.connect(server.port(), "Sec-WebSocket-Protocol: chat\r\n")) {
                assertThat(opened.head()).contains("Sec-WebSocket-Protocol: chat");
            }
            assertOneSlot(server, "opened");

            assertThat(exchange(server, "GET /page HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 200 ");
            assertOneSlot(server, "answered by processRequest");

            assertThat(exchange(server, HANDSHAKE + "Sec-WebSocket-Protocol: chat\r\nOrigin: https://bad.example\r\n"
                    + "\r\n")).startsWith("HTTP/1.1 403 ");
            assertOneSlot(server, "refused for its origin");

            assertThat(exchange(server, HANDSHAKE + "\r\n")).startsWith("HTTP/1.1 400 ").endsWith(
                    "this endpoint speaks the WebSocket subprotocol chat; offer it in Sec-WebSocket-Protocol");
            assertOneSlot(server, "refused for want of a subprotocol");

            assertThat(exchange(server, "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n\r\n"))
                    .startsWith("HTTP/1.1 4");
            assertOneSlot(server, "an invalid handshake");

            try (Socket dropped = partialRequest(server)) {
                Peers.awaitHandshakesInFlight(server, 1);
            }
            assertOneSlot(server, "dropped by its client");

            try (Socket slow = partialRequest(server)) {
                slow.setSoTimeout(15_000); // three open timeouts: its read (5 s otherwise) must not race the server's
                assertThat(slow.getInputStream().read()).as("dropped after openTimeout").isEqualTo(-1);
            }
            assertOneSlot(server, "timed out");
        }
    }

    /**
     * Exactly one slot is free: the handshakes in flight are over; one that holds the slot makes the next get 503;
     * once it ends, a connection opens.
     */
    private static void assertOneSlot(WebSocketServer server, String after) throws Exception {
        Peers.awaitHandshakesInFlight(server, 0);
        try (Socket holder = partialRequest(server)) {
            Peers.awaitHandshakesInFlight(server, 1);
            HandshakeException e = catchThrowableOfType(HandshakeException.class,
                    () -> WebSocketClient.builder().subprotocols("chat").build().open(Peers.uri(server)));
            assertThat(e).as("a second handshake while one holds the slot, after a handshake %s", after).isNotNull();
            assertThat(e.status()).isEqualTo(503);
        }
        Peers.awaitHandshakesInFlight(server, 0);
        try (WebSocket ws = WebSocketClient.builder().subprotocols("chat").build().open(Peers.uri(server))) {
            ws.send("free again after a handshake " + after);
            assertThat(ws.receive(PATIENCE)).contains(Message.text("free again after a handshake " + after));
        }
        Peers.awaitHandshakesInFlight(server, 0);
    }

    /** A client that sends the start of a handshake request and then nothing. */
    private static Socket partialRequest(WebSocketServer server) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", server.port()));
        socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
        socket.setSoTimeout((int) PATIENCE.toMillis());
        return socket;
    }

    private static String exchange(WebSocketServer server, String request) throws IOException {
        return RawPeer.exchange(server.port(), request, PATIENCE);
    }
}
