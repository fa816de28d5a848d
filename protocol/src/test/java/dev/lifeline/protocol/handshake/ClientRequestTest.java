package dev.lifeline.protocol.handshake;

import static dev.lifeline.protocol.handshake.Wire.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The client's opening handshake request: RFC 6455 §4.1 (items 1–12) and the ws/wss URIs of §3. */
class ClientRequestTest {

    static final byte[] KEY = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

    private static ClientHandshake client(String uri) {
        return new ClientHandshake(URI.create(uri), KEY, List.of(), List.of(), Headers.empty());
    }

    private static String host(String uri) {
        return client(uri).request().headers().first("Host").orElseThrow();
    }

    @Test
    void requestBytesForKeyBytesOneToSixteen() {
        ClientHandshake client = new ClientHandshake(URI.create("ws://example.com/chat"), KEY, List.of(), List.of(),
                Headers.of("Origin", "http://example.com"));

        assertThat(client.key()).isEqualTo("AQIDBAUGBwgJCgsMDQ4PEA==");
        assertThat(text(client.request().toBytes())).isEqualTo("GET /chat HTTP/1.1\r\n"
                + "Host: example.com\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: AQIDBAUGBwgJCgsMDQ4PEA==\r\n"
                + "Sec-WebSocket-Version: 13\r\n"
                + "Origin: http://example.com\r\n"
                + "User-Agent: Lifeline/0.1\r\n"
                + "\r\n");
    }

    @Test
    void theRfcSampleNonceGivesTheRfcRequest() {
        ClientHandshake client = new ClientHandshake(URI.create("ws://server.example.com/chat"),
                "the sample nonce".getBytes(StandardCharsets.US_ASCII), List.of("chat", "superchat"), List.of(),
                Headers.of("Origin", "http://example.com", "User-Agent", "test"));

        assertThat(client.key()).isEqualTo("dGhlIHNhbXBsZSBub25jZQ==");
        assertThat(text(client.request().toBytes())).isEqualTo("GET /chat HTTP/1.1\r\n"
                + "Host: server.example.com\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Protocol: chat, superchat\r\n"
                + "Origin: http://example.com\r\n"
                + "User-Agent: test\r\n"
                + "\r\n");
    }

    @Test
    void extensionOffersAreFormattedInOneHeader() {
        ClientHandshake client = new ClientHandshake(URI.create("wss://example.com/"), KEY, List.of(),
                List.of(ExtensionOffer.of("permessage-deflate", ExtensionParam.of("client_max_window_bits")),
                        ExtensionOffer.of("permessage-deflate")),
                Headers.empty());

        assertThat(client.request().headers().all("Sec-WebSocket-Extensions"))
                .containsExactly("permessage-deflate; client_max_window_bits, permessage-deflate");
    }

    @ParameterizedTest
    @CsvSource({
        "ws://example.com, /",
        "ws://example.com?x=1, /?x=1",
        "ws://example.com/, /",
        "ws://example.com/a%20b?q=1%202&r, /a%20b?q=1%202&r",
        "WS://example.com/chat, /chat",
    })
    void theTargetIsThePathOrSlashAndTheRawQuery(String uri, String target) {
        assertThat(client(uri).request().target()).isEqualTo(target);
    }

    @Test
    void nonAsciiInThePathIsPercentEncodedAsUtf8() {
        assertThat(client("ws://example.com/\u00fc?q=\u00e9").request().target()).isEqualTo("/%C3%BC?q=%C3%A9");
    }

    @ParameterizedTest
    @CsvSource({
        "ws://example.com:80/, example.com",
        "ws://example.com:8080/, example.com:8080",
        "ws://example.com:443/, example.com:443",
        "wss://example.com/, example.com",
        "wss://example.com:443/, example.com",
        "wss://example.com:80/, example.com:80",
        "ws://127.0.0.1:9000/, 127.0.0.1:9000",
    })
    void theHostHeaderOmitsOnlyTheSchemesDefaultPort(String uri, String host) {
        assertThat(host(uri)).isEqualTo(host);
    }

    @Test
    void anIpv6LiteralHostIsBracketed() {
        assertThat(host("ws://[::1]:9000/")).isEqualTo("[::1]:9000");
        assertThat(host("wss://[2001:db8::1]/chat")).isEqualTo("[2001:db8::1]");
    }

    @Test
    void aHostInTheExtraHeadersReplacesTheDerivedOne() {
        ClientHandshake client = new ClientHandshake(URI.create("ws://10.0.0.1:8080/"), KEY, List.of(), List.of(),
                Headers.of("Host", "virtual.example.com"));

        assertThat(client.request().headers().all("Host")).containsExactly("virtual.example.com");
        assertThat(client.request().headers().iterator().next().getKey()).isEqualTo("Host");
    }

    @Test
    void aUserAgentInTheExtraHeadersIsTheOnlyOne() {
        ClientHandshake client = new ClientHandshake(URI.create("ws://example.com/"), KEY, List.of(), List.of(),
                Headers.of("user-agent", "mine/1"));

        assertThat(client.request().headers().all("User-Agent")).containsExactly("mine/1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://example.com/", "https://example.com/", "example.com/chat", "ws:opaque",
        "ws://example.com/#frag", "ws://user:pw@example.com/", "ws:///path", "ws://bad_host/"})
    void uriOtherThanAWsOrWssUriWithAHostAndNoFragmentIsRejected(String uri) {
        assertThatThrownBy(() -> client(uri)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aKeyOtherThan16BytesIsRejected() {
        assertThatThrownBy(() -> new ClientHandshake(URI.create("ws://a/"), new byte[15], List.of(), List.of(),
                Headers.empty())).hasMessage("Sec-WebSocket-Key needs 16 bytes, got 15");
    }

    @Test
    void subprotocolsMustBeUniqueTokens() {
        URI uri = URI.create("ws://a/");
        assertThatThrownBy(() -> new ClientHandshake(uri, KEY, List.of("chat", "chat"), List.of(), Headers.empty()))
                .hasMessage("subprotocol \"chat\" is offered twice");
        assertThatThrownBy(() -> new ClientHandshake(uri, KEY, List.of("chat/1"), List.of(), Headers.empty()))
                .hasMessage("subprotocol \"chat/1\" is not a token");
        assertThatThrownBy(() -> new ClientHandshake(uri, KEY, List.of(""), List.of(), Headers.empty()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Upgrade", "connection", "Sec-WebSocket-Key", "Sec-WebSocket-Version",
        "Sec-WebSocket-Protocol", "Sec-WebSocket-Extensions"})
    void extraHeadersMayNotOverrideTheHandshakeHeaders(String name) {
        assertThatThrownBy(() -> new ClientHandshake(URI.create("ws://a/"), KEY, List.of(), List.of(),
                Headers.of(name, "x"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("written by the handshake itself");
    }

    @Test
    void theKeyBytesAreCopied() {
        byte[] key = KEY.clone();
        ClientHandshake client = new ClientHandshake(URI.create("ws://a/"), key, List.of(), List.of(),
                Headers.empty());
        key[0] = 99;

        assertThat(client.key()).isEqualTo("AQIDBAUGBwgJCgsMDQ4PEA==");
    }
}
