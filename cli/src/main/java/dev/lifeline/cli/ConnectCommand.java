package dev.lifeline.cli;

import dev.lifeline.ReconnectingWebSocket;
import dev.lifeline.WebSocket;
import dev.lifeline.WebSocketClient;
import dev.lifeline.WebSocketOptions;
import dev.lifeline.protocol.handshake.HandshakeException;
import dev.lifeline.journal.SqliteClientJournal;
import dev.lifeline.reliable.Envelope;
import dev.lifeline.reliable.ReliableClient;
import dev.lifeline.reliable.SessionStoreException;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code lifeline connect URL}: an interactive client, or a pipe from stdin lines to stdout replies. */
@Command(name = "connect", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {
            "Opens a WebSocket connection. At a terminal, each line typed is sent as a text message and what arrives"
                    + " prints above the prompt as it comes (/help lists the commands: /ping, /latency, /close...).",
            "With standard input not a terminal, each line is sent, each message received is printed on a line of"
                    + " standard output (control characters escaped), and at the end of the input the client waits"
                    + " for the replies (see --wait), then closes normally. State changes go to standard error."},
        exitCodeListHeading = "%nExit status:%n",
        footer = {"", "See docs/cli.md for more."},
        exitCodeList = {
            "0:the connection closed normally (1000, 1001 or 1005); with --reliable: the session was closed",
            "1:the connection closed abnormally (an error code, or 1006: dropped without a closing handshake); with"
                    + " --reliable: the session ended otherwise (a protocol error, the session lost)",
            "2:invalid command line, or a trust store that cannot be used",
            "3:the server refused the opening handshake (an HTTP status other than 101)",
            "4:the connection could not be made (refused, unreachable, timed out, TLS failure, an answer that is not"
                    + " HTTP)"})
final class ConnectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "URL", converter = OptionValues.WebSocketUrlConverter.class,
            description = "ws:// or wss:// URL, e.g. ws://127.0.0.1:8765/")
    URI uri;

    @Option(names = {"-H", "--header"}, paramLabel = "'NAME: VALUE'",
            description = "Add a header to the opening handshake request; repeatable.")
    List<String> headers = new ArrayList<>();

    @Option(names = {"-s", "--subprotocol"}, paramLabel = "NAME",
            description = "Offer this subprotocol; repeatable, in order of preference.")
    List<String> subprotocols = new ArrayList<>();

    @Option(names = "--truststore", paramLabel = "FILE",
            description = "Trust the certificates in this PKCS#12 file instead of the system's (for wss://).")
    Path truststore;

    @Option(names = "--truststore-password", paramLabel = "PASSWORD",
            defaultValue = "${env:LIFELINE_TRUSTSTORE_PASSWORD}",
            description = "The trust store's password (default: $LIFELINE_TRUSTSTORE_PASSWORD, else empty).")
    String truststorePassword;

    @Option(names = {"-k", "--insecure"},
            description = "Accept any TLS certificate for any host name. For testing only: prints a warning.")
    boolean insecure;

    @Option(names = "--wait", paramLabel = "DURATION", defaultValue = "2s",
            converter = OptionValues.DurationConverter.class,
            description = "With piped input: after the last line, wait at most this long for as many replies as"
                    + " lines were sent (default: ${DEFAULT-VALUE}). Replies are counted, not matched: with"
                    + " --state-dir, messages the server sends again after a restart count too.")
    Duration linger;

    @Option(names = "--open-timeout", paramLabel = "DURATION", defaultValue = "10s",
            converter = OptionValues.DurationConverter.class,
            description = "Give up when the connection (TCP, TLS and the opening handshake) is not open after this"
                    + " long (default: ${DEFAULT-VALUE}).")
    Duration openTimeout;

    @Option(names = "--reliable",
            description = "Open a reliable session (subprotocol lifeline.reliable.v1, as served by 'lifeline serve"
                    + " --reliable'): messages are acknowledged and resent after a reconnect; a lost connection is"
                    + " reconnected and the session resumed. State changes (RECONNECTING, RESUMED, NEW) print as"
                    + " they happen.")
    boolean reliable;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "With --reliable: keep the session in an SQLite journal in DIR (created if missing), saved on"
                    + " every change: started again with the same DIR after a crash or a kill, the command resumes"
                    + " the session and sends the lines that were not acknowledged, once. Connection failures are"
                    + " retried from the first one. One process per DIR.")
    Path stateDir;

    @Option(names = "--reconnect",
            description = "Reconnect whenever the connection is lost, to any server (no acknowledgements: a message"
                    + " in flight when it drops is lost). State changes (RECONNECTING, OPEN) print as they happen;"
                    + " lines entered meanwhile are sent once reconnected. See docs/reconnecting.md.")
    boolean reconnect;

    @Mixin
    ConnectionOptions connection;

    @Override
    public Integer call() throws InterruptedException {
        Logs.libraryWarningsOnly(); // every failure and state change is on the screen already
        WebSocketClient client = client();
        if (reliable && !subprotocols.isEmpty()) {
            throw usage("--subprotocol cannot be used with --reliable, which offers " + Envelope.SUBPROTOCOL);
        }
        if (reliable && reconnect) {
            throw usage("--reconnect cannot be used with --reliable, which reconnects by itself");
        }
        if (stateDir != null && !reliable) {
            throw usage("--state-dir keeps a reliable session: it needs --reliable");
        }
        boolean terminal = Terminal.interactive();
        PrintStream out = terminal ? System.out
                : new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        Screen screen = new Screen(out, System.err, terminal, Terminal.colours(terminal),
                terminal ? Terminal.columns() : 80);
        if (insecure) {
            screen.problem("warning: --insecure: the server's certificate and host name are not checked");
        }
        BufferedReader input = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        if (reliable) {
            ReliableClientSession session = new ReliableClientSession(uri, input, screen, linger, openTimeout);
            ReliableClient.Builder builder = reliableClient();
            if (stateDir != null) {
                try {
                    builder.journal(SqliteClientJournal.open(stateDir));
                } catch (SessionStoreException e) {
                    throw new Problem(ExitCodes.CONNECTION_FAILED, "cannot use the state directory: "
                            + e.getMessage());
                }
                session.retryingFromTheStart();
            }
            Runtime.getRuntime().addShutdownHook(new Thread(session::interrupt, "lifeline-interrupt"));
            return session.run(builder);
        }
        if (reconnect) {
            ReconnectingClientSession session = new ReconnectingClientSession(uri, input, screen, linger, openTimeout);
            Runtime.getRuntime().addShutdownHook(new Thread(session::interrupt, "lifeline-interrupt"));
            return session.run(ReconnectingWebSocket.builder(uri).options(options()).configure(this::configure));
        }
        WebSocket ws;
        try {
            ws = client.open(uri);
        } catch (HandshakeException e) {
            if (e.response().isEmpty()) { // an answer that is no HTTP response at all
                return cannotConnect(screen, e);
            }
            screen.problem("the server refused the handshake: " + Explain.refusal(e, refusal(e)));
            return ExitCodes.HANDSHAKE_REFUSED;
        } catch (IOException e) {
            return cannotConnect(screen, e);
        }
        ClientSession session = new ClientSession(ws, input, screen, linger);
        Runtime.getRuntime().addShutdownHook(new Thread(session::interrupt, "lifeline-interrupt"));
        return session.run();
    }

    private int cannotConnect(Screen screen, Exception e) {
        screen.problem("cannot connect to " + uri + ": " + Explain.connecting(uri, e, openTimeout));
        return ExitCodes.CONNECTION_FAILED;
    }

    private WebSocketClient client() {
        WebSocketClient.Builder builder = WebSocketClient.builder().options(options());
        configure(builder);
        return builder.build();
    }

    /** The same settings for a reliable session: the client checked them already. */
    private ReliableClient.Builder reliableClient() {
        return ReliableClient.builder(uri).options(options()).configure(this::configure);
    }

    /** Headers, subprotocols and TLS from the command line; a usage error for a malformed one. */
    private void configure(WebSocketClient.Builder builder) {
        for (String header : headers) {
            int colon = header.indexOf(':');
            if (colon <= 0) {
                throw usage("--header must be 'NAME: VALUE': " + header);
            }
            try {
                builder.header(header.substring(0, colon).strip(), header.substring(colon + 1).strip());
            } catch (IllegalArgumentException e) {
                throw usage("--header " + header + ": " + e.getMessage());
            }
        }
        if (!subprotocols.isEmpty()) {
            builder.subprotocols(subprotocols.toArray(String[]::new));
        }
        builder.sslContext(insecure ? Tls.insecure() : truststore != null ? Tls.trusting(truststore, password())
                : null);
    }

    private WebSocketOptions options() {
        try {
            return connection.toOptions(false).withOpenTimeout(openTimeout);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    private char[] password() {
        return truststorePassword == null ? new char[0] : truststorePassword.toCharArray();
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /** {@code 404 Not Found: no WebSocket endpoint at /x} (the status and the start of the body). */
    static String refusal(HandshakeException e) {
        return e.response()
                .map(r -> {
                    String body = Text.escape(r.bodyText().strip());
                    String status = r.status() + (r.reason().isEmpty() ? "" : " " + r.reason());
                    return body.isEmpty() ? status + " (" + e.getMessage() + ")" : status + ": "
                            + (body.length() > 200 ? body.substring(0, 200) + "…" : body);
                })
                .orElse(e.getMessage());
    }
}
