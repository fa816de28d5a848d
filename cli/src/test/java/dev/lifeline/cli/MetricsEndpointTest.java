package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.fail;

import dev.lifeline.Message;
import dev.lifeline.WebSocket;
import dev.lifeline.WebSocketClient;
import dev.lifeline.WebSocketOptions;
import dev.lifeline.protocol.handshake.HandshakeException;
import dev.lifeline.reliable.ReliableClient;
import dev.lifeline.testing.Await;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code lifeline serve --metrics}: {@code /metrics} on the server's port counts the traffic exactly, passes
 * Prometheus's own checker ({@code promtool check metrics}, from Debian's prometheus package), and leaves
 * {@code /healthz} as it was; without the option there is no {@code /metrics}.
 */
@Timeout(60)
class MetricsEndpointTest {
    private static final long PATIENCE_SECONDS = 10;

    private DemoServer server;

    private void start(boolean reliable, MetricsEndpoint metrics) throws IOException {
        ServerLog log = new ServerLog(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                true, Clock.systemDefaultZone());
        server = DemoServer.start("127.0.0.1", 0, Mode.ECHO, reliable, WebSocketOptions.DEFAULT, Optional.empty(),
                Set.of(), log, metrics, Optional.empty(), Optional.empty());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private URI page(String path) {
        return server.page().resolve(path);
    }

    /**
     * The value of the sample of {@code name} whose labels include {@code labels} (name, value, name, value...),
     * if there is one line exactly like that.
     */
    static OptionalDouble sample(String exposition, String name, String... labels) {
        Map<String, String> wanted = new HashMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            wanted.put(labels[i], labels[i + 1]);
        }
        OptionalDouble found = OptionalDouble.empty();
        for (String line : exposition.split("\n")) {
            if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
                continue;
            }
            int close = line.lastIndexOf('}');
            Map<String, String> have = new HashMap<>();
            if (close > 0) {
                for (String pair : line.substring(name.length() + 1, close).split(",")) {
                    int eq = pair.indexOf('=');
                    have.put(pair.substring(0, eq), pair.substring(eq + 2, pair.length() - 1));
                }
            }
            if (have.entrySet().containsAll(wanted.entrySet())) {
                assertThat(found).as("one sample of %s with %s", name, wanted).isEmpty();
                found = OptionalDouble.of(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
            }
        }
        return found;
    }

    /** Scrapes until {@code name} with {@code labels} shows {@code value} (bounded): closes are counted late. */
    private String scrapeUntil(double value, String name, String... labels) throws Exception {
        AtomicReference<String> last = new AtomicReference<>();
        boolean shown = Await.holds(Duration.ofSeconds(PATIENCE_SECONDS), () -> {
            Http metrics = scrape();
            last.set(metrics.body());
            return sample(metrics.body(), name, labels).equals(OptionalDouble.of(value));
        });
        if (!shown) {
            fail("no " + name + " " + String.join(",", labels) + " = " + value + " in:\n" + last.get());
        }
        return last.get();
    }

    private Http scrape() {
        try {
            Http metrics = Http.get(page(MetricsEndpoint.PATH));
            assertThat(metrics.status()).isEqualTo(200);
            return metrics;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code promtool check metrics} on {@code exposition}; fails with its findings. */
    static void assertPromtoolAccepts(String exposition) throws Exception {
        Process promtool;
        try {
            promtool = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        } catch (IOException e) {
            fail("promtool is not installed (it checks the /metrics output): apt-get install prometheus"
                    + " (.ci/run installs it when missing): " + e.getMessage());
            return;
        }
        try (OutputStream in = promtool.getOutputStream()) {
            in.write(exposition.getBytes(StandardCharsets.UTF_8));
        }
        String findings = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(promtool.waitFor(30, TimeUnit.SECONDS)).as("promtool finished").isTrue();
        assertThat(promtool.exitValue()).as("promtool check metrics said:%n%s", findings).isZero();
        assertThat(findings).as("promtool's findings").isBlank();
    }

    @Test
    void metricsCountTheTrafficExactlyAndPassPromtool() throws Exception {
        start(false, MetricsEndpoint.on());
        int n = 100;
        try (WebSocket ws = WebSocketClient.connect(server.endpoint())) {
            for (int i = 0; i < n; i++) {
                ws.send("hello " + i % 10); // 7 bytes
            }
            for (int i = 0; i < n; i++) {
                assertThat(ws.receive()).isEqualTo(Message.text("hello " + i % 10));
            }
        }
        HandshakeException refused = catchThrowableOfType(HandshakeException.class,
                () -> WebSocketClient.connect(server.endpoint().resolve("/elsewhere")));
        assertThat(refused.status()).isEqualTo(404);

        String body = scrapeUntil(1, "lifeline_connections_closed_total", "side", "server", "code", "1000",
                "closed_first", "peer");
        assertThat(sample(body, "lifeline_messages_received_total", "side", "server", "type", "text"))
                .hasValue(n);
        assertThat(sample(body, "lifeline_messages_sent_total", "side", "server", "type", "text")).hasValue(n);
        assertThat(sample(body, "lifeline_payload_received_bytes_total", "side", "server", "type", "text"))
                .hasValue(7.0 * n);
        assertThat(sample(body, "lifeline_handshakes_refused_total", "status", "404")).hasValue(1);
        assertThat(sample(body, "lifeline_connections_open", "side", "server")).hasValue(0);
        // the scrape's own request is a handshake in flight (answered by the processRequest hook)
        assertThat(sample(body, "lifeline_handshakes_in_flight")).hasValue(1);
        assertThat(sample(body, "lifeline_handshake_duration_seconds_count", "side", "server")).hasValue(1);
        assertPromtoolAccepts(body);

        Http health = Http.get(page("/healthz"));
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.body()).startsWith("{\"status\":\"ok\"");
        assertThat(Http.get(page(MetricsEndpoint.PATH)).contentType()).isEqualTo(MetricsEndpoint.CONTENT_TYPE);
    }

    @Test
    void reliableSessionsAreCountedByOutcomeAndPassPromtool() throws Exception {
        start(true, MetricsEndpoint.on());
        try (ReliableClient client = ReliableClient.builder(server.endpoint()).connect()) {
            client.send("one").get(PATIENCE_SECONDS, TimeUnit.SECONDS);
            assertThat(client.receive(Duration.ofSeconds(PATIENCE_SECONDS))).contains(Message.text("one"));
        }
        String body = scrapeUntil(1, "lifeline_sessions_joined_total", "outcome", "new", "resume_asked", "false");
        assertThat(sample(body, "lifeline_sessions_ack_latency_seconds_count")).isPresent();
        assertPromtoolAccepts(body);
    }

    @Test
    void withoutTheOptionThereIsNoMetricsPage() throws Exception {
        start(false, MetricsEndpoint.OFF);
        assertThat(Http.get(page(MetricsEndpoint.PATH)).status()).isEqualTo(404);
        assertThat(Http.get(page("/healthz")).status()).isEqualTo(200);
    }
}
