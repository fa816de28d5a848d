package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.testing.TestTls;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a newcomer types wrong, run as they would run it (the packaged jar, as a process), and the one line each
 * mistake gets back: what is wrong and what to type instead, with no Java class names and no help text that pushes
 * the error off the screen.
 */
@Timeout(120)
class MistakesIT {
    private static final String PASSWORD = "changeit";

    @TempDir
    static Path dir;
    private static Path keystore;
    private static LifelineProcess plain;
    private static LifelineProcess tls;
    private static LifelineProcess reliable;

    @BeforeAll
    static void serve() throws Exception {
        keystore = TestTls.keystore(dir.resolve("local.p12"), "dns:localhost", PASSWORD);
        plain = LifelineProcess.serve();
        tls = LifelineProcess.serve("--keystore", keystore.toString(), "--keystore-password", PASSWORD);
        reliable = LifelineProcess.serve("--reliable");
    }

    @AfterAll
    static void stop() throws Exception {
        for (LifelineProcess server : new LifelineProcess[] {plain, tls, reliable}) {
            if (server != null) {
                server.close();
            }
        }
    }

    /** {@code lifeline ARGS} with nothing on its input: its exit code, and then what it printed. */
    private static LifelineProcess run(String... args) throws Exception {
        LifelineProcess process = LifelineProcess.start(args);
        process.input("");
        process.exitCode();
        return process;
    }

    private static void assertOneLine(LifelineProcess process, int exitCode, String line) throws Exception {
        assertThat(process.exitCode()).as(process.stderr()).isEqualTo(exitCode);
        assertThat(process.stderr()).isEqualTo(line + System.lineSeparator());
        assertThat(process.stdout()).isEmpty();
    }

    @Test
    void aPortOutOfRangeIsTheErrorAndWhereTheHelpIs() throws Exception {
        LifelineProcess serve = run("serve", "--port", "99999");

        assertThat(serve.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(serve.stderr()).isEqualTo(String.format(
                "lifeline serve: --port must be between 0 and 65535: 99999%nsee `lifeline serve --help`%n"));
    }

    @Test
    void anAddressWithoutSchemeIsToldToAddWs() throws Exception {
        LifelineProcess connect = run("connect", "127.0.0.1:8765");

        assertThat(connect.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(connect.stderr()).contains("'127.0.0.1:8765' has no scheme: add ws:// (ws://127.0.0.1:8765/)")
                .doesNotContain("Exception");
    }

    @Test
    void plainWsToATlsServerSaysUseWss() throws Exception {
        URI wss = tls.endpoint();
        String ws = "ws://127.0.0.1:" + wss.getPort() + "/";

        assertOneLine(run("connect", ws), ExitCodes.CONNECTION_FAILED, "! cannot connect to " + ws + ": the answer"
                + " starts with a TLS record, not an HTTP status line: the server speaks TLS; use wss://");
    }

    @Test
    void wssToAPlainServerSaysUseWs() throws Exception {
        String wss = "wss://127.0.0.1:" + plain.port() + "/";

        assertOneLine(run("connect", wss), ExitCodes.CONNECTION_FAILED, "! cannot connect to " + wss
                + ": the server does not speak TLS: use ws:// instead of wss://");
    }

    @Test
    void anUntrustedCertificateNamesTruststore() throws Exception {
        String wss = "wss://localhost:" + tls.port() + "/";

        assertOneLine(run("connect", wss), ExitCodes.CONNECTION_FAILED, "! cannot connect to " + wss + ": the"
                + " server's certificate is not trusted: name it (or the authority that signed it) with --truststore"
                + " FILE, or use --insecure against a test server");
        LifelineProcess trusting = LifelineProcess.start("connect", "--truststore", keystore.toString(),
                "--truststore-password", PASSWORD, wss);
        trusting.input("over tls\n");
        assertThat(trusting.exitCode()).as(trusting.stderr()).isEqualTo(ExitCodes.OK);
        assertThat(trusting.stdout()).isEqualTo("over tls\n");
    }

    /** The same shape, exit code and wording on both commands: which option, which file, what is wrong. */
    @Test
    void aWrongPasswordNamesThePasswordOptionsOnBothCommands() throws Exception {
        assertOneLine(run("serve", "--port", "0", "--keystore", keystore.toString(), "--keystore-password", "nope"),
                ExitCodes.USAGE, "lifeline serve: --keystore " + keystore + ": wrong password; give it with"
                        + " --keystore-password or $LIFELINE_KEYSTORE_PASSWORD");
        assertOneLine(run("connect", "--truststore", keystore.toString(), "wss://localhost:" + tls.port() + "/"),
                ExitCodes.USAGE, "lifeline connect: --truststore " + keystore + ": wrong password (none was given);"
                        + " give it with --truststore-password or $LIFELINE_TRUSTSTORE_PASSWORD");
    }

    @Test
    void aFileThatIsNoKeystoreIsSaidSo() throws Exception {
        Path text = Files.writeString(dir.resolve("cert.pem"), "-----BEGIN CERTIFICATE-----\n");

        assertOneLine(run("serve", "--port", "0", "--keystore", text.toString()), ExitCodes.USAGE,
                "lifeline serve: --keystore " + text + ": not a PKCS#12 keystore (keytool -genkeypair -storetype"
                        + " PKCS12 makes one; see docs/howto/tls.md)");
        assertOneLine(run("connect", "--truststore", text.toString(), "wss://localhost:1/"), ExitCodes.USAGE,
                "lifeline connect: --truststore " + text + ": not a PKCS#12 keystore (keytool -genkeypair"
                        + " -storetype PKCS12 makes one; see docs/howto/tls.md)");
    }

    @Test
    void aPlainClientOfAReliableServerIsToldToUseReliable() throws Exception {
        LifelineProcess connect = run("connect", reliable.endpoint().toString());

        assertThat(connect.exitCode()).isEqualTo(ExitCodes.HANDSHAKE_REFUSED);
        assertThat(connect.stderr()).endsWith("use 'lifeline connect --reliable'" + System.lineSeparator());
    }

    @Test
    void aReliableClientOfAPlainServerIsToldWhichFlagItWants() throws Exception {
        assertOneLine(run("connect", "--reliable", plain.endpoint().toString()), ExitCodes.HANDSHAKE_REFUSED,
                "! session is CLOSED: the server does not speak reliable sessions (lifeline.reliable.v1): connect"
                        + " without --reliable, or start the server with 'lifeline serve --reliable'");
    }

    @Test
    void anUnknownHostIsOneSentence() throws Exception {
        assertOneLine(run("connect", "ws://no-such-host.invalid/"), ExitCodes.CONNECTION_FAILED,
                "! cannot connect to ws://no-such-host.invalid/: unknown host no-such-host.invalid");
    }

    @Test
    void aRefusedConnectionIsOneSentence() throws Exception {
        int closed;
        try (ServerSocket unused = new ServerSocket(0)) {
            closed = unused.getLocalPort();
        }
        String url = "ws://127.0.0.1:" + closed + "/";

        assertOneLine(run("connect", url), ExitCodes.CONNECTION_FAILED, "! cannot connect to " + url + ": nothing"
                + " accepts connections on 127.0.0.1:" + closed + " (connection refused); is the server running, on"
                + " that port?");
    }

    /** A server that accepts TCP and never answers the handshake: the client gives up after --open-timeout. */
    @Test
    void aServerThatNeverAnswersTimesOutAfterTheOpenTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread acceptor = Thread.ofVirtual().start(() -> {
                try (Socket held = silent.accept()) {
                    held.getInputStream().readAllBytes(); // until the client gives up
                } catch (IOException e) {
                    // the test is over
                }
            });
            String url = "ws://127.0.0.1:" + silent.getLocalPort() + "/";

            assertOneLine(run("connect", "--open-timeout", "300ms", url), ExitCodes.CONNECTION_FAILED,
                    "! cannot connect to " + url + ": no answer from 127.0.0.1:" + silent.getLocalPort()
                            + " within 300 ms (--open-timeout)");
            acceptor.join(Duration.ofSeconds(5));
        }
    }

    @Test
    void aPortInUseSuggestsPortZero() throws Exception {
        assertOneLine(run("serve", "--port", String.valueOf(plain.port())), ExitCodes.CONNECTION_FAILED,
                "lifeline serve: port " + plain.port() + " on 127.0.0.1 is in use; stop what uses it, or pick another"
                        + " port with --port (--port 0 picks a free one)");
    }
}
