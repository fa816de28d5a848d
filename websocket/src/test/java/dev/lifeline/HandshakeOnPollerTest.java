package dev.lifeline;

import static dev.lifeline.Peers.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.protocol.handshake.Headers;
import dev.lifeline.protocol.handshake.HttpResponse;
import dev.lifeline.testing.RawPeer;
import dev.lifeline.testing.ThreadStarts;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Without TLS, the server's selecting thread reads opening handshakes and answers a plain one itself (no
 * {@code processRequest}, nothing else to run): in the listener style, with a listener that has no {@code onOpen}, a
 * connection then costs no thread until its peer's first bytes. Anything else still gets its virtual thread: an
 * {@code onOpen} to call, frames that came with the request, a {@code processRequest}. Threads are counted as they
 * start (flight recorder), so that one that starts and ends quickly is not missed.
 */
@Timeout(60)
class HandshakeOnPollerTest {
    /**
     * The name of a thread of a server connection, {@code lifeline-<role>-s<id>}, or of a handshake not yet a
     * connection, {@code lifeline-conn-127.0.0.1:40312}.
     */
    private static final Pattern SERVER_THREAD = Pattern.compile("lifeline-([a-z-]+)-(s[0-9a-z]+|[0-9.]+:\\d+)");
    private static final WebSocketOptions QUIET = WebSocketOptions.DEFAULT.withoutKeepalive();

    @Test
    void aListenerWithoutOnOpenGetsItsConnectionsOpenedWithNoThreadThenOneReaderRunPerMessage() throws Exception {
        int count = 10;
        try (WebSocketServer server = WebSocketServer.builder((ws, message) -> ws.send(message)).options(QUIET)
                .start()) {
            List<RawPeer> peers = new ArrayList<>();
            try {
                List<String> whileOpening = threadsWhileOpening(server, count, "", peers);
                assertThat(whileOpening).as("server threads started while %d connections opened", count).isEmpty();

                List<String> whileEchoing;
                try (ThreadStarts starts = ThreadStarts.record()) {
                    for (int i = 0; i < count; i++) {
                        peers.get(i).send(RawPeer.TEXT, ("m" + i).getBytes(StandardCharsets.UTF_8));
                        assertThat(peers.get(i).readFrame(PATIENCE).text()).isEqualTo("m" + i);
                    }
                    whileEchoing = serverThreads(starts.stop());
                }
                Set<String> readers = new HashSet<>();
                for (String name : whileEchoing) {
                    Matcher m = SERVER_THREAD.matcher(name);
                    assertThat(m.matches() && m.group(1).equals("reader")).as("only readers start: %s", name)
                            .isTrue();
                    readers.add(m.group(2));
                }
                assertThat(readers).as("connections whose reader ran").hasSize(count);
            } finally {
                for (RawPeer peer : peers) {
                    peer.close();
                }
            }
        }
    }

    @Test
    void aListenersOnOpenIsCalledAsSoonAsTheConnectionOpensBeforeThePeerSendsAnything() throws Exception {
        WebSocketListener greeter = new WebSocketListener() {
            @Override
            public void onOpen(WebSocket ws) {
                ws.send("welcome");
            }

            @Override
            public void onMessage(WebSocket ws, Message message) {
                ws.send(message);
            }
        };
        try (WebSocketServer server = WebSocketServer.builder(greeter).options(QUIET).start();
                RawPeer peer = RawPeer.connect(server.port())) {
            assertThat(peer.readFrame(PATIENCE).text()).isEqualTo("welcome");
        }
    }

    @Test
    void framesThatArriveWithTheRequestAreDeliveredAtOnceInBothStyles() throws Exception {
        try (WebSocketServer listening = WebSocketServer.builder((ws, message) -> ws.send(message)).options(QUIET)
                .start();
                WebSocketServer handling = WebSocketServer.builder(ws -> {
                    for (Message m : ws) {
                        ws.send(m);
                    }
                }).options(QUIET).start()) {
            for (WebSocketServer server : List.of(listening, handling)) {
                assertThat(requestAndFrameInOneWrite(server.port(), "early")).as("echo from port %d", server.port())
                        .isEqualTo("early");
            }
        }
    }

    @Test
    void aProcessorOfPlainHttpOnlyAnswersItsRequestsAndLeavesValidHandshakesToTheSelectingThread() throws Exception {
        int count = 10;
        List<String> seen = new CopyOnWriteArrayList<>();
        try (WebSocketServer server = WebSocketServer.builder((ws, message) -> ws.send(message)).options(QUIET)
                .path("/")
                .processRequest(WebSocketServer.RequestProcessor.plainHttpOnly(request -> {
                    seen.add(request.target());
                    return request.target().equals("/health") ? Optional.of(HttpResponse.of(200, "ok"))
                            : Optional.empty();
                }))
                .start()) {
            String health = RawPeer.exchange(server.port(), "GET /health HTTP/1.1\r\nHost: x\r\n\r\n", PATIENCE);
            assertThat(health).startsWith("HTTP/1.1 200 ").endsWith("ok");
            String offeringH2c = RawPeer.exchange(server.port(), "GET /health HTTP/1.1\r\nHost: x\r\n"
                    + "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n"
                    + "\r\n", PATIENCE);
            assertThat(offeringH2c).as("a plain request offering h2c, as the JDK's HttpClient sends it")
                    .startsWith("HTTP/1.1 200 ").endsWith("ok");
            String elsewhere = RawPeer.exchange(server.port(), "GET /chat HTTP/1.1\r\nHost: x\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n", PATIENCE);
            assertThat(elsewhere).startsWith("HTTP/1.1 404 ").endsWith("no WebSocket endpoint at /chat; connect to /");
            List<RawPeer> peers = new ArrayList<>();
            try {
                List<String> whileOpening = threadsWhileOpening(server, count, "", peers);
                assertThat(whileOpening).as("server threads started while %d connections opened", count).isEmpty();
                assertThat(seen).as("requests the processor saw").containsExactly("/health", "/health");
                peers.get(0).send(RawPeer.TEXT, "hi".getBytes(StandardCharsets.UTF_8));
                assertThat(peers.get(0).readFrame(PATIENCE).text()).isEqualTo("hi");
            } finally {
                for (RawPeer peer : peers) {
                    peer.close();
                }
            }
        }
    }

    @Test
    void theServersOwnChecksKeepValidHandshakesOnTheSelectingThreadAndRefuseTheOthers() throws Exception {
        int count = 10;
        AtomicBoolean down = new AtomicBoolean();
        try (WebSocketServer server = WebSocketServer.builder((ws, message) -> ws.send(message)).options(QUIET)
                .subprotocols("chat").requireSubprotocol()
                .unavailableWhile(down::get, HttpResponse.of(503, "down", Headers.of("Retry-After", "1")))
                .allowedOrigins(Set.of("https://good.example"), true)
                .start()) {
            List<RawPeer> peers = new ArrayList<>();
            try {
                List<String> whileOpening = threadsWhileOpening(server, count,
                        "Sec-WebSocket-Protocol: chat\r\nOrigin: https://good.example\r\n", peers);
                assertThat(whileOpening).as("server threads started while %d connections opened", count).isEmpty();
                assertThat(peers.get(0).head()).contains("Sec-WebSocket-Protocol: chat");
            } finally {
                for (RawPeer peer : peers) {
                    peer.close();
                }
            }
            String handshake = "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";
            assertThat(RawPeer.exchange(server.port(), handshake + "\r\n", PATIENCE)).startsWith("HTTP/1.1 400 ")
                    .endsWith("this endpoint speaks the WebSocket subprotocol chat; offer it in "
                            + "Sec-WebSocket-Protocol");
            assertThat(RawPeer.exchange(server.port(), handshake + "Sec-WebSocket-Protocol: chat\r\n"
                    + "Origin: https://bad.example\r\n\r\n", PATIENCE)).startsWith("HTTP/1.1 403 ");
            down.set(true);
            assertThat(RawPeer.exchange(server.port(), handshake + "Sec-WebSocket-Protocol: chat\r\n\r\n", PATIENCE))
                    .startsWith("HTTP/1.1 503 ").contains("Retry-After: 1\r\n").endsWith("down");
            assertThat(RawPeer.exchange(server.port(), "GET /health HTTP/1.1\r\nHost: x\r\n\r\n", PATIENCE))
                    .as("plain HTTP is no handshake: not refused as unavailable").startsWith("HTTP/1.1 426 ");
        }
    }

    @Test
    void aServerWithProcessRequestStillAnswersPlainRequestsAndOpensHandshakes() throws Exception {
        try (WebSocketServer server = WebSocketServer.builder((ws, message) -> ws.send(message)).options(QUIET)
                .processRequest(request -> request.target().equals("/health")
                        ? Optional.of(HttpResponse.of(200, "ok"))
                        : Optional.empty())
                .start()) {
            String health = RawPeer.exchange(server.port(), "GET /health HTTP/1.1\r\nHost: x\r\n\r\n", PATIENCE);
            assertThat(health).startsWith("HTTP/1.1 200 ").endsWith("ok");
            try (RawPeer peer = RawPeer.connect(server.port())) {
                peer.send(RawPeer.TEXT, "hi".getBytes(StandardCharsets.UTF_8));
                assertThat(peer.readFrame(PATIENCE).text()).isEqualTo("hi");
            }
        }
    }

    /** Sends a handshake request and a masked text frame in one write; returns the text of the first frame back. */
    private static String requestAndFrameInOneWrite(int port, String text) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) PATIENCE.toMillis());
            socket.setSoTimeout((int) PATIENCE.toMillis());
            ByteArrayOutputStream both = new ByteArrayOutputStream();
            both.writeBytes(("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            both.writeBytes(RawPeer.frame(true, RawPeer.TEXT, text.getBytes(StandardCharsets.UTF_8), true));
            socket.getOutputStream().write(both.toByteArray());
            DataInputStream in = new DataInputStream(socket.getInputStream());
            String head = readHead(in);
            assertThat(head).startsWith("HTTP/1.1 101 ");
            int first = in.readUnsignedByte();
            int length = in.readUnsignedByte();
            assertThat(first).as("FIN and TEXT").isEqualTo(0x81);
            assertThat(length).as("unmasked, short").isLessThan(126);
            return new String(in.readNBytes(length), StandardCharsets.UTF_8);
        }
    }

    private static String readHead(DataInputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            head.append((char) in.readUnsignedByte());
        }
        return head.toString();
    }

    /**
     * Opens {@code count} connections (their requests with the header lines {@code headers}) into {@code peers};
     * returns the names of the server threads started meanwhile.
     */
    private static List<String> threadsWhileOpening(WebSocketServer server, int count, String headers,
            List<RawPeer> peers) throws Exception {
        try (ThreadStarts starts = ThreadStarts.record()) {
            for (int i = 0; i < count; i++) {
                peers.add(RawPeer.connect(server.port(), headers)); // returns once the 101 is read
            }
            Peers.awaitConnections(server, count);
            return serverThreads(starts.stop());
        }
    }

    private static List<String> serverThreads(List<String> started) {
        return started.stream().filter(name -> SERVER_THREAD.matcher(name).matches()).toList();
    }
}
