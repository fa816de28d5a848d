package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Backoff;
import dev.lifeline.Message;
import dev.lifeline.ReconnectPolicy;
import dev.lifeline.WebSocket;
import dev.lifeline.WebSocketClient;
import dev.lifeline.WebSocketOptions;
import dev.lifeline.redis.RedisConnector;
import dev.lifeline.redis.testing.RedisProcess;
import dev.lifeline.reliable.ReliableClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * {@code lifeline serve --mode chat --redis URL}: two servers on two ports share one chat through a real redis-server,
 * with plain WebSocket clients and with reliable sessions; {@code /healthz} reports Redis; a bad or unreachable URL is
 * one clear line.
 */
@Timeout(60)
class RedisChatTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closing.reversed()) {
            c.close();
        }
    }

    private DemoServer node(RedisProcess redis, boolean reliable) throws Exception {
        RedisConnector connector = RedisConnector.connect(redis.url());
        closing.add(connector);
        ServerLog log = new ServerLog(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                false, Clock.systemDefaultZone());
        DemoServer server = DemoServer.start("127.0.0.1", 0, Mode.CHAT, reliable, WebSocketOptions.DEFAULT,
                Optional.empty(), Optional.of(connector), log);
        closing.add(server);
        return server;
    }

    @Test
    void aMessageFromAPlainClientOnOneNodeReachesThePlainClientsOfBoth() throws Exception {
        RedisProcess redis = RedisProcess.start();
        closing.add(redis);
        DemoServer a = node(redis, false);
        DemoServer b = node(redis, false);
        WebSocket onA = WebSocketClient.connect(a.endpoint());
        WebSocket onB = WebSocketClient.connect(b.endpoint());
        closing.add(onA);
        closing.add(onB);

        onA.send("from a");
        assertThat(onB.receive(WAIT)).contains(Message.text("from a"));
        assertThat(onA.receive(WAIT)).as("the sender too, as in one node's chat").contains(Message.text("from a"));
        onB.send("from b");
        assertThat(onA.receive(WAIT)).contains(Message.text("from b"));

        Http health = Http.get(a.page().resolve("/healthz"));
        assertThat(health.body()).startsWith("{\"status\":\"ok\",\"mode\":\"chat\"")
                .contains("\"redis\":{\"up\":true,\"detail\":\"Redis redis://127.0.0.1:" + redis.port() + " answered PING");
        redis.kill();
        assertThat(Http.get(b.page().resolve("/healthz")).body()).startsWith("{\"status\":\"degraded\"")
                .contains("\"redis\":{\"up\":false");
    }

    @Test
    void aMessageFromAReliableSessionOnOneNodeReachesTheReliableSessionsOfBoth() throws Exception {
        RedisProcess redis = RedisProcess.start();
        closing.add(redis);
        DemoServer a = node(redis, true);
        DemoServer b = node(redis, true);
        ReliableClient onA = reliableClient(a.endpoint());
        ReliableClient onB = reliableClient(b.endpoint());
        // each is subscribed once it hears its own hello; both are once A hears B's
        onA.send("hello from a").get();
        skipUntil(onA, "hello from a");
        onB.send("hello from b").get();
        skipUntil(onB, "hello from b");
        skipUntil(onA, "hello from b");

        onA.send("from a").get();
        assertThat(onB.receive(WAIT)).contains(Message.text("from a"));
        assertThat(onA.receive(WAIT)).contains(Message.text("from a"));
        assertThat(Http.get(b.page().resolve("/healthz")).body()).contains("\"reliable\":true")
                .contains("\"redis\":{\"up\":true")
                .contains("\"sessions\":{\"up\":true,\"detail\":\"sessions saved to Redis redis://127.0.0.1:"
                        + redis.port());

        // the store notices by itself (its probe) that it cannot save: degraded, still 200
        redis.kill();
        assertThat(Eventually.contains(() -> healthz(b), "\"sessions\":{\"up\":false"))
                .startsWith("{\"status\":\"degraded\"")
                .contains("new sessions are refused with 503 and Retry-After");
    }

    private static String healthz(DemoServer node) {
        try {
            Http health = Http.get(node.page().resolve("/healthz"));
            assertThat(health.status()).isEqualTo(200);
            return health.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Receives until this text comes (what comes before is another client's hello). */
    private static void skipUntil(ReliableClient client, String text) {
        for (int i = 0; i < 3; i++) {
            if (client.receive(WAIT).orElseThrow().equals(Message.text(text))) {
                return;
            }
        }
        throw new AssertionError("'" + text + "' did not come among 3 messages");
    }

    private ReliableClient reliableClient(URI uri) {
        ReliableClient client = ReliableClient.builder(uri)
                .reconnect(ReconnectPolicy.standard(new Backoff(Duration.ofMillis(5), Duration.ofMillis(5), 2.0,
                        Duration.ofMillis(100))))
                .connect();
        closing.add(client);
        return client;
    }

    @Test
    void aBadRedisUrlIsAUsageErrorThatSaysWhatIsWrong() {
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err, true));
        assertThat(cli.execute("serve", "--port", "0", "--mode", "chat", "--redis", "localhost:6379"))
                .isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("--redis: not a Redis URL: 'localhost:6379' (expected redis://host:port/db");
    }

    @Test
    void anUnreachableRedisIsOneLineAndExitCodeFour() throws Exception {
        int port;
        try (RedisProcess redis = RedisProcess.start()) {
            port = redis.port(); // free again once it is gone
        }
        PrintStream stderr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertThat(Main.commandLine().execute("serve", "--port", "0", "--mode", "chat", "--redis",
                    "redis://127.0.0.1:" + port + "/0")).isEqualTo(ExitCodes.CONNECTION_FAILED);
        } finally {
            System.setErr(stderr);
        }
        List<String> printed = err.toString(StandardCharsets.UTF_8).lines()
                .filter(line -> line.startsWith("lifeline")).toList();
        assertThat(printed).hasSize(1);
        assertThat(printed.get(0)).startsWith("lifeline serve: cannot reach Redis at redis://127.0.0.1:" + port + "/0: ")
                .containsIgnoringCase("refused");
    }

    @Test
    void aRedisWhoseCertificateIsNotTrustedIsOneLineAndExitCodeFour() throws Exception {
        PrintStream stderr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try (RedisProcess redis = RedisProcess.startTls()) {
            // no --redis-ca: the JVM's trust store does not know the test's CA
            assertThat(Main.commandLine().execute("serve", "--port", "0", "--mode", "chat", "--redis", redis.url()))
                    .isEqualTo(ExitCodes.CONNECTION_FAILED);
        } finally {
            System.setErr(stderr);
        }
        List<String> printed = err.toString(StandardCharsets.UTF_8).lines()
                .filter(line -> line.startsWith("lifeline")).toList();
        assertThat(printed).hasSize(1);
        assertThat(printed.get(0)).startsWith("lifeline serve: cannot reach Redis at rediss://127.0.0.1:")
                .contains("TLS handshake failed, the server's certificate is not trusted by the JVM's default trust"
                        + " store").contains("(name the CA that signed it with --redis-ca FILE)")
                .doesNotContain("Builder.trustedCertificates");
    }
}
