package dev.lifeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.lifeline.protocol.State;
import dev.lifeline.protocol.handshake.HandshakeException;
import dev.lifeline.protocol.handshake.Headers;
import dev.lifeline.protocol.handshake.HttpResponse;
import dev.lifeline.testing.RawPeer;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Handshakes the server refuses: by the application's {@code processRequest} (401, 403; plain HTTP is in
 * {@link ProcessRequestTest}), by the origin allow-list (RFC 6455 §4.2.2 item 4: 403), and by the protocol for
 * requests that are not a valid handshake (§4.2.2: 400; §4.4: 426 with the supported version). The client reports
 * each refusal with the status, the headers and an excerpt of the body; the server keeps serving others.
 */
@Timeout(30)
class HandshakeRefusalTest {
    private static final Duration PATIENCE = Peers.PATIENCE;

    private static WebSocketServer.Builder echo() {
        return WebSocketServer.builder(ws -> ws.forEach(ws::send));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"401, Authorization required", "403, Forbidden for you"})
    void processRequestRefusalReachesTheClientWithStatusHeadersAndBody(int status, String body) throws Exception {
        try (WebSocketServer server = echo().processRequest(request -> request.headers().contains("Authorization")
                ? Optional.empty()
                : Optional.of(HttpResponse.of(status, body, Headers.of("WWW-Authenticate", "Bearer")))).start()) {
            HandshakeException e = catchThrowableOfType(HandshakeException.class,
                    () -> WebSocketClient.connect(Peers.uri(server)));

            assertThat(e.status()).isEqualTo(status);
            assertThat(e.headers().first("WWW-Authenticate")).contains("Bearer");
            assertThat(e).hasMessageContaining(String.valueOf(status)).hasMessageContaining(body);
            assertThat(e.response()).map(HttpResponse::bodyText).contains(body);
            try (WebSocket ws = WebSocketClient.builder().header("Authorization", "Bearer 42").build()
                    .open(Peers.uri(server))) {
                assertThat(ws.handshakeRequest().headers().first("Authorization")).contains("Bearer 42");
                assertThat(ws.state()).isEqualTo(State.OPEN);
            }
        }
    }

    @Test
    void processRequestThatThrowsAnswers500() throws Exception {
        try (WebSocketServer server = echo().processRequest(request -> {
            throw new IllegalStateException("bug in the application");
        }).start()) {
            HandshakeException e = catchThrowableOfType(HandshakeException.class,
                    () -> WebSocketClient.connect(Peers.uri(server)));

            assertThat(e.status()).isEqualTo(500);
            assertThat(e.getMessage()).doesNotContain("bug in the application");
        }
    }

    @Test
    void originsOutsideTheAllowListAreRefusedWith403() throws Exception {
        try (WebSocketServer server = echo().allowedOrigins(Set.of("https://good.example"), false).start()) {
            URI uri = Peers.uri(server);
            try (WebSocket ws = WebSocketClient.builder().origin("https://good.example").build().open(uri)) {
                assertThat(ws.handshakeRequest().headers().first("Origin")).contains("https://good.example");
            }
            HandshakeException evil = catchThrowableOfType(HandshakeException.class,
                    () -> WebSocketClient.builder().origin("https://evil.example").build().open(uri));
            assertThat(evil.status()).isEqualTo(403);
            assertThat(evil).hasMessageContaining("https://evil.example");
            HandshakeException none =
                    catchThrowableOfType(HandshakeException.class, () -> WebSocketClient.connect(uri));
            assertThat(none.status()).as("no Origin, and allowMissing is false").isEqualTo(403);
        }
    }

    static Stream<Arguments> badRequests() {
        String upgrade = "GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n";
        return Stream.of(
                arguments("plain GET, no Upgrade", "GET / HTTP/1.1\r\nHost: h\r\n\r\n", 426, "Upgrade: websocket"),
                arguments("unsupported version", upgrade + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                        + "Sec-WebSocket-Version: 8\r\n\r\n", 426, "Sec-WebSocket-Version: 13"),
                arguments("missing key", upgrade + "Sec-WebSocket-Version: 13\r\n\r\n", 400, "Sec-WebSocket-Key"),
                arguments("not HTTP", "HELLO THERE\r\n\r\n", 400, "Connection: close"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void badRequestsGetAPreciseStatusAndTheServerKeepsServing(String story, String request, int status,
            String expected) throws Exception {
        try (WebSocketServer server = echo().start()) {
            String response = RawPeer.exchange(server.port(), request, PATIENCE);

            assertThat(response).startsWith("HTTP/1.1 " + status + " ").contains(expected);
            try (WebSocket ws = WebSocketClient.connect(Peers.uri(server))) {
                ws.send("still serving");
                assertThat(ws.receive()).isEqualTo(Message.text("still serving"));
            }
        }
    }
}
