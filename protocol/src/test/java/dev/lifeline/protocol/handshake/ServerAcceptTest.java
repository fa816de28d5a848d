package dev.lifeline.protocol.handshake;

import static dev.lifeline.protocol.handshake.Wire.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The server's 101 Switching Protocols, RFC 6455 §4.2.2 item 5, and the whole opening handshake run from both
 * sides over wire bytes.
 */
class ServerAcceptTest {

    /** The key for bytes 0x01..0x10, as a client sends it. */
    private static final String CLIENT_KEY = "AQIDBAUGBwgJCgsMDQ4PEA==";

    private final ServerHandshake.Offer rfcOffer = ServerHandshake.validate(
            new RequestParser(HeadLimits.DEFAULT).feed(Wire.buffer(Wire.RFC_REQUEST)).orElseThrow());

    @Test
    void acceptingTheRfcRequestWithChatGivesTheRfcResponseBytes() {
        HttpResponse response = ServerHandshake.accept(rfcOffer, Optional.of("chat"), List.of(), Headers.empty());

        assertThat(text(response.toBytes())).isEqualTo(Wire.RFC_RESPONSE);
    }

    @Test
    void withoutSubprotocolTheResponseHasNoProtocolHeader() {
        HttpResponse response = ServerHandshake.accept(rfcOffer, Optional.empty(), List.of(), Headers.empty());

        assertThat(text(response.toBytes())).isEqualTo("HTTP/1.1 101 Switching Protocols\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
                + "\r\n");
    }

    @Test
    void acceptedExtensionsAndExtraHeadersFollowInOrder() {
        ServerHandshake.Offer offer = ServerHandshake.validate(new HttpRequest("GET", "/", Headers.of(
                "Host", "a", "Upgrade", "websocket", "Connection", "Upgrade", "Sec-WebSocket-Key", CLIENT_KEY,
                "Sec-WebSocket-Version", "13",
                "Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits")));

        HttpResponse response = ServerHandshake.accept(offer, Optional.empty(),
                List.of(ExtensionOffer.of("permessage-deflate", ExtensionParam.of("client_max_window_bits", "10"))),
                Headers.of("Set-Cookie", "id=1"));

        assertThat(text(response.toBytes())).isEqualTo("HTTP/1.1 101 Switching Protocols\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: C/0nmHhBztSRGR1CwL6Tf4ZjwpY=\r\n"
                + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=10\r\n"
                + "Set-Cookie: id=1\r\n"
                + "\r\n");
    }

    @Test
    void aSubprotocolTheClientDidNotOfferCannotBeChosen() {
        assertThatThrownBy(() -> ServerHandshake.accept(rfcOffer, Optional.of("mqtt"), List.of(), Headers.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("subprotocol mqtt was not offered; offered [chat, superchat]");
    }

    @Test
    void anExtensionTheClientDidNotOfferCannotBeAccepted() {
        assertThatThrownBy(() -> ServerHandshake.accept(rfcOffer, Optional.empty(),
                List.of(ExtensionOffer.of("permessage-deflate")), Headers.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("extension permessage-deflate was not offered");
    }

    @Test
    void extraHeadersMayNotOverrideTheHandshakeHeaders() {
        assertThatThrownBy(() -> ServerHandshake.accept(rfcOffer, Optional.empty(), List.of(),
                Headers.of("sec-websocket-accept", "forged")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void bothSidesCompleteTheHandshakeOverWireBytesAndKeepTheFramesThatFollow() {
        ClientHandshake client = new ClientHandshake(URI.create("ws://[::1]:8080/chat?room=7"),
                ClientRequestTest.KEY, List.of("v2.chat", "v1.chat"),
                List.of(ExtensionOffer.of("permessage-deflate", ExtensionParam.of("client_max_window_bits"))),
                Headers.of("Origin", "https://example.com"));
        ByteBuffer toServer = ByteBuffer.wrap(Wire.bytes(text(client.request().toBytes()) + Wire.FRAME));

        RequestParser requestParser = new RequestParser(HeadLimits.DEFAULT);
        HttpRequest received = Wire.feedByteByByte(requestParser::feed, toServer).orElseThrow();
        ServerHandshake.Offer offer = ServerHandshake.validate(received);
        HttpResponse sent = ServerHandshake.accept(offer, Optional.of(offer.subprotocols().get(1)),
                List.of(ExtensionOffer.of("permessage-deflate")), Headers.empty());
        ByteBuffer toClient = ByteBuffer.wrap(Wire.bytes(text(sent.toBytes()) + Wire.FRAME));
        HttpResponse answer = new ResponseParser(HeadLimits.DEFAULT).feed(toClient).orElseThrow();
        ClientHandshake.Accepted accepted = client.validate(answer);

        assertThat(received.target()).isEqualTo("/chat?room=7");
        assertThat(received.headers().first("Host")).contains("[::1]:8080");
        assertThat(offer.origin()).contains("https://example.com");
        assertThat(offer.key()).isEqualTo(client.key());
        assertThat(accepted.subprotocol()).contains("v1.chat");
        assertThat(accepted.extensions()).containsExactly(ExtensionOffer.of("permessage-deflate"));
        assertThat(Wire.remaining(toServer)).isEqualTo(Wire.FRAME);
        assertThat(Wire.remaining(toClient)).isEqualTo(Wire.FRAME);
    }
}
