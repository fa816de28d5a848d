package dev.lifeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.lifeline.protocol.CloseCode;
import dev.lifeline.protocol.CloseStatus;
import dev.lifeline.protocol.handshake.HandshakeException;
import dev.lifeline.protocol.handshake.Headers;
import dev.lifeline.protocol.handshake.HttpResponse;
import dev.lifeline.testing.TestTls;
import java.net.URI;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code wss://} (RFC 6455 §3, §11.1.2) with the JDK's TLS: the server serves a certificate from an
 * {@link SSLContext}, the client trusts what its {@code SSLContext} trusts and verifies the host name by default.
 * Certificates are made at test time with {@code keytool}.
 */
@Timeout(60)
class TlsTest {
    private static final String LOOPBACK = "ip:127.0.0.1";

    private static WebSocketServer.Builder echo() {
        return WebSocketServer.builder(ws -> ws.forEach(ws::send));
    }

    private static URI wss(WebSocketServer server) {
        return URI.create("wss://127.0.0.1:" + server.port() + "/");
    }

    @Test
    void messagesAndClosingHandshakeTravelOverTlsBothWays() throws Exception {
        SSLContext serverContext = TestTls.server(LOOPBACK);
        try (Peers peers = Peers.start(b -> b.sslContext(serverContext))) {
            WebSocketClient client = WebSocketClient.builder().sslContext(TestTls.trusting(LOOPBACK)).build();
            Peers.Pair closedByClient = new Peers.Pair(client.open(wss(peers.server)), peers.accepted());
            Peers.Pair closedByServer = new Peers.Pair(client.open(wss(peers.server)), peers.accepted());

            for (Peers.Pair pair : new Peers.Pair[] {closedByClient, closedByServer}) {
                pair.client().send("ping over TLS");
                assertThat(pair.server().receive()).isEqualTo(Message.text("ping over TLS"));
                pair.server().send(new byte[] {1, 2, 3});
                assertThat(pair.client().receive()).isEqualTo(Message.binary(new byte[] {1, 2, 3}));
            }
            closedByClient.client().close(CloseCode.NORMAL_CLOSURE, "client done");
            closedByServer.server().close(CloseCode.GOING_AWAY, "server done");

            assertThat(Peers.await(closedByClient.server().closed())).isEqualTo(CloseStatus.of(1000, "client done"));
            assertThat(Peers.await(closedByClient.client().closed())).isEqualTo(CloseStatus.of(1000, ""));
            assertThat(Peers.await(closedByServer.client().closed())).isEqualTo(CloseStatus.of(1001, "server done"));
            assertThat(Peers.await(closedByServer.server().closed())).isEqualTo(CloseStatus.of(1001, ""));
        }
    }

    @Test
    void hostNameVerificationRefusesACertificateForAnotherName() throws Exception {
        String other = "dns:wrong.example";
        try (WebSocketServer server = echo().sslContext(TestTls.server(other)).start()) {
            WebSocketClient client = WebSocketClient.builder().sslContext(TestTls.trusting(other)).build();

            SSLHandshakeException e = catchThrowableOfType(SSLHandshakeException.class, () -> client.open(wss(server)));

            assertThat(e).hasStackTraceContaining("127.0.0.1");
        }
    }

    @Test
    void certificateTheClientDoesNotTrustIsRefused() throws Exception {
        try (WebSocketServer server = echo().sslContext(TestTls.server(LOOPBACK)).start()) {
            assertThat(catchThrowableOfType(SSLHandshakeException.class, () -> WebSocketClient.connect(wss(server))))
                    .as("the JDK's default trust store does not know the test certificate").isNotNull();
        }
    }

    @Test
    void redirectFromWssToWsIsRefused() throws Exception {
        try (WebSocketServer plain = echo().start();
                WebSocketServer secure = echo().sslContext(TestTls.server(LOOPBACK))
                        .processRequest(request -> Optional.of(HttpResponse.of(302, "", Headers.of("Location",
                                "ws://127.0.0.1:" + plain.port() + "/")))).start()) {
            WebSocketClient client = WebSocketClient.builder().sslContext(TestTls.trusting(LOOPBACK)).build();

            HandshakeException e = catchThrowableOfType(HandshakeException.class, () -> client.open(wss(secure)));

            assertThat(e.status()).isEqualTo(302);
            assertThat(e).hasMessageContaining("insecure");
        }
    }
}
