package dev.lifeline.protocol;

import static dev.lifeline.protocol.Wire.assertEvents;
import static dev.lifeline.protocol.Wire.assertSent;
import static dev.lifeline.protocol.Wire.bytes;
import static dev.lifeline.protocol.Wire.events;
import static dev.lifeline.protocol.Wire.take;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeline.protocol.handshake.Headers;
import dev.lifeline.protocol.handshake.HttpRequest;
import dev.lifeline.protocol.handshake.HttpResponse;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * RFC 6455 §4 "Opening Handshake" as the state machine runs it: {@link ClientProtocol} and {@link ServerProtocol}
 * driving each other in memory, a bad request answered by the server on its own with the right HTTP status, a bad
 * response failing the client, and frames that travel in the same buffer as the handshake.
 */
class OpeningHandshakeFlowTest {
    private static final String RFC_KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    private static String request(String version) {
        return "GET /chat HTTP/1.1\r\n"
                + "Host: server.example.com\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + RFC_KEY + "\r\n"
                + "Sec-WebSocket-Version: " + version + "\r\n"
                + "\r\n";
    }

    private static void receiveText(Protocol p, String http) {
        p.receiveData(ByteBuffer.wrap(http.getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void clientAndServerOpenEachOtherInMemory() {
        ClientProtocol client = Wire.client(ProtocolConfig.DEFAULT);
        ServerProtocol server = Wire.server(ProtocolConfig.DEFAULT);
        assertThat(client.state()).isEqualTo(State.CONNECTING);
        assertThat(server.state()).isEqualTo(State.CONNECTING);

        client.sendRequest();
        Wire.Sent request = take(client);
        assertThat(request.eof()).isFalse();
        assertThat(request.text()).startsWith("GET /chat HTTP/1.1\r\n").contains("\r\nSec-WebSocket-Version: 13\r\n")
                .endsWith("\r\n\r\n");

        server.receiveData(ByteBuffer.wrap(request.data()));
        assertEvents(server, "RequestReceived /chat");
        assertThat(server.state()).isEqualTo(State.CONNECTING);
        assertThat(server.offer()).isPresent();
        assertSent(server, "");

        HttpResponse response = server.accept(Optional.empty(), Headers.empty());
        assertThat(response.status()).isEqualTo(101);
        assertThat(server.state()).isEqualTo(State.OPEN);
        assertThat(server.offer()).isEmpty(); // let go once answered; the request and the response stay
        assertThat(server.request()).map(HttpRequest::target).contains("/chat");
        assertThat(server.response()).contains(response);
        assertEvents(server, "HandshakeCompleted");
        Wire.Sent answer = take(server);
        assertThat(answer.text()).startsWith("HTTP/1.1 101 Switching Protocols\r\n").endsWith("\r\n\r\n");

        client.receiveData(ByteBuffer.wrap(answer.data()));
        assertEvents(client, "HandshakeCompleted");
        assertThat(client.state()).isEqualTo(State.OPEN);
        assertThat(client.response()).contains(response);
        assertThat(client.handshakeFailure()).isEmpty();
        assertThat(client.subprotocol()).isEmpty();
    }

    @Test
    void handshakeFedOneByteAtATimeCompletesOnBothSides() {
        ClientProtocol client = Wire.client(ProtocolConfig.DEFAULT);
        ServerProtocol server = Wire.server(ProtocolConfig.DEFAULT);
        client.sendRequest();
        for (byte b : take(client).data()) {
            assertThat(server.offer()).isEmpty();
            server.receiveData(ByteBuffer.wrap(new byte[] {b}));
        }
        assertEvents(server, "RequestReceived /chat");
        server.accept(Optional.empty(), Headers.empty());
        for (byte b : take(server).data()) {
            assertThat(client.state()).isEqualTo(State.CONNECTING);
            client.receiveData(ByteBuffer.wrap(new byte[] {b}));
        }
        assertEvents(client, "HandshakeCompleted");
        assertThat(client.state()).isEqualTo(State.OPEN);
    }

    @Test
    void serverAnswersTheRfcSampleKeyWithTheRfcAcceptValue() {
        ServerProtocol server = Wire.server(ProtocolConfig.DEFAULT);
        receiveText(server, request("13"));
        assertEvents(server, "RequestReceived /chat");
        server.accept(Optional.empty(), Headers.empty());
        assertThat(take(server).text()).contains("\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n");
    }

    @Test
    void subprotocolChosenByTheServerIsSeenByTheClient() {
        ClientProtocol client = new ClientProtocol(Wire.ENDPOINT, List.of("chat", "superchat"), Headers.empty(),
                ProtocolConfig.DEFAULT, new Wire.FixedRandom(Wire.MASK));
        ServerProtocol server = Wire.server(ProtocolConfig.DEFAULT);
        client.sendRequest();
        Wire.pipe(client, server);
        assertThat(server.offer().orElseThrow().subprotocols()).containsExactly("chat", "superchat");
        server.accept(Optional.of("superchat"), Headers.empty());
        Wire.pipe(server, client);
        assertThat(client.subprotocol()).contains("superchat");
        assertThat(server.subprotocol()).contains("superchat");
    }

    @Test
    void serverAnswersAnUnsupportedVersionWith426AndClosesTcp() {
        ServerProtocol server = Wire.server(ProtocolConfig.DEFAULT);
        receiveText(server, request("8"));
        assertEvents(server, "HandshakeFailed 426");
        Wire.Sent sent = take(server);
        assertThat(sent.text()).startsWith("HTTP/1.1 426 Upgrade Required\r\n")
                .contains("\r\nSec-WebSocket-Version: 13\r\n");
        assertThat(sent.eof()).isTrue();
        assertThat(server.state()).isEqualTo(State.CLOSED);
        assertThat(server.handshakeFailure()).hasValueSatisfying(e -> assertThat(e.status()).isEqualTo(426));
        assertThat(server.response()).hasValueSatisfying(r -> assertThat(r.status()).isEqualTo(426));
        receiveText(server, request("13"));
        assertEvents(server);
        assertSent(server, "");
    }

    @Test
    void serverAnswersAMalformedKeyWith400AndClosesTcp() {
        ServerProtocol server = Wire.server(ProtocolConfig.DEFAULT);
        receiveText(server, request("13").replace(RFC_KEY, "not-a-key"));
        assertEvents(server, "HandshakeFailed 400");
        Wire.Sent sent = take(server);
        assertThat(sent.text()).startsWith("HTTP/1.1 400 ");
        assertThat(sent.eof()).isTrue();
        assertThat(server.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void serverRejectionByTheApplicationIsSentThenTcpClosed() {
        ServerProtocol server = Wire.server(ProtocolConfig.DEFAULT);
        receiveText(server, request("13"));
        events(server);
        server.reject(HttpResponse.of(403, "go away"));
        Wire.Sent sent = take(server);
        assertThat(sent.text()).startsWith("HTTP/1.1 403 Forbidden\r\n").endsWith("go away");
        assertThat(sent.eof()).isTrue();
        assertThat(server.state()).isEqualTo(State.CLOSED);
        assertThatThrownBy(() -> server.accept(Optional.empty(), Headers.empty()))
                .isInstanceOf(InvalidStateException.class);
    }

    @Test
    void acceptingBeforeARequestArrivedThrowsInvalidState() {
        ServerProtocol server = Wire.server(ProtocolConfig.DEFAULT);
        assertThatThrownBy(() -> server.accept(Optional.empty(), Headers.empty()))
                .isInstanceOf(InvalidStateException.class);
        assertSent(server, "");
    }

    @Test
    void clientFailsA101WithTheWrongAcceptAndClosesTcp() {
        ClientProtocol client = Wire.client(ProtocolConfig.DEFAULT);
        client.sendRequest();
        take(client);
        receiveText(client, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n" + "\u0081\u0002hi");
        assertEvents(client, "HandshakeFailed 0");
        assertThat(client.state()).isEqualTo(State.CLOSED);
        assertThat(client.handshakeFailure()).hasValueSatisfying(
                e -> assertThat(e.getMessage()).contains("Sec-WebSocket-Accept"));
        assertSent(client, "EOF");
        assertThatThrownBy(() -> client.sendText("x")).isInstanceOf(ConnectionClosedException.class);
    }

    @Test
    void clientFailsWhenTheServerAnswersAnotherStatus() {
        ClientProtocol client = Wire.client(ProtocolConfig.DEFAULT);
        client.sendRequest();
        take(client);
        receiveText(client, "HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 13\r\nContent-Length: 0\r\n\r\n");
        assertEvents(client, "HandshakeFailed 426");
        assertThat(client.state()).isEqualTo(State.CLOSED);
        assertSent(client, "EOF");
    }

    @Test
    void framesPipelinedBehindThe101InTheSameBufferAreDelivered() {
        ClientProtocol client = Wire.client(ProtocolConfig.DEFAULT);
        ServerProtocol server = Wire.server(ProtocolConfig.DEFAULT);
        client.sendRequest();
        Wire.pipe(client, server);
        server.accept(Optional.empty(), Headers.empty());
        server.sendText("Hello");
        server.sendPing(ByteBuffer.wrap(bytes("01")));
        server.sendClose(CloseCode.GOING_AWAY, "");
        Wire.Sent all = take(server);
        assertThat(Wire.hex(all.data())).endsWith("810548656c6c6f" + "890101" + "880203e9");

        client.receiveData(ByteBuffer.wrap(all.data()));
        assertEvents(client, "HandshakeCompleted", "Text Hello", "Ping 01", "CloseReceived 1001 (going away)");
        assertSent(client, "8a 81 37fa213d 36" + "88 82 37fa213d 3413");
    }

    @Test
    void framesTheClientSendsBehindItsRequestAreDeliveredOnceAccepted() {
        ServerProtocol server = Wire.server(ProtocolConfig.DEFAULT);
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        buffer.writeBytes(request("13").getBytes(StandardCharsets.ISO_8859_1));
        buffer.writeBytes(bytes("81 85 37fa213d 7f9f4d5158  89 80 37fa213d"));
        server.receiveData(ByteBuffer.wrap(buffer.toByteArray()));
        assertEvents(server, "RequestReceived /chat");
        receive(server, "82 81 37fa213d 36");
        assertEvents(server);
        assertSent(server, "");

        server.accept(Optional.empty(), Headers.empty());
        assertEvents(server, "HandshakeCompleted", "Text Hello", "Ping ", "Binary 01");
        assertThat(Wire.hex(take(server).data())).endsWith("0d0a0d0a" + "8a00");
    }

    @Test
    void clientFloodingBeforeTheResponseIsCutOffWithoutAnAnswer() {
        ServerProtocol server = Wire.server(ProtocolConfig.DEFAULT);
        receiveText(server, request("13"));
        events(server);
        server.receiveData(ByteBuffer.allocate(64 * 1024 + 1));
        assertEvents(server, "Failed 1008");
        // No 101 was sent, so there is no WebSocket connection to send a Close frame on: just close TCP.
        assertSent(server, "EOF");
        assertThat(server.state()).isEqualTo(State.CLOSED);
        assertThatThrownBy(() -> server.accept(Optional.empty(), Headers.empty()))
                .isInstanceOf(InvalidStateException.class);
        assertSent(server, "");
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void sendingBeforeTheHandshakeCompletesThrowsInvalidState(Side side) {
        Protocol p = side == Side.CLIENT ? Wire.client(ProtocolConfig.DEFAULT) : Wire.server(ProtocolConfig.DEFAULT);
        assertThatThrownBy(() -> p.sendText("x")).isInstanceOf(InvalidStateException.class);
        assertThatThrownBy(() -> p.sendBinary(ByteBuffer.allocate(1), true)).isInstanceOf(InvalidStateException.class);
        assertThatThrownBy(() -> p.sendClose(CloseCode.NORMAL_CLOSURE, "")).isInstanceOf(InvalidStateException.class);
        assertSent(p, "");
        assertThat(p.state()).isEqualTo(State.CONNECTING);
    }

    @Test
    void sendingTheRequestAgainOnceOpenThrowsInvalidState() {
        ClientProtocol client = Wire.connect(ProtocolConfig.DEFAULT).client();
        assertThatThrownBy(client::sendRequest).isInstanceOf(InvalidStateException.class);
        assertSent(client, "");
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void eofDuringTheHandshakeClosesWith1006(Side side) {
        Protocol p = side == Side.CLIENT ? Wire.client(ProtocolConfig.DEFAULT) : Wire.server(ProtocolConfig.DEFAULT);
        p.receiveEof();
        assertThat(p.state()).isEqualTo(State.CLOSED);
        assertEvents(p, "Closed 1006");
        assertSent(p, "EOF");
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void failDuringTheHandshakeClosesTcpWithoutACloseFrame(Side side) {
        Protocol p = side == Side.CLIENT ? Wire.client(ProtocolConfig.DEFAULT) : Wire.server(ProtocolConfig.DEFAULT);
        p.fail(CloseCode.GOING_AWAY, "timeout");
        assertSent(p, "EOF");
        assertThat(p.state()).isEqualTo(State.CLOSED);
        assertThat(p.closeSent()).isEmpty();
        p.receiveEof();
        assertEvents(p);
    }

    private static void receive(Protocol p, String hex) {
        Wire.receive(p, hex);
    }
}
