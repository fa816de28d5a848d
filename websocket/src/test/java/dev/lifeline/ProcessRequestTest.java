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
