package dev.lifeline.cli;

import dev.lifeline.WebSocketOptions;
import dev.lifeline.journal.JournalSessionStore;
import dev.lifeline.redis.RedisConnector;
import dev.lifeline.redis.RedisUnavailableException;
import dev.lifeline.redis.RedisUrls;
import dev.lifeline.reliable.SessionStore;
import dev.lifeline.reliable.SessionStoreException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code lifeline serve}: an echo (or chat) server with a demo page, until Ctrl-C. */
@Command(name = "serve", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {
            "Runs a WebSocket server until Ctrl-C: every message on / is echoed back (or, in chat mode, sent to every"
                    + " client). Open http://HOST:PORT/ in a browser for the demo page.",
            "The first line printed is 'listening on ws://HOST:PORT/ ...'; then one line per connection opened and"
                    + " closed, and a summary at shutdown, when every client is closed with 1001."},
        exitCodeListHeading = "%nExit status:%n",
        footer = {"", "See docs/cli.md for more."},
        exitCodeList = {
            "2:invalid command line, or a keystore that cannot be used",
            "4:could not listen (port in use, an address not of this machine), could not reach Redis (--redis), or"
                    + " the state directory is in use or damaged",
            "130:stopped by Ctrl-C, after a graceful shutdown (143 for SIGTERM)"})
final class ServeCommand implements Callable<Integer> {
    /** After the graceful close, how long the connections' threads get to print their closing lines. */
    private static final Duration CLOSING_LINES = Duration.ofSeconds(2);

    @Spec
    CommandSpec spec;

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "Address to listen on; 0.0.0.0 for every interface (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = {"-p", "--port"}, defaultValue = "8765",
            description = "Port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = {"-m", "--mode"}, defaultValue = "echo", paramLabel = "echo|chat",
            description = "echo: send each message back to its sender; chat: send it to every connected client"
                    + " (default: ${DEFAULT-VALUE}).")
    Mode mode;

    @Option(names = "--reliable",
            description = "Speak the reliable-session subprotocol lifeline.reliable.v1 on /: messages are numbered,"
                    + " acknowledged, resent after a reconnect and handled once; the demo page uses its reliable"
                    + " client. Plain WebSocket clients are refused with 400.")
    boolean reliable;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "With --reliable: keep the sessions in an SQLite database in DIR (created if missing), saved"
                    + " on every change, so that clients resume them after this server restarts. One server per"
                    + " directory.")
    Path stateDir;

    @Option(names = "--fsync-interval", paramLabel = "DURATION", defaultValue = "0",
            converter = OptionValues.DurationConverter.class,
            description = "With --state-dir: 0 fsyncs every commit (nothing acknowledged is lost if the machine"
                    + " loses power); else the log is fsynced this often (a power loss may lose the last interval's"
                    + " saves; a process crash loses nothing) (default: ${DEFAULT-VALUE}).")
    Duration fsyncInterval;

    @Option(names = "--redis", paramLabel = "URL",
            description = "Share chat and, with --reliable, sessions (a client resumes its session on any node) with every"
                    + " other 'lifeline serve' on this Redis, so that several nodes (behind a load balancer) act as one"
                    + " service: redis://[user:password@]host:port/db, rediss:// for TLS,"
                    + " several URLs separated by commas for a Redis Cluster's seeds. /healthz reports its health.")
    String redis;

    @Option(names = "--redis-ca", paramLabel = "FILE",
            description = "With a rediss:// --redis: trust the Redis server certificates signed by the CA"
                    + " certificates in this PEM file (default: the JVM's trust store).")
    Path redisCa;

    @Option(names = "--keystore", paramLabel = "FILE",
            description = "Serve wss:// and https:// with the key and certificate in this PKCS#12 file.")
    Path keystore;

    @Option(names = "--keystore-password", paramLabel = "PASSWORD", defaultValue = "${env:LIFELINE_KEYSTORE_PASSWORD}",
            description = "The keystore's password (default: $LIFELINE_KEYSTORE_PASSWORD, else empty).")
    String keystorePassword;

    @Option(names = "--allowed-origin", paramLabel = "ORIGIN",
            description = "Accept WebSocket handshakes from web pages of this origin only, e.g."
                    + " https://example.com (repeatable); pages of other origins get 403. Clients that send no"
                    + " Origin (not browsers) are accepted. Add the demo page's own origin, e.g."
                    + " http://127.0.0.1:8765, to keep it working. Default: any origin.")
    Set<String> allowedOrigins = new LinkedHashSet<>();

    @Option(names = "--metrics",
            description = "Count connections, messages, closes, keepalive failures and sessions, and serve them in"
                    + " Prometheus's text format at http://HOST:PORT/metrics (see docs/topics/monitoring.md).")
    boolean metrics;

    @Mixin
    ConnectionOptions connection;

    @Option(names = {"-q", "--quiet"}, description = "No line per connection; only the first line and the summary.")
    boolean quiet;

    @Override
    public Integer call() throws InterruptedException {
        if (port < 0 || port > 65535) {
            throw new ParameterException(spec.commandLine(), "--port must be between 0 and 65535: " + port);
        }
        if (stateDir != null && !reliable) {
            throw new ParameterException(spec.commandLine(), "--state-dir keeps reliable sessions: it needs --reliable");
        }
        if (stateDir != null && redis != null) {
            throw new ParameterException(spec.commandLine(), "--state-dir and --redis cannot be combined: with --redis"
                    + " the sessions are kept in Redis");
        }
        if (fsyncInterval.isNegative() || !fsyncInterval.isZero() && stateDir == null) {
            throw new ParameterException(spec.commandLine(), "--fsync-interval needs --state-dir, and must not be"
                    + " negative");
        }
        WebSocketOptions options = options();
        PrintStream out = System.out;
        ServerLog log = new ServerLog(out, quiet, Clock.systemDefaultZone());
        Optional<SSLContext> tls = tls();
        Optional<String> url = redis();
        Optional<JournalSessionStore> store;
        try {
            store = stateDir == null ? Optional.empty() : Optional.of(journal(stateDir, fsyncInterval));
        } catch (SessionStoreException e) {
            throw new Problem(ExitCodes.CONNECTION_FAILED, "cannot use the state directory: " + e.getMessage());
        }
        Optional<RedisConnector> shared;
        try {
            shared = url.map(u -> {
                RedisConnector.Builder connector = RedisConnector.builder(u);
                return (redisCa == null ? connector : connector.trustedCertificates(redisCa)).connect();
            });
        } catch (RuntimeException e) {
            throw new Problem(ExitCodes.CONNECTION_FAILED, "cannot reach Redis at " + redis + ": " + redisFailure(e));
        }
        DemoServer server;
        try {
            server = DemoServer.start(host, port, mode, reliable, options, tls, allowedOrigins, log,
                    metrics ? MetricsEndpoint.on() : MetricsEndpoint.OFF, store.map(SessionStore.class::cast), shared);
        } catch (RedisUnavailableException | SessionStoreException e) {
            shared.ifPresent(RedisConnector::close);
            throw new Problem(ExitCodes.CONNECTION_FAILED, "cannot reach Redis at " + redis + ": " + redisFailure(e));
        } catch (IOException e) {
            store.ifPresent(JournalSessionStore::close);
            shared.ifPresent(RedisConnector::close);
            throw new Problem(ExitCodes.CONNECTION_FAILED, Explain.listening(host, port, e));
        }
        log.line("listening on " + server.endpoint() + " (" + mode.label() + " mode"
                + (reliable ? ", reliable sessions" : "") + (stateDir != null ? " kept in " + stateDir : "")
                + shared.map(r -> ", shared through " + r.where()).orElse("") + "); demo page at " + server.page()
                + (metrics ? "; metrics at " + server.page().resolve(MetricsEndpoint.PATH) : "") + "; Ctrl-C to stop");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.line("shutting down: closing every connection with 1001");
            server.close();
            shared.ifPresent(RedisConnector::close);
            try {
                log.awaitAllClosed(CLOSING_LINES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            log.line("stopped: " + log.summary());
            out.flush();
        }, "lifeline-shutdown"));
        server.awaitClosed();
        return ExitCodes.OK;
    }

    private static JournalSessionStore journal(Path directory, Duration fsyncInterval) {
        JournalSessionStore.Builder builder = JournalSessionStore.builder(directory);
        if (!fsyncInterval.isZero()) {
            builder.fsyncEvery(fsyncInterval);
        }
        return builder.build();
    }

    private WebSocketOptions options() {
        try {
            return connection.toOptions(true);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** The --redis URL, checked: a bad one is a usage error that names the wrong part. */
    private Optional<String> redis() {
        if (redis == null) {
            if (redisCa != null) {
                throw new ParameterException(spec.commandLine(), "--redis-ca needs --redis rediss://...");
            }
            return Optional.empty();
        }
        try {
            RedisUrls.parse(redis);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--redis: " + e.getMessage());
        }
        return Optional.of(redis);
    }

    /** Why Redis could not be used, in the command line's terms: an untrusted certificate names --redis-ca. */
    private String redisFailure(RuntimeException e) {
        String why = oneLine(e).replace(" (name the CA with Builder.trustedCertificates)", "");
        return why.contains("certificate is not trusted") && redisCa == null
                ? why + " (name the CA that signed it with --redis-ca FILE)" : why;
    }

    /** The message of a failure and of its causes that add to it, on one line. */
    private static String oneLine(Throwable failure) {
        StringBuilder sb = new StringBuilder(String.valueOf(failure.getMessage()));
        for (Throwable cause = failure.getCause(); cause != null; cause = cause.getCause()) {
            if (cause.getMessage() != null && !sb.toString().contains(cause.getMessage())) {
                sb.append(": ").append(cause.getMessage());
            }
        }
        return sb.toString().replace('\n', ' ');
    }

    private Optional<SSLContext> tls() {
        if (keystore == null) {
            return Optional.empty();
        }
        char[] password = keystorePassword == null ? new char[0] : keystorePassword.toCharArray();
        return Optional.of(Tls.server(keystore, password));
    }
}
