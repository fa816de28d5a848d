package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeline.Message;
import dev.lifeline.WebSocket;
import dev.lifeline.WebSocketClient;
import dev.lifeline.WebSocketOptions;
import dev.lifeline.testing.TestTls;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve --keystore}, {@code connect --truststore} and {@code connect --insecure} over real TLS, with a
 * self-signed certificate for {@code localhost} made by the JDK's keytool.
 */
@Timeout(60)
class TlsTest {
    private static final char[] PASSWORD = "changeit".toCharArray();

    @TempDir
    static Path dir;
    private static Path keystore;
    private static DemoServer server;

    @BeforeAll
    static void serveWss() throws Exception {
        keystore = TestTls.keystore(dir.resolve("local.p12"), "dns:localhost", "changeit");
        ServerLog log = new ServerLog(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                true, Clock.systemDefaultZone());
        server = DemoServer.start("127.0.0.1", 0, Mode.ECHO, false, WebSocketOptions.DEFAULT,
                Optional.of(Tls.server(keystore, PASSWORD)), log);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static WebSocket open(String host, SSLContext tls) throws Exception {
        return WebSocketClient.builder().sslContext(tls).build()
                .open("wss://" + host + ":" + server.endpoint().getPort() + "/");
    }

    @Test
    void theServerNamesItsUrlsWss() {
        assertThat(server.endpoint().getScheme()).isEqualTo("wss");
        assertThat(server.page().getScheme()).isEqualTo("https");
    }

    @Test
    void aClientTrustingTheKeystoreTalksToTheServer() throws Exception {
        try (WebSocket ws = open("localhost", Tls.trusting(keystore, PASSWORD))) {
            ws.send("over tls");

            assertThat(ws.receive(Duration.ofSeconds(5))).contains(Message.text("over tls"));
        }
    }

    @Test
    void theSystemTrustStoreRefusesASelfSignedCertificate() {
        assertThatThrownBy(() -> open("localhost", SSLContext.getDefault()))
                .isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void aTrustedCertificateForAnotherHostNameIsRefused() {
        assertThatThrownBy(() -> open("127.0.0.1", Tls.trusting(keystore, PASSWORD)))
                .isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void insecureAcceptsAnyCertificateForAnyHostName() throws Exception {
        try (WebSocket ws = open("127.0.0.1", Tls.insecure())) {
            ws.send("unchecked");

            assertThat(ws.receive(Duration.ofSeconds(5))).contains(Message.text("unchecked"));
        }
    }
}
