package dev.lifeline.protocol.handshake;

import static dev.lifeline.protocol.handshake.Wire.failure;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The client's checks of the server's response, RFC 6455 §4.1 ("If the status code received from the server
 * is not 101 ... If the response lacks an |Upgrade| header field ... the client MUST _Fail the WebSocket
 * Connection_") and §4.2.2 (what a valid 101 holds).
 */
class ClientValidationTest {

    /** The Sec-WebSocket-Accept for key bytes 0x01..0x10, computed outside Lifeline. */
    private static final String ACCEPT = "C/0nmHhBztSRGR1CwL6Tf4ZjwpY=";

    private final ClientHandshake client = new ClientHandshake(URI.create("ws://example.com/chat"),
            ClientRequestTest.KEY, List.of("chat", "superchat"),
            List.of(ExtensionOffer.of("permessage-deflate", ExtensionParam.of("client_max_window_bits"))),
            Headers.empty());

    private static HttpResponse switching(String... namesAndValues) {
        return new HttpResponse(101, "Switching Protocols", Headers.of(namesAndValues), new byte[0]);
    }

    private static HttpResponse valid(String... more) {
        Headers.Builder headers = Headers.builder()
                .add("Upgrade", "websocket").add("Connection", "Upgrade").add("Sec-WebSocket-Accept", ACCEPT);
        headers.addAll(Headers.of(more));
        return new HttpResponse(101, "Switching Protocols", headers.build(), new byte[0]);
    }

    /** Checks that validating {@code response} fails with status 0, the response attached, and this message. */
    private void rejected(HttpResponse response, String message) {
        HandshakeException e = failure(() -> client.validate(response));

        assertThat(e.status()).isZero();
        assertThat(e.response()).contains(response);
        assertThat(e.headers()).isEqualTo(response.headers());
        assertThat(e.getMessage()).isEqualTo(message);
    }

    @Test
    void theRfcExampleResponseIsAcceptedWithItsSubprotocol() {
        ClientHandshake rfc = new ClientHandshake(URI.create("ws://server.example.com/chat"),
                "the sample nonce".getBytes(StandardCharsets.US_ASCII), List.of("chat", "superchat"), List.of(),
                Headers.empty());
        HttpResponse response = new ResponseParser(HeadLimits.DEFAULT).feed(Wire.buffer(Wire.RFC_RESPONSE))
                .orElseThrow();

        ClientHandshake.Accepted accepted = rfc.validate(response);

        assertThat(accepted.subprotocol()).contains("chat");
        assertThat(accepted.extensions()).isEmpty();
        assertThat(accepted.response()).isSameAs(response);
    }

    @Test
    void aMinimal101IsAcceptedWithoutSubprotocolOrExtensions() {
        ClientHandshake.Accepted accepted = client.validate(valid());

        assertThat(accepted.subprotocol()).isEmpty();
        assertThat(accepted.extensions()).isEmpty();
    }

    @Test
    void upgradeAndConnectionAreMatchedCaseInsensitivelyWithinLists() {
        HttpResponse response = switching("Upgrade", "WebSocket", "Connection", "keep-alive, UPGRADE",
                "Sec-WebSocket-Accept", ACCEPT);

        assertThat(client.validate(response).response()).isSameAs(response);
    }

    @Test
    void aStatusOtherThan101FailsWithThatStatusReasonAndBodyExcerpt() {
        HttpResponse forbidden = new HttpResponse(403, "Forbidden", Headers.of("Retry-After", "5"),
                "origin not allowed\n".getBytes(StandardCharsets.UTF_8));

        HandshakeException e = failure(() -> client.validate(forbidden));

        assertThat(e.status()).isEqualTo(403);
        assertThat(e.response()).contains(forbidden);
        assertThat(e.headers().first("Retry-After")).contains("5");
        assertThat(e.getMessage()).isEqualTo(
                "server answered 403 Forbidden instead of 101 Switching Protocols: \"origin not allowed\"");
    }

    @Test
    void aLongErrorBodyIsShortenedInTheMessage() {
        HttpResponse error = new HttpResponse(500, "Internal Server Error", Headers.empty(),
                "x".repeat(4096).getBytes(StandardCharsets.UTF_8));

        HandshakeException e = failure(() -> client.validate(error));

        assertThat(e.status()).isEqualTo(500);
        assertThat(e.getMessage()).endsWith("x\"...").hasSizeLessThan(200);
    }

    @Test
    void aMissingUpgradeFails() {
        rejected(switching("Connection", "Upgrade", "Sec-WebSocket-Accept", ACCEPT),
                "invalid 101 response: Upgrade is missing");
    }

    @Test
    void anUpgradeToAnotherProtocolFails() {
        rejected(switching("Upgrade", "h2c", "Connection", "Upgrade", "Sec-WebSocket-Accept", ACCEPT),
                "invalid 101 response: Upgrade \"h2c\" is not websocket");
    }

    @Test
    void aConnectionWithoutUpgradeFails() {
        rejected(switching("Upgrade", "websocket", "Connection", "keep-alive", "Sec-WebSocket-Accept", ACCEPT),
                "invalid 101 response: Connection \"keep-alive\" lacks the upgrade option");
        rejected(switching("Upgrade", "websocket", "Sec-WebSocket-Accept", ACCEPT),
                "invalid 101 response: Connection is missing");
    }

    @Test
    void aMissingAcceptFails() {
        rejected(switching("Upgrade", "websocket", "Connection", "Upgrade"),
                "invalid 101 response: Sec-WebSocket-Accept is missing");
    }

    @Test
    void aWrongAcceptFails() {
        rejected(switching("Upgrade", "websocket", "Connection", "Upgrade",
                        "Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="),
                "invalid 101 response: Sec-WebSocket-Accept \"s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\" does not match "
                        + ACCEPT + ", expected for key AQIDBAUGBwgJCgsMDQ4PEA==");
    }

    @Test
    void twoAcceptHeadersFailEvenIfOneIsRight() {
        HandshakeException e = failure(() -> client.validate(valid("Sec-WebSocket-Accept", ACCEPT)));

        assertThat(e.status()).isZero();
        assertThat(e.getMessage()).contains("Sec-WebSocket-Accept");
    }

    @Test
    void anOfferedSubprotocolIsReturned() {
        assertThat(client.validate(valid("Sec-WebSocket-Protocol", "superchat")).subprotocol()).contains("superchat");
    }

    @Test
    void aSubprotocolThatWasNotOfferedFails() {
        rejected(valid("Sec-WebSocket-Protocol", "mqtt"),
                "invalid 101 response: Sec-WebSocket-Protocol \"mqtt\" was not offered; offered [chat, superchat]");
    }

    @Test
    void subprotocolsCompareExactly() {
        assertThat(failure(() -> client.validate(valid("Sec-WebSocket-Protocol", "Chat"))).status()).isZero();
    }

    @Test
    void moreThanOneSubprotocolFails() {
        rejected(valid("Sec-WebSocket-Protocol", "chat, superchat"),
                "invalid 101 response: Sec-WebSocket-Protocol \"chat, superchat\" must name exactly one subprotocol");
        rejected(valid("Sec-WebSocket-Protocol", "chat", "Sec-WebSocket-Protocol", "chat"),
                "invalid 101 response: Sec-WebSocket-Protocol \"chat, chat\" must name exactly one subprotocol");
        rejected(valid("Sec-WebSocket-Protocol", ""),
                "invalid 101 response: Sec-WebSocket-Protocol \"\" must name exactly one subprotocol");
    }

    @Test
    void anOfferedExtensionIsReturnedWithTheServersParameters() {
        ClientHandshake.Accepted accepted = client.validate(
                valid("Sec-WebSocket-Extensions", "permessage-deflate; server_no_context_takeover"));

        assertThat(accepted.extensions()).containsExactly(
                ExtensionOffer.of("permessage-deflate", ExtensionParam.of("server_no_context_takeover")));
    }

    @Test
    void extensionNamesCompareCaseInsensitively() {
        assertThat(client.validate(valid("Sec-WebSocket-Extensions", "PerMessage-Deflate")).extensions())
                .extracting(ExtensionOffer::name).containsExactly("PerMessage-Deflate");
    }

    @Test
    void anExtensionThatWasNotOfferedFails() {
        rejected(valid("Sec-WebSocket-Extensions", "x-webkit-deflate-frame"),
                "server accepted extension x-webkit-deflate-frame, which was not offered; offered "
                        + "[permessage-deflate]");
    }

    @Test
    void aMalformedExtensionHeaderFails() {
        HandshakeException e = failure(() -> client.validate(valid("Sec-WebSocket-Extensions", "permessage-deflate;")));

        assertThat(e.status()).isZero();
        assertThat(e.response()).isPresent();
        assertThat(e.getMessage()).startsWith("malformed Sec-WebSocket-Extensions \"permessage-deflate;\"");
    }
}
