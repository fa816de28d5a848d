package dev.lifeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.protocol.handshake.HttpResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The {@code processRequest} hook sees every parsed request, plain HTTP included, before the server refuses what
 * is not a WebSocket handshake (RFC 6455 §4.2.1): that is how a server answers health checks and serves pages.
 */
@Timeout(10)
class ProcessRequestTest {
    private static final String PLAIN_GET = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

    @Test
    void plainHttpGetWithoutUpgradeIsAnsweredByTheHook() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        try (WebSocketServer server = WebSocketServer.builder(ws -> { })
                .processRequest(request -> {
                    seen.add(request.method() + " " + request.target());
                    return Optional.of(HttpResponse.of(200, "ok"));
                })
                .start()) {
            String response = exchange(server.port(), PLAIN_GET);

            assertThat(response).startsWith("HTTP/1.1 200 OK\r\n").endsWith("\r\n\r\nok");
            assertThat(seen).containsExactly("GET /healthz");
        }
    }

    @Test
    void plainHttpGetTheHookDeclinesIsRefusedWith426() throws Exception {
        try (WebSocketServer server = WebSocketServer.builder(ws -> { }).start()) {
            String response = exchange(server.port(), PLAIN_GET);

            assertThat(response).startsWith("HTTP/1.1 426 Upgrade Required\r\n").contains("Upgrade: websocket\r\n");
        }
    }

    /** RFC 6455 §4.2.1 wants HTTP/1.1 for a handshake, but a plain HTTP/1.0 probe is still the hook's to answer. */
    @Test
    void aPlainHttp10RequestReachesTheHook() throws Exception {
        try (WebSocketServer server = WebSocketServer.builder(ws -> { })
                .processRequest(request -> Optional.of(HttpResponse.of(200, request.version())))
                .start()) {
            String response = exchange(server.port(), "GET /healthz HTTP/1.0\r\n\r\n");

            assertThat(response).startsWith("HTTP/1.1 200 OK\r\n").endsWith("\r\n\r\nHTTP/1.0");
        }
    }

    /** §4.2.1 item 1: "HTTP/1.1 or higher"; HTTP/1.0 is answered 400, since 505 is for another major version. */
    @Test
    void anHttp10RequestTheHookDeclinesIsRefusedWith400() throws Exception {
        try (WebSocketServer server = WebSocketServer.builder(ws -> { }).start()) {
            String response = exchange(server.port(), "GET / HTTP/1.0\r\n\r\n");

            assertThat(response).startsWith("HTTP/1.1 400 Bad Request\r\n")
                    .endsWith("a WebSocket handshake needs HTTP/1.1 or higher (RFC 6455 §4.2.1), not HTTP/1.0");
        }
    }

    /**
     * A request that tries to be a handshake and gets it wrong hears what is wrong with it, not the page the hook
     * serves on that path: here a key without Upgrade, and Connection: Upgrade with the wrong version.
     */
    @Test
    void aBrokenHandshakeGetsItsOwnErrorInsteadOfTheHooksAnswer() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        try (WebSocketServer server = WebSocketServer.builder(ws -> { })
                .processRequest(request -> {
                    seen.add(request.target());
                    return Optional.of(HttpResponse.of(200, "the demo page"));
                })
                .start()) {
            String noUpgrade = exchange(server.port(), "GET / HTTP/1.1\r\nHost: a\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
            String oldVersion = exchange(server.port(), "GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 8\r\n\r\n");

            assertThat(noUpgrade).startsWith("HTTP/1.1 426 Upgrade Required\r\n").doesNotContain("demo page");
            assertThat(oldVersion).startsWith("HTTP/1.1 426 Upgrade Required\r\n")
                    .contains("Sec-WebSocket-Version: 13\r\n").doesNotContain("demo page");
            assertThat(seen).isEmpty();
            assertThat(exchange(server.port(), PLAIN_GET)).endsWith("the demo page");
        }
    }

    private static String exchange(int port, String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
