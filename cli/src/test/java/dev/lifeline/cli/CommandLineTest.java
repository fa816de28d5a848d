package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.WebSocketOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/** The command line: defaults, help on every command, and usage errors that exit with 2 and say what is wrong. */
class CommandLineTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int execute(String... args) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    private static <T> T parse(Class<T> command, String... args) {
        ParseResult result = Main.commandLine().parseArgs(args);
        return command.cast(result.subcommand().commandSpec().userObject());
    }

    @Test
    void serveNeedsNothingToConfigure() {
        ServeCommand serve = parse(ServeCommand.class, "serve");

        assertThat(serve.host).isEqualTo("127.0.0.1");
        assertThat(serve.port).isEqualTo(8765);
        assertThat(serve.mode).isEqualTo(Mode.ECHO);
        assertThat(serve.keystore).isNull();
        assertThat(serve.quiet).isFalse();
        assertThat(serve.connection.toOptions(true)).isEqualTo(
                WebSocketOptions.DEFAULT.withExtensions(List.of(ConnectionOptions.SERVER_COMPRESSION)));
    }

    @Test
    void serveOptionsAreApplied() {
        ServeCommand serve = parse(ServeCommand.class, "serve", "--host", "0.0.0.0", "-p", "0", "--mode", "CHAT",
                "--ping-interval", "5s", "--ping-timeout", "1s", "--max-message-size", "64KiB", "--quiet");

        assertThat(serve.port).isZero();
        assertThat(serve.mode).isEqualTo(Mode.CHAT);
        WebSocketOptions options = serve.connection.toOptions(true);
        assertThat(options.pingInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(options.pingTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(options.maxMessageSize()).isEqualTo(64 * 1024);
        assertThat(options.maxFrameSize()).isEqualTo(64 * 1024);
        assertThat(serve.quiet).isTrue();
    }

    @Test
    void aZeroPingIntervalTurnsKeepaliveOff() {
        ServeCommand serve = parse(ServeCommand.class, "serve", "--ping-interval", "0");

        assertThat(serve.connection.toOptions(true).keepalive()).isFalse();
    }

    @Test
    void compressionIsOfferedByConnectAndAcceptedByServeUnlessTurnedOff() {
        assertThat(parse(ConnectCommand.class, "connect", "ws://127.0.0.1:1/").connection.toOptions(false).extensions())
                .containsExactly(ConnectionOptions.CLIENT_COMPRESSION);
        assertThat(parse(ServeCommand.class, "serve", "--no-compression").connection.toOptions(true))
                .isEqualTo(WebSocketOptions.DEFAULT);
        assertThat(parse(ConnectCommand.class, "connect", "--no-compression", "ws://127.0.0.1:1/").connection
                .toOptions(false).extensions()).isEmpty();
    }

    @Test
    void connectCollectsHeadersAndSubprotocols() {
        ConnectCommand connect = parse(ConnectCommand.class, "connect", "ws://127.0.0.1:1/x", "-H", "Authorization: t",
                "--header", "X-A: b", "-s", "chat.v2", "-s", "chat.v1", "--insecure", "--wait", "500ms");

        assertThat(connect.uri.toString()).isEqualTo("ws://127.0.0.1:1/x");
        assertThat(connect.headers).containsExactly("Authorization: t", "X-A: b");
        assertThat(connect.subprotocols).containsExactly("chat.v2", "chat.v1");
        assertThat(connect.insecure).isTrue();
        assertThat(connect.linger).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void everyCommandHasHelpListingItsExitCodes() {
        assertThat(execute("--help")).isZero();
        assertThat(out.toString()).contains("serve", "connect", "Examples:");
        for (String command : new String[] {"serve", "connect"}) {
            out.getBuffer().setLength(0);
            assertThat(execute(command, "--help")).isZero();
            assertThat(out.toString()).contains("Usage: lifeline " + command, "Exit status:", "--ping-interval");
        }
        assertThat(out.toString()).contains("3   the server refused the opening handshake");
    }

    @Test
    void versionNamesTheProjectAndTheJavaRuntime() {
        assertThat(execute("--version")).isZero();
        assertThat(out.toString()).startsWith("lifeline ").contains("Java " + System.getProperty("java.version"));
    }

    @Test
    void noCommandIsAUsageError() {
        assertThat(execute()).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("missing command");
    }

    @Test
    void anUnknownModeIsAUsageError() {
        assertThat(execute("serve", "--mode", "mirror")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("mirror").contains("ECHO, CHAT");
    }

    @Test
    void aDurationWithoutUnitIsAUsageError() {
        assertThat(execute("serve", "--ping-interval", "20")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("needs a unit");
    }

    @Test
    void aPortOutOfRangeIsAUsageError() {
        assertThat(execute("serve", "--port", "70000")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("between 0 and 65535");
    }

    @Test
    void connectRefusesAUrlThatIsNotWebSocket() {
        assertThat(execute("connect", "http://127.0.0.1/")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("URL must be ws://");
    }

    @Test
    void connectRefusesAMalformedHeader() {
        assertThat(execute("connect", "ws://127.0.0.1:1/", "-H", "no colon")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("--header must be 'NAME: VALUE'");
        err.getBuffer().setLength(0);
        assertThat(execute("connect", "ws://127.0.0.1:1/", "-H", "Bad Name: x")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("is not a token");
    }

    @Test
    void connectRefusesAMissingTrustStore() {
        assertThat(execute("connect", "wss://127.0.0.1:1/", "--truststore", "/nonexistent.p12"))
                .isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("cannot use the trust store");
    }
}
