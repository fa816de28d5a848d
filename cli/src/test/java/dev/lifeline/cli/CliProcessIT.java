package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Message;
import dev.lifeline.WebSocket;
import dev.lifeline.WebSocketClient;
import dev.lifeline.WebSocketOptions;
import dev.lifeline.protocol.CloseStatus;
import dev.lifeline.protocol.extension.PerMessageDeflate;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The command end to end: {@code lifeline serve} and {@code lifeline connect} run as processes from the packaged jar,
 * the client driven through a pipe; its exit codes tell how each connection ended.
 */
@Timeout(60)
class CliProcessIT {
    private static LifelineProcess server;

    @BeforeAll
    static void serve() throws Exception {
        server = LifelineProcess.serve();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void connectThroughAPipeSendsEachLinePrintsEachEchoAndExitsZeroAfterANormalClose() throws Exception {
        try (LifelineProcess client = LifelineProcess.start("connect", server.endpoint().toString())) {
            client.input("hello\nwörld\n\u001b[31mred\n");

            assertThat(client.exitCode()).as(client.stderr()).isEqualTo(ExitCodes.OK);
            assertThat(client.stdout()).isEqualTo("hello\nwörld\n\\x1b[31mred\n");
            assertThat(client.stderr()).contains("= connection is OPEN")
                    .contains(", extensions permessage-deflate") // both ends compress by default
                    .contains("= connection is CLOSED with 1000 (normal)");
        }
        Eventually.contains(server::stdout, "3 messages: received 1000 (normal); then sent 1000 (normal)");
    }

    @Test
    void aRefusedHandshakeExitsThree() throws Exception {
        try (LifelineProcess client = LifelineProcess.start("connect", server.endpoint().resolve("/nope").toString())) {
            client.input("never sent\n");

            assertThat(client.exitCode()).isEqualTo(ExitCodes.HANDSHAKE_REFUSED);
            assertThat(client.stderr()).contains("the server refused the handshake: 404 Not Found: no WebSocket"
                    + " endpoint at /nope");
            assertThat(client.stdout()).isEmpty();
        }
    }

    @Test
    void anAbnormalCloseExitsOne() throws Exception {
        try (LifelineProcess client = LifelineProcess.start("connect", server.endpoint().toString())) {
            client.input("before\n{\"lifeline\":\"drop\"}\n");

            assertThat(client.exitCode()).isEqualTo(ExitCodes.ABNORMAL_CLOSE);
            assertThat(client.stdout()).isEqualTo("before\n");
            assertThat(client.stderr()).contains("connection is CLOSED with 1006 (abnormal closure)");
        }
    }

    @Test
    void aConnectionThatCannotBeMadeExitsFour() throws Exception {
        int closedPort;
        try (ServerSocket unused = new ServerSocket(0)) {
            closedPort = unused.getLocalPort();
        }
        try (LifelineProcess client = LifelineProcess.start("connect", "ws://127.0.0.1:" + closedPort + "/")) {
            client.input("");

            assertThat(client.exitCode()).isEqualTo(ExitCodes.CONNECTION_FAILED);
            assertThat(client.stderr()).contains("cannot connect to ws://127.0.0.1:" + closedPort + "/")
                    .contains("(connection refused)");
        }
    }

    @Test
    void aUsageErrorExitsTwo() throws Exception {
        try (LifelineProcess client = LifelineProcess.start("connect")) {
            assertThat(client.exitCode()).isEqualTo(ExitCodes.USAGE);
            assertThat(client.stderr()).contains("Missing required parameter: 'URL'");
        }
    }

    /** RFC 7692: by default the server accepts permessage-deflate, without context takeover (pooled zlib). */
    @Test
    void theServerCompressesForAClientThatOffersPermessageDeflate() throws Exception {
        WebSocketOptions offering = WebSocketOptions.DEFAULT.withExtensions(List.of(PerMessageDeflate.DEFAULT));
        try (WebSocket ws = WebSocketClient.builder().options(offering).build().open(server.endpoint())) {
            assertThat(ws.handshakeResponse().headers().first("Sec-WebSocket-Extensions")).hasValueSatisfying(
                    value -> assertThat(value).startsWith("permessage-deflate").contains("server_no_context_takeover"));
            String text = "compress me ".repeat(10_000);
            ws.send(text);
            assertThat(ws.receive(Duration.ofSeconds(10))).contains(Message.text(text));
        }
    }

    @Test
    void theDemoPageAndTheHealthCheckAreServedOnTheSamePort() throws Exception {
        Http page = Http.get(server.page());
        Http health = Http.get(server.page().resolve("/healthz"));

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("<title>Lifeline demo</title>");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.body()).startsWith("{\"status\":\"ok\",\"mode\":\"echo\"");
    }

    @Test
    void theJarServesMetricsThatPromtoolAcceptsWithMetricsAndNoneWithout() throws Exception {
        assertThat(Http.get(server.page().resolve(MetricsEndpoint.PATH)).status()).isEqualTo(404);
        try (LifelineProcess own = LifelineProcess.serve("--metrics")) {
            try (WebSocket ws = WebSocketClient.connect(own.endpoint())) {
                ws.send("counted");
                assertThat(ws.receive()).isEqualTo(Message.text("counted"));
            }
            Http metrics = Http.get(own.page().resolve(MetricsEndpoint.PATH));

            assertThat(metrics.status()).isEqualTo(200);
            assertThat(MetricsEndpointTest.sample(metrics.body(), "lifeline_messages_received_total", "side",
                    "server", "type", "text")).hasValue(1);
            MetricsEndpointTest.assertPromtoolAccepts(metrics.body());
        }
    }

    @Test
    void stoppingTheServerClosesEveryClientWith1001AndPrintsASummary() throws Exception {
        try (LifelineProcess own = LifelineProcess.serve("--mode", "chat");
                WebSocket ws = WebSocketClient.connect(own.endpoint())) {
            Eventually.contains(own::stdout, "(1 open)");

            own.terminate();

            CloseStatus status = ws.closed().get(10, TimeUnit.SECONDS);
            assertThat(status).isEqualTo(CloseStatus.of(1001, "server shutting down"));
            assertThat(own.exitCode()).as("SIGTERM").isEqualTo(143);
            assertThat(own.stdout()).contains("shutting down: closing every connection with 1001")
                    .contains("sent 1001 (going away) \"server shutting down\"")
                    .containsPattern("stopped: 1 connection served \\(0 open\\) in .*; 0 messages received, 0 sent");
        }
    }
}
