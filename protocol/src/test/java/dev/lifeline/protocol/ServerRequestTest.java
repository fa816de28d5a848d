package dev.lifeline.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.protocol.handshake.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The server protocol keeps the request head it parsed, whether or not it is a valid opening handshake (RFC 6455
 * §4.2.1), so that a server can answer a plain HTTP request such as a health check itself instead of with the
 * error the protocol prepared (§4.2.2).
 */
class ServerRequestTest {

    /** A server protocol that received {@code head}. */
    static ServerProtocol receive(String head) {
        ServerProtocol server = new ServerProtocol(ProtocolConfig.DEFAULT);
        server.receiveData(ByteBuffer.wrap(head.getBytes(StandardCharsets.ISO_8859_1)));
        return server;
    }

    @Test
    void plainHttpRequestIsKeptAlongsideTheFailure() {
        ServerProtocol server = receive("GET /health HTTP/1.1\r\nHost: example.com\r\n\r\n");

        List<Event> events = server.takeEvents();
        assertThat(events).singleElement().isInstanceOfSatisfying(Event.HandshakeFailed.class,
                failed -> assertThat(failed.cause().status()).isEqualTo(426));
        assertThat(server.request()).map(HttpRequest::target).contains("/health");
        assertThat(server.offer()).isEmpty();
        assertThat(server.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void validHandshakeRequestIsTheOffersRequest() {
        ServerProtocol server = receive("GET /chat HTTP/1.1\r\nHost: example.com\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n");

        assertThat(server.request()).isPresent();
        assertThat(server.offer()).map(offer -> offer.request()).isEqualTo(server.request());
    }

    @Test
    void unparsableRequestHasNoHead() {
        ServerProtocol server = receive("HELLO\r\n\r\n");

        assertThat(server.takeEvents()).singleElement().isInstanceOf(Event.HandshakeFailed.class);
        assertThat(server.request()).isEmpty();
    }
}
