package dev.lifeline.reliable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeline.Message;
import dev.lifeline.WebSocket;
import dev.lifeline.WebSocketClient;
import dev.lifeline.protocol.CloseCode;
import dev.lifeline.protocol.handshake.HandshakeException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The server's side of the resume handshake, spoken by hand over a plain WebSocket the way a browser client would
 * (docs/topics/reliable-protocol.md): the subprotocol, HELLO and WELCOME, DATA and ACK, and every refusal with
 * its close code.
 */
@Timeout(20)
class ServerHandshakeTest {
    private ReliableServer server;

    @BeforeEach
    void start() throws IOException {
        server = Loopback.echoServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private WebSocket open() throws IOException {
        return WebSocketClient.builder().subprotocols(Envelope.SUBPROTOCOL).build().open(Loopback.uri(server.port()));
    }

    private static void send(WebSocket ws, String hex) {
        ws.send(HexFormat.of().parseHex(hex.replace(" ", "")));
    }

    private static Envelope next(WebSocket ws) {
        Message m = ws.receive(Duration.ofSeconds(5)).orElseThrow();
        return Envelope.decode(((Message.Binary) m).buffer());
    }

    /** The next DATA envelope; ACKs that come first are skipped. */
    private static Envelope.Data nextData(WebSocket ws) {
        while (true) {
            if (next(ws) instanceof Envelope.Data d) {
                return d;
            }
        }
    }

    private static CloseCode closedWith(WebSocket ws) throws Exception {
        return ws.closed().get(5, TimeUnit.SECONDS).code();
    }

    private static Envelope.Data text(long seq, long ack, String text) {
        return new Envelope.Data(seq, ack, true, text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void clientNotOfferingTheSubprotocolIsAnswered400() {
        assertThatThrownBy(() -> WebSocketClient.connect(Loopback.uri(server.port())))
                .isInstanceOfSatisfying(HandshakeException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.getMessage()).contains(Envelope.SUBPROTOCOL);
                });
    }

    @Test
    void aSessionSpokenByHandGetsItsTokenItsEchoAndItsResume() throws Exception {
        WebSocket ws = open();
        assertThat(ws.subprotocol()).contains(Envelope.SUBPROTOCOL);
        send(ws, "10 00 00"); // HELLO lastReceived=0, no token
        Envelope.Welcome welcome = (Envelope.Welcome) next(ws);
        assertThat(welcome.outcome()).isEqualTo(SessionOutcome.Kind.NEW);
        assertThat(welcome.lastReceived()).isZero();
        assertThat(welcome.token()).hasSize(16);

        send(ws, "01 01 00 6869"); // DATA_TEXT seq=1 ack=0 "hi"
        assertThat(nextData(ws)).isEqualTo(text(1, 1, "hi"));
        send(ws, "03 01"); // ACK 1
        ws.abort();

        WebSocket again = open();
        again.send(new Envelope.Hello(1, welcome.token()).encode());
        assertThat(next(again)).isEqualTo(new Envelope.Welcome(SessionOutcome.Kind.RESUMED, 1, welcome.token()));
        again.send(text(2, 1, "again").encode());
        assertThat(nextData(again)).isEqualTo(text(2, 2, "again"));
        again.close();
    }

    @Test
    void unacknowledgedServerMessagesAreResentAfterTheResume() throws Exception {
        WebSocket ws = open();
        send(ws, "10 00 00");
        Envelope.Welcome welcome = (Envelope.Welcome) next(ws);
        send(ws, "01 01 00 61"); // "a": echoed as server seq 1, which we never acknowledge
        assertThat(nextData(ws).seq()).isEqualTo(1);
        ws.abort();

        WebSocket again = open();
        again.send(new Envelope.Hello(0, welcome.token()).encode());
        assertThat(next(again)).isEqualTo(new Envelope.Welcome(SessionOutcome.Kind.RESUMED, 1, welcome.token()));
        assertThat(nextData(again)).isEqualTo(text(1, 1, "a"));
        again.close();
    }

    @Test
    void unknownTokenStartsANewSessionWithAFreshToken() throws Exception {
        WebSocket ws = open();
        byte[] stale = new byte[16];
        ws.send(new Envelope.Hello(7, stale).encode());
        Envelope.Welcome welcome = (Envelope.Welcome) next(ws);
        assertThat(welcome.outcome()).isEqualTo(SessionOutcome.Kind.NEW);
        assertThat(welcome.token()).isNotEqualTo(stale);
        ws.close();
    }

    @Test
    void resumeClaimingMoreThanTheServerSentIsRefusedWith1002AndTheSessionSurvives() throws Exception {
        WebSocket ws = open();
        send(ws, "10 00 00");
        Envelope.Welcome welcome = (Envelope.Welcome) next(ws);
        ws.abort();

        WebSocket liar = open();
        liar.send(new Envelope.Hello(5, welcome.token()).encode());
        assertThat(closedWith(liar)).isEqualTo(CloseCode.PROTOCOL_ERROR);
        assertThat(liar.closeStatus().orElseThrow().reason()).contains("only 0 were sent");

        WebSocket honest = open();
        honest.send(new Envelope.Hello(0, welcome.token()).encode());
        assertThat(next(honest)).extracting(e -> ((Envelope.Welcome) e).outcome())
                .isEqualTo(SessionOutcome.Kind.RESUMED);
        honest.close();
    }

    @Test
    void textMessageInsteadOfAnEnvelopeIsRefusedWith1003() throws Exception {
        WebSocket ws = open();
        ws.send("hello");
        assertThat(closedWith(ws)).isEqualTo(CloseCode.UNSUPPORTED_DATA);
    }

    @Test
    void firstEnvelopeThatIsNotHelloIsRefusedWith1002() throws Exception {
        WebSocket ws = open();
        send(ws, "03 00");
        assertThat(closedWith(ws)).isEqualTo(CloseCode.PROTOCOL_ERROR);
        assertThat(ws.closeStatus().orElseThrow().reason()).contains("expected HELLO");
    }

    @Test
    void malformedEnvelopeIsRefusedWith1002() throws Exception {
        WebSocket ws = open();
        send(ws, "7f");
        assertThat(closedWith(ws)).isEqualTo(CloseCode.PROTOCOL_ERROR);
    }

    @Test
    void silenceAfterTheOpeningHandshakeIsRefusedWith1002() throws Exception {
        server.close();
        server = Loopback.server(Loopback.ECHO).options(Loopback.FAST.withOpenTimeout(Duration.ofMillis(300)))
                .start();
        WebSocket ws = open();
        assertThat(closedWith(ws)).isEqualTo(CloseCode.PROTOCOL_ERROR);
        assertThat(ws.closeStatus().orElseThrow().reason()).contains("no resume handshake within PT0.3S");
    }

    @Test
    void gapInTheClientsSequenceNumbersIsRefusedWith1002() throws Exception {
        WebSocket ws = open();
        send(ws, "10 00 00");
        next(ws);
        send(ws, "01 02 00 61");
        assertThat(closedWith(ws)).isEqualTo(CloseCode.PROTOCOL_ERROR);
        assertThat(ws.closeStatus().orElseThrow().reason()).contains("expected 1, received 2");
    }

    @Test
    void textPayloadThatIsNotUtf8IsRefusedWith1007() throws Exception {
        WebSocket ws = open();
        send(ws, "10 00 00");
        next(ws);
        ws.send(ByteBuffer.wrap(HexFormat.of().parseHex("010100c328")));
        assertThat(closedWith(ws)).isEqualTo(CloseCode.INVALID_PAYLOAD);
    }
}
