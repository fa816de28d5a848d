package dev.lifeline.protocol.handshake;

import static dev.lifeline.protocol.handshake.Wire.failure;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The server's checks of the client's handshake, RFC 6455 §4.2.1 (items 1–10, and its opening paragraph: "an
 * appropriate error code (such as 400 Bad Request)") and §4.4 (426 with {@code Sec-WebSocket-Version}).
 */
class ServerValidationTest {

    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    /**
     * A valid request (the RFC's, without Origin and subprotocols) changed by name/value pairs: a value
     * replaces the field of that name, or is appended when there is none or the name starts with '+'; a null
     * value removes the field.
     */
    private static HttpRequest request(String method, String... changes) {
        List<String[]> fields = new ArrayList<>(List.of(new String[] {"Host", "server.example.com"},
                new String[] {"Upgrade", "websocket"}, new String[] {"Connection", "Upgrade"},
                new String[] {"Sec-WebSocket-Key", KEY}, new String[] {"Sec-WebSocket-Version", "13"}));
        for (int i = 0; i < changes.length; i += 2) {
            boolean append = changes[i].startsWith("+");
            String name = append ? changes[i].substring(1) : changes[i];
            String value = changes[i + 1];
            boolean replaced = append;
            for (int f = 0; f < fields.size() && !replaced; f++) {
                if (fields.get(f)[0].equals(name)) {
                    if (value == null) {
                        fields.remove(f);
                    } else {
                        fields.set(f, new String[] {name, value});
                    }
                    replaced = true;
                }
            }
            if (append || !replaced) {
                fields.add(new String[] {name, value});
            }
        }
        Headers.Builder headers = Headers.builder();
        fields.forEach(field -> headers.add(field[0], field[1]));
        return new HttpRequest(method, "/chat", headers.build());
    }

    private static HttpRequest get(String... changes) {
        return request("GET", changes);
    }

    private static HandshakeException rejection(HttpRequest request) {
        HandshakeException e = failure(() -> ServerHandshake.validate(request));
        assertThat(e.response()).isEmpty();
        return e;
    }

    @Test
    void theRfcExampleRequestIsAnOffer() {
        HttpRequest request = new RequestParser(HeadLimits.DEFAULT).feed(Wire.buffer(Wire.RFC_REQUEST)).orElseThrow();

        ServerHandshake.Offer offer = ServerHandshake.validate(request);

        assertThat(offer.request()).isSameAs(request);
        assertThat(offer.key()).isEqualTo(KEY);
        assertThat(offer.subprotocols()).containsExactly("chat", "superchat");
        assertThat(offer.extensions()).isEmpty();
        assertThat(offer.origin()).contains("http://example.com");
    }

    @Test
    void tokenListsAreMatchedCaseInsensitively() {
        ServerHandshake.Offer offer = ServerHandshake.validate(
                get("Upgrade", "WebSocket", "Connection", "keep-alive, upgrade"));

        assertThat(offer.origin()).isEmpty();
    }

    @Test
    void offeredExtensionsAndRepeatedSubprotocolsAreRead() {
        ServerHandshake.Offer offer = ServerHandshake.validate(get(
                "Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits",
                "Sec-WebSocket-Protocol", "chat, chat", "+Sec-WebSocket-Protocol", "superchat"));

        assertThat(offer.extensions()).containsExactly(
                ExtensionOffer.of("permessage-deflate", ExtensionParam.of("client_max_window_bits")));
        assertThat(offer.subprotocols()).containsExactly("chat", "superchat");
    }

    @Test
    void anAbsoluteFormTargetIsAccepted() {
        HttpRequest request = new HttpRequest("GET", "ws://server.example.com/chat", get().headers());

        assertThat(ServerHandshake.validate(request).request().target()).isEqualTo("ws://server.example.com/chat");
    }

    @Test
    void aTargetThatIsNeitherPathNorUriIsRejectedWith400() {
        HandshakeException e = rejection(new HttpRequest("GET", "*", get().headers()));

        assertThat(e.status()).isEqualTo(400);
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST", "HEAD", "get", "CONNECT"})
    void aMethodOtherThanGetIsRejectedWith405AllowingGet(String method) {
        HandshakeException e = rejection(request(method));

        assertThat(e.status()).isEqualTo(405);
        assertThat(e.headers()).containsExactly(Map.entry("Allow", "GET"));
    }

    /** §4.2.1 item 1: "HTTP/1.1 or higher"; an otherwise perfect HTTP/1.0 handshake is a bad request. */
    @Test
    void anHttp10HandshakeIsRejectedWith400() {
        HttpRequest http10 = new HttpRequest("GET", "/chat", get().headers(), HttpRequest.HTTP_1_0);

        HandshakeException e = rejection(http10);

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).contains("HTTP/1.1 or higher (RFC 6455 §4.2.1), not HTTP/1.0");
    }

    @Test
    void aMissingHostIsRejectedWith400() {
        HandshakeException e = rejection(get("Host", null));

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).isEqualTo("missing Host header");
    }

    @Test
    void twoHostsOrAnEmptyHostAreRejectedWith400() {
        assertThat(rejection(get("+Host", "other")).status()).isEqualTo(400);
        assertThat(rejection(request("GET", "Host", "")).getMessage()).isEqualTo("empty Host header");
    }

    @Test
    void noUpgradeAtAllIsAPlainRequestAnsweredWith426() {
        HandshakeException e = rejection(get("Upgrade", null, "Connection", null));

        assertThat(e.status()).isEqualTo(426);
        assertThat(e.headers().first("Upgrade")).contains("websocket");
        assertThat(e.headers().first("Sec-WebSocket-Version")).contains("13");
    }

    @Test
    void anUpgradeToAnotherProtocolIsRejectedWith400() {
        HandshakeException e = rejection(get("Upgrade", "h2c"));

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).isEqualTo("Upgrade \"h2c\" does not include websocket");
    }

    @Test
    void aConnectionWithoutUpgradeIsRejectedWith400() {
        assertThat(rejection(get("Connection", "keep-alive")).getMessage())
                .isEqualTo("Connection \"keep-alive\" does not include Upgrade");
        assertThat(rejection(get("Connection", null)).status()).isEqualTo(400);
    }

    @ParameterizedTest
    @ValueSource(strings = {"8", "12", "14", "013", "13, 8", ""})
    void aVersionOtherThan13IsRejectedWith426Naming13(String version) {
        HandshakeException e = rejection(get("Sec-WebSocket-Version", version));

        assertThat(e.status()).isEqualTo(426);
        assertThat(e.headers().all("Sec-WebSocket-Version")).containsExactly("13");
    }

    @Test
    void aMissingVersionIsRejectedWith426() {
        assertThat(rejection(get("Sec-WebSocket-Version", null)).status()).isEqualTo(426);
    }

    @Test
    void aRepeatedVersionIsRejectedWith400() {
        HandshakeException e = rejection(get("+Sec-WebSocket-Version", "13"));

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).isEqualTo("more than one Sec-WebSocket-Version header");
    }

    @Test
    void aMissingKeyIsRejectedWith400() {
        assertThat(rejection(get("Sec-WebSocket-Key", null)).getMessage())
                .isEqualTo("missing Sec-WebSocket-Key header");
    }

    @Test
    void aRepeatedKeyIsRejectedWith400() {
        HandshakeException e = rejection(get("+Sec-WebSocket-Key", KEY));

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).isEqualTo("more than one Sec-WebSocket-Key header");
    }

    @Test
    void aKeyThatIsNotBase64IsRejectedWith400() {
        HandshakeException e = rejection(get("Sec-WebSocket-Key", "not base64 at all!!!!!!!"));

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).isEqualTo("Sec-WebSocket-Key \"not base64 at all!!!!!!!\" is not base64");
    }

    @Test
    void aKeyThatDecodesTo15BytesIsRejectedWith400() {
        HandshakeException e = rejection(get("Sec-WebSocket-Key", "AQIDBAUGBwgJCgsMDQ4P"));

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).isEqualTo("Sec-WebSocket-Key \"AQIDBAUGBwgJCgsMDQ4P\" decodes to 15 bytes, not 16");
    }

    @Test
    void aKeyThatDecodesTo17BytesIsRejectedWith400() {
        assertThat(rejection(get("Sec-WebSocket-Key", "AQIDBAUGBwgJCgsMDQ4PEBE=")).getMessage())
                .endsWith("decodes to 17 bytes, not 16");
    }

    @Test
    void aKeyWithoutPaddingOrWithStrayBitsIsRejectedWith400() {
        assertThat(rejection(get("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ")).getMessage())
                .endsWith("is not the canonical base64 of 16 bytes");
        assertThat(rejection(get("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZR==")).status()).isEqualTo(400);
    }

    @Test
    void aRequestWithContentIsRejectedWith400() {
        assertThat(rejection(get("Content-Length", "5")).status()).isEqualTo(400);
        assertThat(rejection(get("Transfer-Encoding", "chunked")).status()).isEqualTo(400);
        assertThat(ServerHandshake.validate(get("Content-Length", "0")).key()).isEqualTo(KEY);
    }

    @Test
    void aMalformedExtensionHeaderIsRejectedWith400() {
        HandshakeException e = rejection(get("Sec-WebSocket-Extensions", "permessage-deflate; x=\"a b\""));

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).startsWith("malformed Sec-WebSocket-Extensions");
    }

    @Test
    void aSubprotocolThatIsNotATokenIsRejectedWith400() {
        HandshakeException e = rejection(get("Sec-WebSocket-Protocol", "chat, v1/json"));

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).isEqualTo("subprotocol \"v1/json\" is not a token");
    }
}
