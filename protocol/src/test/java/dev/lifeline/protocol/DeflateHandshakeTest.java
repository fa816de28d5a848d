package dev.lifeline.protocol;

import static dev.lifeline.protocol.Wire.assertFailedWith;
import static dev.lifeline.protocol.Wire.assertSent;
import static dev.lifeline.protocol.Wire.frame;
import static dev.lifeline.protocol.Wire.receive;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.protocol.extension.PerMessageDeflate;
import dev.lifeline.protocol.handshake.Accept;
import dev.lifeline.protocol.handshake.Headers;
import dev.lifeline.protocol.handshake.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * RFC 7692 §5 in whole opening handshakes: several offers in order of preference, a server answering without the
 * extension when it declines every offer, and a client failing a response it cannot accept (RFC 6455 §9.1 and
 * RFC 7692 §5: "_Fail the WebSocket Connection_").
 */
class DeflateHandshakeTest {
    private static final ProtocolConfig DEFLATE = ProtocolConfig.DEFAULT.withExtensions(
            List.of(PerMessageDeflate.DEFAULT.withMinSize(0)));

    /** The server's response to a request carrying {@code extensions}; the connection is OPEN. */
    private static ServerProtocol serverAnswering(ProtocolConfig config, String extensions) {
        ServerProtocol server = Wire.server(config);
        receive(server, Wire.hex(("GET /chat HTTP/1.1\r\nHost: example.com\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Extensions: " + extensions + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1)));
        server.accept(Optional.empty(), Headers.empty());
        server.takeOutbound();
        server.takeEvents();
        assertThat(server.state()).isEqualTo(State.OPEN);
        return server;
    }

    private static List<String> answered(ServerProtocol server) {
        return server.response().orElseThrow().headers().all("Sec-WebSocket-Extensions");
    }

    /** A client that received a 101 with {@code extensions} (none when null). */
    private static ClientProtocol clientReceiving(ProtocolConfig config, String extensions) {
        ClientProtocol client = Wire.client(config);
        client.sendRequest();
        client.takeOutbound();
        String key = client.request().headers().first("Sec-WebSocket-Key").orElseThrow();
        String response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + Accept.of(key) + "\r\n"
                + (extensions == null ? "" : "Sec-WebSocket-Extensions: " + extensions + "\r\n") + "\r\n";
        client.receiveData(ByteBuffer.wrap(response.getBytes(StandardCharsets.ISO_8859_1)));
        return client;
    }

    @Test
    void serverAcceptsTheFirstOfferItCanAndOnlyThatOne() {
        ServerProtocol server = serverAnswering(DEFLATE, "permessage-deflate; server_max_window_bits=7, "
                + "permessage-deflate; server_no_context_takeover; client_max_window_bits, permessage-deflate");
        assertThat(answered(server)).containsExactly("permessage-deflate; server_no_context_takeover");
        assertThat(server.extensions()).hasSize(1);
    }

    @Test
    void serverAnswersWithoutTheExtensionWhenItDeclinesEveryOfferAndThenRefusesRsv1() {
        ServerProtocol server = serverAnswering(DEFLATE,
                "permessage-deflate; x-unknown, permessage-deflate; server_max_window_bits=16");
        assertThat(answered(server)).isEmpty();
        assertThat(server.extensions()).isEmpty();
        receive(server, frame(Side.CLIENT, 0xc1, "f2 48 cd c9 c9 07 00"));
        assertFailedWith(server, 1002);
    }

    @Test
    void serverWithoutTheExtensionIgnoresAnOffer() {
        ServerProtocol server = serverAnswering(ProtocolConfig.DEFAULT, "permessage-deflate; client_max_window_bits");
        assertThat(answered(server)).isEmpty();
    }

    @Test
    void clientSendsItsOffersInOrderOfPreferenceInOneHeader() {
        ClientProtocol client = Wire.client(ProtocolConfig.DEFAULT.withExtensions(
                List.of(PerMessageDeflate.DEFAULT.withoutContextTakeover())));
        assertThat(client.request().headers().all("Sec-WebSocket-Extensions")).containsExactly(
                "permessage-deflate; server_no_context_takeover; client_no_context_takeover; client_max_window_bits, "
                        + "permessage-deflate; client_no_context_takeover; client_max_window_bits");
    }

    @Test
    void clientCompressesWhenTheServerAccepts() {
        ClientProtocol client = clientReceiving(DEFLATE, "permessage-deflate; server_no_context_takeover");
        assertThat(client.state()).isEqualTo(State.OPEN);
        client.takeEvents();
        client.sendText("Hello");
        assertSent(client, frame(Side.CLIENT, 0xc1, "f2 48 cd c9 c9 07 00"));
    }

    @Test
    void clientSendsUncompressedWhenTheServerAnswersWithoutTheExtension() {
        ClientProtocol client = clientReceiving(DEFLATE, null);
        assertThat(client.state()).isEqualTo(State.OPEN);
        assertThat(client.extensions()).isEmpty();
        client.sendText("Hello");
        assertSent(client, frame(Side.CLIENT, 0x81, "48 65 6c 6c 6f"));
    }

    @Test
    void clientFailsAResponseThatAcceptsTheExtensionTwice() {
        assertHandshakeFailed(clientReceiving(DEFLATE, "permessage-deflate, permessage-deflate"),
                "its reserved bits are taken by an extension accepted before");
    }

    @Test
    void clientFailsAResponseWithAnInvalidParameter() {
        assertHandshakeFailed(clientReceiving(DEFLATE, "permessage-deflate; client_max_window_bits"),
                "cannot accept the server's permessage-deflate parameters: parameter client_max_window_bits needs a"
                        + " value in a response (RFC 7692 §7.1.2.2)");
    }

    @Test
    void clientFailsAResponseWithTheExtensionNotOffered() {
        assertHandshakeFailed(clientReceiving(ProtocolConfig.DEFAULT, "permessage-deflate"),
                "server accepted extension permessage-deflate, which was not offered");
    }

    private static void assertHandshakeFailed(ClientProtocol client, String message) {
        assertThat(client.handshakeFailure()).hasValueSatisfying(e -> assertThat(e.getMessage()).contains(message));
        assertThat(client.state()).isEqualTo(State.CLOSED);
        assertThat(client.extensions()).isEmpty();
        assertThat(client.takeOutbound()).containsExactly(Outbound.EOF);
        assertThat(client.response()).map(HttpResponse::status).contains(101);
    }
}
