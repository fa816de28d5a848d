package dev.lifeline.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.protocol.handshake.Headers;
import dev.lifeline.protocol.handshake.HttpRequest;
import dev.lifeline.protocol.handshake.HttpResponse;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * An open server connection keeps its opening handshake (RFC 6455 §4.2.1 request, §4.2.2 response) packed into one
 * array; what {@link ServerProtocol#request()} and {@link ServerProtocol#response()} give back must be what was
 * received and sent, to the byte.
 */
class PackedHandshakeTest {

    private static final String BROWSER_REQUEST = "GET /chat?room=1 HTTP/1.1\r\nHost: example.com:8080\r\n"
            + "Connection: keep-alive, Upgrade\r\nPragma: no-cache\r\nCache-Control: no-cache\r\n"
            + "User-Agent: Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/133.0\r\nUpgrade: websocket\r\n"
            + "Origin: https://example.com\r\nSec-WebSocket-Version: 13\r\nAccept-Encoding: gzip, deflate, br, zstd\r\n"
            + "Accept-Language: fr-CH, fr;q=0.9, en;q=0.8\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
            + "Sec-WebSocket-Protocol: chat, superchat\r\nX-Empty:\r\nX-Latin: caf\u00e9 \u00ff\r\n"
            + "Cookie: " + "a".repeat(300) + "\r\n\r\n";

    @Test
    void anOpenServersRequestAndResponseAreTheOnesReceivedAndSent() {
        ServerProtocol server = ServerRequestTest.receive(BROWSER_REQUEST);
        HttpRequest received = server.request().orElseThrow();
        HttpResponse sent = server.accept(Optional.of("chat"), Headers.of("Set-Cookie", "id=7; Path=/"));
        Event.HandshakeCompleted completed = server.takeEvents().stream()
                .filter(Event.HandshakeCompleted.class::isInstance).map(Event.HandshakeCompleted.class::cast)
                .findFirst().orElseThrow();

        HttpRequest request = server.request().orElseThrow();
        HttpResponse response = server.response().orElseThrow();
        assertThat(request).isEqualTo(received).isEqualTo(completed.request());
        assertThat(request.toBytes()).isEqualTo(received.toBytes());
        assertThat(request.headers()).containsExactlyElementsOf(received.headers());
        assertThat(request.headers().first("x-latin")).contains("caf\u00e9 \u00ff");
        assertThat(request.headers().first("X-EMPTY")).contains("");
        assertThat(response).isEqualTo(sent).isEqualTo(completed.response());
        assertThat(response.toBytes()).isEqualTo(sent.toBytes());
        assertThat(response.headers().first("sec-websocket-protocol")).contains("chat");
        assertThat(response.headers().first("set-cookie")).contains("id=7; Path=/");
    }

    @Test
    void eachCallGivesAnEqualNewRequestAndKeepsNothing() {
        ServerProtocol server = ServerRequestTest.receive(BROWSER_REQUEST);
        server.accept(Optional.empty(), Headers.empty());

        assertThat(server.request().orElseThrow()).isEqualTo(server.request().orElseThrow())
                .isNotSameAs(server.request().orElseThrow());
        assertThat(server.response().orElseThrow()).isEqualTo(server.response().orElseThrow());
    }

    @Test
    void anAbsoluteTargetAnHttp10VersionAndABodyRoundTrip() {
        Headers headers = Headers.of("Host", "h", "Upgrade", "websocket", "Connection", "upgrade");
        HttpRequest request = new HttpRequest("POST", "ws://h/" + "p".repeat(200), headers, HttpRequest.HTTP_1_0);
        byte[] body = new byte[1000];
        Arrays.fill(body, (byte) 0xE9);
        HttpResponse response = new HttpResponse(299, "", Headers.empty(), body);

        byte[] packed = PackedHandshake.pack(request, response);

        assertThat(PackedHandshake.request(packed)).isEqualTo(request);
        assertThat(PackedHandshake.response(packed)).isEqualTo(response);
        assertThat(PackedHandshake.response(packed).body()).isEqualTo(body);
    }

    @Test
    void commonNamesAndValuesTakeOneByteEach() {
        HttpRequest request = new HttpRequest("GET", "/", Headers.of("Upgrade", "websocket", "Connection", "Upgrade",
                "Sec-WebSocket-Version", "13"));
        HttpResponse response = new HttpResponse(101, "Switching Protocols", Headers.of("Upgrade", "websocket"),
                new byte[0]);

        // method, target, version, count, 6 strings; status (under 128), reason, count, 2 strings, body length
        assertThat(PackedHandshake.pack(request, response)).hasSize(10 + 6);
    }

    @Test
    void aRefusalIsKeptAsSent() {
        ServerProtocol server = ServerRequestTest.receive("GET /health HTTP/1.1\r\nHost: example.com\r\n\r\n");
        HttpRequest request = server.request().orElseThrow();

        assertThat(server.response()).map(HttpResponse::status).contains(426);
        assertThat(server.request()).containsSame(request);
        assertThat(server.response().orElseThrow()).isSameAs(server.response().orElseThrow());
    }
}
