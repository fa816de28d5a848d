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
    void connectRefusesAUrlThatIsNotWebSocketAndSaysWhichItWouldBe() {
        assertThat(execute("connect", "http://127.0.0.1/")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("'http://127.0.0.1/' is not a WebSocket URL: it starts with ws:// or"
                + " wss:// (ws://127.0.0.1/)");
    }

    @Test
    void aUrlWithoutSchemeIsToldToAddWs() {
        assertThat(execute("connect", "127.0.0.1:8765")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("'127.0.0.1:8765' has no scheme: add ws:// (ws://127.0.0.1:8765/) or"
                + " wss:// for TLS").doesNotContain("URISyntaxException");
    }

    /** Each usage error is the error and where the help is: two lines, not the help that pushes it away. */
    @Test
    void aUsageErrorIsTheErrorAndWhereTheHelpIs() {
        String[][] mistakes = {
            {"serve", "--port", "99999"}, {"serve", "--bogus"}, {"serve", "--ping-interval", "5"},
            {"serve", "--max-message-size", "5x"}, {"connect"}, {"connect", "--open-timeout", "soon", "ws://a/"}};
        for (String[] mistake : mistakes) {
            err.getBuffer().setLength(0);

            assertThat(execute(mistake)).as(String.join(" ", mistake)).isEqualTo(ExitCodes.USAGE);

            assertThat(err.toString().lines()).as(String.join(" ", mistake)).hasSize(2)
                    .last().isEqualTo("see `lifeline " + mistake[0] + " --help`");
            assertThat(err.toString()).startsWith("lifeline " + mistake[0] + ": ").doesNotContain("Usage:");
        }
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void anUnknownCommandListsTheCommands() {
        assertThat(execute("server")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).isEqualTo(String.format(
                "lifeline: unknown command 'server'; the commands are serve, connect, help%nsee `lifeline --help`%n"));
    }

    @Test
    void connectHasAnOpenTimeout() {
        ConnectCommand connect = parse(ConnectCommand.class, "connect", "--open-timeout", "3s", "ws://127.0.0.1:1/");

        assertThat(connect.openTimeout).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void serveTakesAllowedOrigins() {
        ServeCommand serve = parse(ServeCommand.class, "serve", "--allowed-origin", "https://a.example",
                "--allowed-origin", "http://127.0.0.1:8765");

        assertThat(serve.allowedOrigins).containsExactly("https://a.example", "http://127.0.0.1:8765");
    }

    @Test
    void connectRefusesAMalformedHeader() {
        assertThat(execute("connect", "ws://127.0.0.1:1/", "-H", "no colon")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("--header must be 'NAME: VALUE'");
        err.getBuffer().setLength(0);
        assertThat(execute("connect", "ws://127.0.0.1:1/", "-H", "Bad Name: x")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("is not a token");
    }

    /** A keystore or trust store that cannot be used: which option, which file, what is wrong; the same shape. */
    @Test
    void aMissingKeystoreOrTrustStoreIsNamedWithItsOptionOnBothCommands() {
        assertThat(execute("connect", "wss://127.0.0.1:1/", "--truststore", "/nonexistent.p12"))
                .isEqualTo(ExitCodes.USAGE);
        assertThat(execute("serve", "--port", "0", "--keystore", "/nonexistent.p12")).isEqualTo(ExitCodes.USAGE);

        assertThat(err.toString()).isEqualTo(String.format(
                "lifeline connect: --truststore /nonexistent.p12: no such file%n"
                        + "lifeline serve: --keystore /nonexistent.p12: no such file%n"));
    }
}
