package dev.lifeline.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeline.MessageListener;
import dev.lifeline.WebSocketListener;
import dev.lifeline.WebSocketOptions;
import dev.lifeline.protocol.handshake.Headers;
import dev.lifeline.protocol.handshake.HttpRequest;
import dev.lifeline.protocol.handshake.HttpResponse;
import dev.lifeline.protocol.handshake.ServerHandshake;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The server's own answers to a valid handshake ({@link ServerConfig#refusal}), which its selecting thread may give
 * without running application code: 404 at another path than the endpoint's, 400 without a required subprotocol,
 * then the answer while unavailable, then 403 from an origin not allowed; which listener has an opening, from its
 * type alone; and which requests are meant as handshakes.
 */
class ServerRefusalTest {
    private static final HttpResponse DOWN = HttpResponse.of(503, "down", Headers.of("Retry-After", "1"));

    @Test
    void aValidHandshakeIsRefusedForItsSubprotocolThenAvailabilityThenOrigin() {
        AtomicBoolean down = new AtomicBoolean(true);
        ServerConfig config = config(List.of("v2", "v1"), true, down);

        assertThat(config.refusal(offer(List.of(), "https://bad.example"))).get()
                .satisfies(r -> assertThat(r.status()).isEqualTo(400)).satisfies(r -> assertThat(r.bodyText())
                        .isEqualTo("this endpoint speaks the WebSocket subprotocols v2, v1; offer one in "
                                + "Sec-WebSocket-Protocol"));
        assertThat(config.refusal(offer(List.of("v1"), "https://bad.example"))).contains(DOWN);
        down.set(false);
        assertThat(config.refusal(offer(List.of("v1"), "https://bad.example"))).get()
                .satisfies(r -> assertThat(r.status()).isEqualTo(403));
        assertThat(config.refusal(offer(List.of("v1"), "https://good.example"))).isEmpty();
        assertThat(config.selectSubprotocol(List.of("v1", "v2"))).as("ours, in our order").contains("v2");
    }

    @Test
    void aHandshakeAtAnotherPathThanTheEndpointsIs404BeforeAnyOtherCheck() {
        ServerConfig config = new ServerConfig(null, (ws, message) -> { }, "127.0.0.1", 0, 1, WebSocketOptions.DEFAULT,
                Optional.empty(), Optional.of(Set.of("https://good.example")), true, List.of("v1"), true,
                Optional.empty(), Optional.empty(), 1, false, Optional.of("/ws"));

        assertThat(config.refusal(offerAt("/chat?room=1", List.of(), "https://bad.example"))).get()
                .satisfies(r -> assertThat(r.status()).isEqualTo(404))
                .satisfies(r -> assertThat(r.bodyText()).isEqualTo("no WebSocket endpoint at /chat; connect to /ws"));
        assertThat(config.refusal(offerAt("/ws?room=1", List.of("v1"), "https://good.example"))).isEmpty();
        assertThat(config.refusal(offerAt("ws://example.com/ws", List.of("v1"), "https://good.example")))
                .as("absolute form").isEmpty();
        assertThat(config.refusal(offerAt("/ws/", List.of("v1"), "https://good.example"))).get()
                .satisfies(r -> assertThat(r.status()).isEqualTo(404));
        assertThatThrownBy(() -> new ServerConfig(null, (ws, message) -> { }, "127.0.0.1", 0, 1,
                WebSocketOptions.DEFAULT, Optional.empty(), Optional.empty(), true, List.of(), false,
                Optional.empty(), Optional.empty(), 1, false, Optional.of("ws"))).isInstanceOf(
                        IllegalArgumentException.class).hasMessage("path ws does not start with /");
    }

    @Test
    void aRequestOfferingAnotherProtocolIsPlainHttpButABrokenWebSocketHandshakeIsNot() {
        assertThat(OpeningHandshake.attemptsHandshake(get("Upgrade", "h2c", "Connection", "Upgrade, HTTP2-Settings",
                "HTTP2-Settings", "AAMAAABkAAQCAAAAAAIAAAAA"))).as("the JDK HttpClient's GET").isFalse();
        assertThat(OpeningHandshake.attemptsHandshake(get("Accept", "*/*"))).isFalse();
        assertThat(OpeningHandshake.attemptsHandshake(get("Upgrade", "websocket"))).isTrue();
        assertThat(OpeningHandshake.attemptsHandshake(get("Connection", "Upgrade"))).as("no Upgrade at all").isTrue();
        assertThat(OpeningHandshake.attemptsHandshake(get("Upgrade", "h2c", "Sec-WebSocket-Key", "k"))).isTrue();
    }

    @Test
    void aSubprotocolNotRequiredNeedNotBeOffered() {
        ServerConfig config = config(List.of("v1"), false, new AtomicBoolean(false));
        assertThat(config.refusal(offer(List.of(), "https://good.example"))).isEmpty();
    }

    @Test
    void aRequiredSubprotocolNeedsOneToRequire() {
        assertThatThrownBy(() -> config(List.of(), true, new AtomicBoolean()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aWebSocketListenerHasAnOpeningAndAMessageListenerNone() {
        MessageListener messages = (ws, message) -> ws.send(message);
        WebSocketListener full = (ws, message) -> ws.send(message);
        assertThat(listening(messages).listenerOpens()).isFalse();
        assertThat(listening(full).listenerOpens()).as("even one that does not override onOpen").isTrue();
        assertThat(listening(full).connectionListener()).isSameAs(full);
    }

    private static ServerConfig config(List<String> subprotocols, boolean required, AtomicBoolean down) {
        return new ServerConfig(null, (ws, message) -> { }, "127.0.0.1", 0, 1, WebSocketOptions.DEFAULT,
                Optional.empty(), Optional.of(Set.of("https://good.example")), true, subprotocols, required,
                Optional.of(new ServerConfig.Unavailable(down::get, DOWN)), Optional.empty(), 1, false, Optional.empty());
    }

    private static ServerConfig listening(MessageListener listener) {
        return new ServerConfig(null, listener, "127.0.0.1", 0, 1, WebSocketOptions.DEFAULT, Optional.empty(),
                Optional.empty(), true, List.of(), false, Optional.empty(), Optional.empty(), 1, false, Optional.empty());
    }

    private static ServerHandshake.Offer offer(List<String> subprotocols, String origin) {
        return offerAt("/", subprotocols, origin);
    }

    private static ServerHandshake.Offer offerAt(String target, List<String> subprotocols, String origin) {
        return new ServerHandshake.Offer(new HttpRequest("GET", target, Headers.of("Host", "x")), "key", subprotocols,
                List.of(), Optional.of(origin));
    }

    private static HttpRequest get(String... headers) {
        String[] all = new String[headers.length + 2];
        all[0] = "Host";
        all[1] = "x";
        System.arraycopy(headers, 0, all, 2, headers.length);
        return new HttpRequest("GET", "/", Headers.of(all));
    }
}
