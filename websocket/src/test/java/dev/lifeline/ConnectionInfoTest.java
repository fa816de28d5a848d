package dev.lifeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.protocol.handshake.Accept;
import dev.lifeline.protocol.handshake.ClientHandshake;
import dev.lifeline.protocol.handshake.HttpRequest;
import dev.lifeline.protocol.handshake.HttpResponse;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What a connection tells about itself: the subprotocol chosen (RFC 6455 §4.2.2 item 5.4, §1.9: the server picks
 * one the client offered, in the server's order of preference), the handshake request with the client's extra
 * headers, Origin and User-Agent, the response, both addresses, and a short id for logs.
 */
@Timeout(20)
class ConnectionInfoTest {

    @ParameterizedTest(name = "client offers [{0}]")
    @CsvSource(delimiter = '|', value = {"chat.v1,chat.v2|chat.v2", "chat.v1|chat.v1", "other|", "|"})
    void serverChoosesTheSubprotocolItPrefersAmongThoseOffered(String offered, String chosen) throws Exception {
        try (Peers peers = Peers.start(b -> b.subprotocols("chat.v2", "chat.v1"))) {
            WebSocketClient.Builder builder = WebSocketClient.builder();
            if (offered != null) {
                builder.subprotocols(offered.split(","));
            }
            WebSocket client = builder.build().open(peers.uri());
            WebSocket server = peers.accepted();

            assertThat(client.subprotocol()).isEqualTo(Optional.ofNullable(chosen));
            assertThat(server.subprotocol()).isEqualTo(Optional.ofNullable(chosen));
            assertThat(client.handshakeResponse().headers().first("Sec-WebSocket-Protocol"))
                    .isEqualTo(Optional.ofNullable(chosen));
            client.close();
        }
    }

    @Test
    void bothSidesSeeTheHandshakeTheAddressesAndAnId() throws Exception {
        try (Peers peers = Peers.start()) {
            WebSocket client = WebSocketClient.builder().header("X-Trace", "t-42").origin("https://app.example")
                    .userAgent("lifeline-test/1").build().open(peers.uri().resolve("/chat?room=7"));
            WebSocket server = peers.accepted();

            for (WebSocket ws : new WebSocket[] {client, server}) {
                assertThat(ws.handshakeRequest().target()).isEqualTo("/chat?room=7");
                assertThat(ws.handshakeRequest().headers().first("X-Trace")).contains("t-42");
                assertThat(ws.handshakeRequest().headers().first("Origin")).contains("https://app.example");
                assertThat(ws.handshakeRequest().headers().first("User-Agent")).contains("lifeline-test/1");
                assertThat(ws.handshakeResponse().status()).isEqualTo(101);
            }
            // both sides keep their handshake packed: what each gives back is what crossed the wire
            assertThat(server.handshakeRequest()).isEqualTo(client.handshakeRequest());
            assertThat(server.handshakeResponse()).isEqualTo(client.handshakeResponse());
            assertThat(client.remoteAddress()).isEqualTo(server.localAddress());
            assertThat(client.localAddress()).isEqualTo(server.remoteAddress());
            assertThat(client.remoteAddress().getPort()).isEqualTo(peers.server.port());
            assertThat(client.id()).matches("c[0-9a-z]+");
            assertThat(server.id()).matches("s[0-9a-z]+");
            assertThat(client.toString()).contains(client.id())
                    .contains(" 127.0.0.1:" + peers.server.port() + " ").doesNotContain("/127.0.0.1");
            client.close();
        }
    }

    @ParameterizedTest(name = "pollIdle {0}")
    @CsvSource({"false", "true"})
    void aClientBuildsItsHandshakeAgainOnEachCallEqualToTheServers(boolean pollIdle) throws Exception {
        try (Peers peers = Peers.start()) {
            WebSocket client = WebSocketClient.builder().pollIdle(pollIdle).build().open(peers.uri());
            WebSocket server = peers.accepted();

            HttpRequest request = client.handshakeRequest();
            HttpResponse response = client.handshakeResponse();
            assertThat(request).isEqualTo(server.handshakeRequest()).isEqualTo(client.handshakeRequest())
                    .isNotSameAs(client.handshakeRequest());
            assertThat(response).isEqualTo(server.handshakeResponse()).isEqualTo(client.handshakeResponse())
                    .isNotSameAs(client.handshakeResponse());
            assertThat(request.headers().first("User-Agent")).contains(ClientHandshake.USER_AGENT);
            assertThat(response.headers().first("Sec-WebSocket-Accept"))
                    .contains(Accept.of(request.headers().first("Sec-WebSocket-Key").orElseThrow()));
            client.close();
        }
    }
}
