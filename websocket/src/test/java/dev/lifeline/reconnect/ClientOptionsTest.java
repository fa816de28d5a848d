package dev.lifeline.reconnect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Message;
import dev.lifeline.ReconnectingWebSocket;
import dev.lifeline.ReconnectingWebSocket.State;
import dev.lifeline.WebSocket;
import dev.lifeline.WebSocketOptions;
import dev.lifeline.WebSocketServer;
import dev.lifeline.protocol.extension.PerMessageDeflate;
import dev.lifeline.protocol.handshake.Headers;
import dev.lifeline.protocol.handshake.HttpRequest;
import dev.lifeline.testing.ChaosProxy;
import dev.lifeline.testing.TestTls;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A {@link ReconnectingWebSocket} opens every connection with the ordinary client options: TLS (wss://, host name
 * checked), fixed headers, subprotocols, permessage-deflate, and the credentials hook's fresh headers per attempt.
 */
@Timeout(30)
class ClientOptionsTest {
    private static final String LOOPBACK = "ip:127.0.0.1";

    @Test
    void tlsHeadersSubprotocolsCompressionAndFreshCredentialsApplyToEveryConnection() throws Exception {
        List<HttpRequest> requests = new CopyOnWriteArrayList<>();
        WebSocketOptions deflate = WebSocketOptions.DEFAULT.withExtensions(List.of(PerMessageDeflate.DEFAULT));
        SSLContext serverTls = TestTls.server(LOOPBACK);
        SSLContext clientTls = TestTls.trusting(LOOPBACK);
        Recorder recorder = new Recorder();
        AtomicInteger tokens = new AtomicInteger();
        try (WebSocketServer server = WebSocketServer.builder(ws -> {
            requests.add(ws.handshakeRequest());
            for (Message m : ws) {
                ws.send(m);
            }
        }).sslContext(serverTls).subprotocols("chat.v2").options(deflate).port(0).start();
                ReconnectingWebSocket client = ReconnectingWebSocket.builder(
                        URI.create("wss://127.0.0.1:" + server.port() + "/"))
                        .options(deflate).subprotocols("chat.v1", "chat.v2").header("X-App", "test")
                        .credentials(() -> Headers.of("Authorization", "Bearer " + tokens.incrementAndGet()))
                        .configure(b -> b.sslContext(clientTls))
                        .reconnect(Recorder.QUICK).listener(recorder).connect()) {
            recorder.awaitState(State.OPEN, 1);
            assertNegotiated(client.connection().orElseThrow());
            ReconnectingWebSocketTest.dropEveryConnection(server);
            recorder.awaitState(State.OPEN, 2);
            assertNegotiated(client.connection().orElseThrow());
            client.send("over TLS, deflated");
            assertThat(client.receive(Duration.ofSeconds(10))).contains(Message.text("over TLS, deflated"));

            assertThat(requests).hasSize(2);
            assertThat(requests).extracting(r -> r.headers().first("X-App")).containsOnly(Optional.of("test"));
            assertThat(requests).extracting(r -> r.headers().first("Authorization"))
                    .as("the credentials hook ran before each attempt")
                    .containsExactly(Optional.of("Bearer 1"), Optional.of("Bearer 2"));
        }
    }

    @Test
    void aPeerThatFallsSilentIsFoundByKeepaliveAndTheConnectionReplaced() throws Exception {
        WebSocketOptions quick = WebSocketOptions.DEFAULT.withKeepalive(Duration.ofMillis(100), Duration.ofMillis(200))
                .withCloseTimeout(Duration.ofMillis(200)).withOpenTimeout(Duration.ofSeconds(2));
        Recorder recorder = new Recorder();
        try (WebSocketServer server = WebSocketServer.builder(ws -> {
            for (Message m : ws) {
                ws.send(m);
            }
        }).port(0).start();
                ChaosProxy proxy = ChaosProxy.to(server.port());
                ReconnectingWebSocket client = ReconnectingWebSocket.builder(proxy.uri("/")).options(quick)
                        .reconnect(Recorder.QUICK).listener(recorder).connect()) {
            recorder.awaitState(State.OPEN, 1);
            proxy.stall(); // no FIN, no reset: the peer just goes quiet
            recorder.awaitState(State.RECONNECTING, 1);
            proxy.resume();
            recorder.awaitState(State.OPEN, 2);
            client.send("still here");
            assertThat(client.receive(Duration.ofSeconds(10))).contains(Message.text("still here"));
            assertThat(recorder.failures.get(0)).as("our keepalive gave up: 1011 sent").hasToString(
                    "disconnected: 1011 (internal error) \"keepalive ping timeout\" (sent)");
        }
    }

    private static void assertNegotiated(WebSocket connection) {
        assertThat(connection.subprotocol()).contains("chat.v2");
        assertThat(connection.handshakeResponse().headers().first("Sec-WebSocket-Extensions")).get().asString()
                .startsWith("permessage-deflate");
    }
}
