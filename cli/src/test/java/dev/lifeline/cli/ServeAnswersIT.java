package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeline.WebSocket;
import dev.lifeline.WebSocketClient;
import dev.lifeline.protocol.handshake.HandshakeException;
import dev.lifeline.protocol.handshake.HeadLimits;
import dev.lifeline.protocol.handshake.Headers;
import dev.lifeline.protocol.handshake.HttpRequest;
import dev.lifeline.protocol.handshake.RequestParser;
import dev.lifeline.protocol.handshake.ServerHandshake;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What {@code lifeline serve} answers to requests that are not quite a WebSocket handshake (RFC 6455 §4.2.1), what
 * its origin policy refuses, and what it and {@code connect} print: connection ids counted by connection, addresses
 * without a leading {@code /}, and the library's log records on one line, never repeating a line of the command's.
 */
@Timeout(60)
class ServeAnswersIT {
    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    private static final String APP = "https://app.example";
    private static LifelineProcess server;

    @BeforeAll
    static void serve() throws Exception {
        server = LifelineProcess.serve("--allowed-origin", APP);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    /** Sends {@code request} on a connection of its own and reads the whole answer, up to the server's close. */
    private static String exchange(String request) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aHealthProbeOverHttp10GetsItsAnswer() throws Exception {
        assertThat(exchange("GET /healthz HTTP/1.0\r\n\r\n")).startsWith("HTTP/1.1 200 OK\r\n")
                .contains("{\"status\":\"ok\"");
    }

    /** §4.2.1 item 1: "HTTP/1.1 or higher"; 400, since 505 would be for another major version. */
    @Test
    void aHandshakeOverHttp10IsRefusedWith400() throws Exception {
        String answer = exchange("GET / HTTP/1.0\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: 13\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 400 Bad Request\r\n").endsWith("not HTTP/1.0");
    }

    /** A handshake missing its Upgrade header hears that, not the demo page served on the same path. */
    @Test
    void aBrokenHandshakeGetsItsOwnErrorNotTheDemoPage() throws Exception {
        String answer = exchange("GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + KEY
                + "\r\nSec-WebSocket-Version: 13\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 426 Upgrade Required\r\n").contains("send Upgrade: websocket")
                .doesNotContain("<title>");
        assertThat(exchange("GET / HTTP/1.1\r\nHost: a\r\n\r\n")).contains("<title>Lifeline demo</title>");
    }

    /** The endpoint is at /: a handshake elsewhere is told where, by the server before any page is looked at. */
    @Test
    void aHandshakeAtAnotherPathIs404NamingTheEndpoint() throws Exception {
        String answer = exchange("GET /chat?room=1 HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: 13\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 404 Not Found\r\n").endsWith("no WebSocket endpoint at /chat; connect to /");
    }

    /** The JDK's HttpClient offers h2c on a plain GET (these headers): the health check answers it, not a 400. */
    @Test
    void aHealthCheckOfferingH2cGetsItsAnswer() throws Exception {
        String answer = exchange("GET /healthz HTTP/1.1\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                + "Content-Length: 0\r\nHost: 127.0.0.1\r\nHTTP2-Settings: AAEAAEAAAAIAAAABAAMAAABkAAQBAAAAAAUAAEAA\r\n"
                + "Upgrade: h2c\r\nUser-Agent: Java-http-client/25\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 200 OK\r\n").contains("{\"status\":\"ok\"");
    }

    @Test
    void onlyTheAllowedOriginsPagesMayConnect() throws Exception {
        WebSocketClient elsewhere = WebSocketClient.builder().header("Origin", "https://elsewhere.example").build();
        assertThatThrownBy(() -> elsewhere.open(server.endpoint()))
                .isInstanceOfSatisfying(HandshakeException.class, e -> assertThat(e.status()).isEqualTo(403));

        for (WebSocketClient allowed : List.of(WebSocketClient.builder().header("Origin", APP).build(),
                WebSocketClient.builder().build())) { // no Origin: not a browser
            try (WebSocket ws = allowed.open(server.endpoint())) {
                ws.send("hi");
                assertThat(ws.receive(Eventually.TIMEOUT)).isPresent();
            }
        }
    }

    /** Loading the demo page is four plain HTTP requests: they do not use up connection ids. */
    @Test
    void theFirstConnectionAfterThePageIsS1FromAnAddressWithoutSlash() throws Exception {
        try (LifelineProcess own = LifelineProcess.serve()) {
            for (String path : List.of("/", "/demo.js", "/demo.css", "/healthz")) {
                Http.get(own.page().resolve(path));
            }
            WebSocketClient.connect(own.endpoint()).close();
            Eventually.contains(own::stdout, " s1 opened from 127.0.0.1:");
            assertThat(own.stdout()).containsPattern(" s1 opened from 127\\.0\\.0\\.1:\\d+ / \\(1 open\\)");
        }
    }

    /**
     * A peer that does not answer Pings: the server fails the connection with 1011 and the library says so in one
     * line of its own; the client prints its own line for it, and the library's record does not repeat it.
     */
    @Test
    void aKeepaliveTimeoutIsOneLineOnEachSideAndSaidOnceByTheClient() throws Exception {
        try (LifelineProcess own = LifelineProcess.serve("--ping-interval", "200ms", "--ping-timeout", "200ms")) {
            Socket deaf = handshake(own.port());
            Eventually.contains(own::stderr, "keepalive ping timeout");
            deaf.close();
            assertThat(own.stderr().lines()).singleElement().asString()
                    .matches("\\d\\d:\\d\\d:\\d\\d INFO dev\\.lifeline: \\[s1\\] failed the connection: keepalive"
                            + " ping timeout; dropped TCP");
        }
        try (DeafServer deaf = new DeafServer();
                LifelineProcess client = LifelineProcess.start("connect", "--ping-interval", "200ms",
                        "--ping-timeout", "200ms", "ws://127.0.0.1:" + deaf.port() + "/")) {
            assertThat(client.exitCode()).isEqualTo(ExitCodes.ABNORMAL_CLOSE);
            assertThat(client.stderr().lines()).hasSize(2).last().asString()
                    .startsWith("! connection is CLOSED with 1006 (abnormal closure): sent 1011 (internal error)"
                            + " \"keepalive ping timeout\"");
        }
    }

    /** A client that completes the handshake and then never answers, never reads, never closes. */
    private static Socket handshake(int port) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        return socket;
    }

    /** A server that accepts one handshake (with the protocol module's parser) and then never answers a Ping. */
    private static final class DeafServer implements AutoCloseable {
        private final ServerSocket listening = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        private final Thread thread = Thread.ofVirtual().start(this::serveOne);

        DeafServer() throws IOException {
        }

        int port() {
            return listening.getLocalPort();
        }

        private void serveOne() {
            try (Socket socket = listening.accept()) {
                RequestParser parser = new RequestParser(HeadLimits.DEFAULT);
                InputStream in = socket.getInputStream();
                Optional<HttpRequest> request = Optional.empty();
                while (request.isEmpty()) {
                    int b = in.read();
                    if (b < 0) {
                        return;
                    }
                    request = parser.feed(ByteBuffer.wrap(new byte[] {(byte) b}));
                }
                socket.getOutputStream().write(ServerHandshake.accept(ServerHandshake.validate(request.get()),
                        Optional.empty(), List.of(), Headers.of()).toBytes());
                in.readAllBytes(); // Pings and all, unanswered, until the client drops the connection
            } catch (IOException e) {
                // the client is gone
            }
        }

        @Override
        public void close() throws Exception {
            listening.close();
            thread.join(Eventually.TIMEOUT);
        }
    }
}
