package dev.lifeline.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.protocol.extension.PerMessageDeflate;
import dev.lifeline.protocol.handshake.Accept;
import dev.lifeline.protocol.handshake.HeadLimits;
import dev.lifeline.protocol.handshake.Headers;
import dev.lifeline.protocol.handshake.HttpRequest;
import dev.lifeline.protocol.handshake.HttpResponse;
import dev.lifeline.protocol.handshake.ResponseParser;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * An open connection keeps its opening handshake (RFC 6455 §4.1 and §4.2.1 request, §4.2.2 response) packed into one
 * array; what {@link ServerProtocol#request()} and {@link ServerProtocol#response()} give back must be what was
 * received and sent, to the byte, and what {@link ClientProtocol#request()} and {@link ClientProtocol#response()}
 * give back what was sent and received.
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
    void anOpenClientsRequestAndResponseAreTheOnesSentAndReceived() {
        ClientProtocol client = new ClientProtocol(URI.create("ws://example.com:8080/chat?room=1"),
                List.of("chat", "superchat"), Headers.of("Origin", "https://example.com", "X-Latin", "caf\u00e9 \u00ff",
                        "Cookie", "a".repeat(300)),
                ProtocolConfig.DEFAULT.withExtensions(List.of(PerMessageDeflate.DEFAULT)), new Wire.FixedRandom(7));
        HttpRequest sent = client.request();
        assertThat(client.request()).isSameAs(sent); // before the 101: the request as built
        client.sendRequest();
        byte[] answer = ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + Accept.of(sent.headers().first("Sec-WebSocket-Key").orElseThrow())
                + "\r\nSec-WebSocket-Protocol: chat\r\n"
                + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=10\r\n"
                + "X-Folded: first\r\n  second\r\nX-Latin: \u00e9\r\nX-Empty:\r\nServer: test/1\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        HttpResponse wire = new ResponseParser(HeadLimits.DEFAULT).feed(ByteBuffer.wrap(answer)).orElseThrow();

        client.receiveData(ByteBuffer.wrap(answer));
        Event.HandshakeCompleted completed = (Event.HandshakeCompleted) client.takeEvents().getFirst();

        assertThat(client.state()).isEqualTo(State.OPEN);
        assertThat(client.subprotocol()).contains("chat");
        assertThat(client.extensions()).hasSize(1);
        HttpRequest request = client.request();
        HttpResponse response = client.response().orElseThrow();
        assertThat(request).isEqualTo(sent).isEqualTo(completed.request()).isNotSameAs(sent);
        assertThat(request.toBytes()).isEqualTo(sent.toBytes());
        assertThat(request.headers()).containsExactlyElementsOf(sent.headers());
        assertThat(request.headers().first("x-latin")).contains("caf\u00e9 \u00ff");
        assertThat(response).isEqualTo(wire).isEqualTo(completed.response());
        assertThat(response.toBytes()).isEqualTo(wire.toBytes());
        assertThat(response.headers().first("x-folded")).contains("first second");
        assertThat(response.headers().first("X-EMPTY")).contains("");
        assertThat(client.request()).isEqualTo(request).isNotSameAs(request);
        assertThat(client.response().orElseThrow()).isEqualTo(response).isNotSameAs(response);
    }

    @Test
    void aClientKeepsAResponseThatFailedItsHandshakeAsReceived() {
        ClientProtocol client = Wire.client(ProtocolConfig.DEFAULT);
        HttpRequest sent = client.request();
        client.sendRequest();
        client.receiveData(ByteBuffer.wrap("HTTP/1.1 403 Forbidden\r\nContent-Length: 2\r\n\r\nno"
                .getBytes(StandardCharsets.ISO_8859_1)));

        assertThat(client.handshakeFailure()).isPresent();
        assertThat(client.response()).map(HttpResponse::status).contains(403);
        assertThat(client.response().orElseThrow()).isSameAs(client.response().orElseThrow());
        assertThat(client.request()).isSameAs(sent);
    }

    @Test
    void thisLibrarysHandshakePacksSmall() {
        ClientProtocol client = Wire.client(ProtocolConfig.DEFAULT);
        ServerProtocol server = Wire.server(ProtocolConfig.DEFAULT);
        Wire.connect(client, server);

        // GET, /chat, HTTP/1.1, 6 fields: Host example.com, Upgrade, Connection, the key, the version, User-Agent
        int request = 1 + (1 + 5) + 1 + 1 + 2 * 6 + 11 + 24;
        // 101, its reason, 3 fields: Upgrade, Connection, Sec-WebSocket-Accept; no body
        int response = 1 + 1 + 1 + 2 * 3 + 28 + 1;
        assertThat(PackedHandshake.pack(client.request(), client.response().orElseThrow()))
                .hasSize(request + response);
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
