package dev.lifeline.reliable;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Failure;
import dev.lifeline.Message;
import dev.lifeline.WebSocket;
import dev.lifeline.WebSocketServer;
import dev.lifeline.protocol.CloseCode;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The client's side of the resume handshake against scripted servers that break the protocol: the client closes
 * the connection with the violation's code and, since retrying would fail again, gives up with the reason.
 */
@Timeout(20)
class ClientHandshakeTest {
    private static final String TOKEN = "0102030405060708090a0b0c0d0e0f10";

    /** A plain WebSocket server that reads the client's HELLO, then plays {@code script}. */
    private static WebSocketServer scripted(boolean selectSubprotocol, WebSocketServer.Handler script)
            throws Exception {
        WebSocketServer.Builder b = WebSocketServer.builder(ws -> {
            Message hello = ws.receive();
            assertThat(Envelope.decode(((Message.Binary) hello).buffer())).isInstanceOf(Envelope.Hello.class);
            script.handle(ws);
            ws.receive(Duration.ofSeconds(5));
        }).options(Loopback.FAST);
        if (selectSubprotocol) {
            b.subprotocols(Envelope.SUBPROTOCOL);
        }
        return b.start();
    }

    private static void send(WebSocket ws, String hex) {
        ws.send(HexFormat.of().parseHex(hex.replace(" ", "")));
    }

    private static Failure.Disconnected givesUpWith(WebSocketServer server, CloseCode code) throws Exception {
        ReliableClient client = Loopback.client(server.port()).connect();
        CloseReason reason = client.closed().get(10, TimeUnit.SECONDS);
        assertThat(reason.kind()).isEqualTo(CloseReason.Kind.GAVE_UP);
        Failure.Disconnected d = (Failure.Disconnected) reason.failure().orElseThrow();
        assertThat(d.code()).isEqualTo(code);
        assertThat(d.byPeer()).as("the client sent the close").isFalse();
        return d;
    }

    @Test
    void serverThatDoesNotSelectTheSubprotocolIsRefused() throws Exception {
        try (WebSocketServer server = WebSocketServer.builder(ws -> ws.receive(Duration.ofSeconds(5)))
                .options(Loopback.FAST).start()) {
            ReliableClient client = Loopback.client(server.port()).connect();
            CloseReason reason = client.closed().get(10, TimeUnit.SECONDS);
            assertThat(reason.failure()).get().isInstanceOfSatisfying(Failure.Refused.class, r -> {
                assertThat(r.status()).isZero();
                assertThat(r.message()).contains("did not select subprotocol " + Envelope.SUBPROTOCOL);
            });
        }
    }

    @Test
    void dataBeforeWelcomeIsRefusedWith1002() throws Exception {
        try (WebSocketServer server = scripted(true, ws -> send(ws, "01 01 00 61"))) {
            assertThat(givesUpWith(server, CloseCode.PROTOCOL_ERROR).status().reason()).contains("expected WELCOME");
        }
    }

    @Test
    void resumedForASessionNeverAskedForIsRefusedWith1002() throws Exception {
        try (WebSocketServer server = scripted(true, ws -> send(ws, "11 01 00 10" + TOKEN))) {
            assertThat(givesUpWith(server, CloseCode.PROTOCOL_ERROR).status().reason())
                    .contains("RESUMED a session that was not asked for");
        }
    }

    @Test
    void gapInTheServersSequenceNumbersIsRefusedWith1002() throws Exception {
        try (WebSocketServer server = scripted(true, ws -> {
            send(ws, "11 00 00 10" + TOKEN);
            send(ws, "01 05 00 61");
        })) {
            assertThat(givesUpWith(server, CloseCode.PROTOCOL_ERROR).status().reason()).contains("sequence gap");
        }
    }

    @Test
    void ackOfMessagesNeverSentIsRefusedWith1002() throws Exception {
        try (WebSocketServer server = scripted(true, ws -> {
            send(ws, "11 00 00 10" + TOKEN);
            send(ws, "03 09");
        })) {
            assertThat(givesUpWith(server, CloseCode.PROTOCOL_ERROR).status().reason())
                    .contains("acknowledgement of 9");
        }
    }

    @Test
    void textMessageFromTheServerIsRefusedWith1003() throws Exception {
        try (WebSocketServer server = scripted(true, ws -> {
            send(ws, "11 00 00 10" + TOKEN);
            ws.send("not an envelope");
        })) {
            givesUpWith(server, CloseCode.UNSUPPORTED_DATA);
        }
    }

    @Test
    void welcomeCarriesTheTokenTheClientKeeps() throws Exception {
        try (WebSocketServer server = scripted(true, ws -> send(ws, "11 00 00 10" + TOKEN));
                ReliableClient client = Loopback.client(server.port()).connect()) {
            Loopback.await(() -> client.token().isPresent());
            assertThat(client.token()).contains(ReliableClient.encodeToken(HexFormat.of().parseHex(TOKEN)));
            assertThat(client.state()).isEqualTo(ReliableClient.State.OPEN);
        }
    }
}
