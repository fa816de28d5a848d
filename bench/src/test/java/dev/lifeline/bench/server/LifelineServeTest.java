package dev.lifeline.bench.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The lifeline-serve subject is the command line's serve itself, not another echo: it answers its health check on
 * the port it printed (its echo is verified with the other servers' in {@code EchoServersSmokeTest}).
 */
@Timeout(60)
class LifelineServeTest {

    @Test
    void theServerOnThePrintedPortIsLifelineServeInEchoMode() throws Exception {
        try (EchoServer server = Servers.LIFELINE_SERVE.start();
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(5)).build()) {
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/healthz")).timeout(Duration.ofSeconds(5))
                    .build(), HttpResponse.BodyHandlers.ofString());

            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).startsWith("{\"status\":\"ok\",\"mode\":\"echo\",\"reliable\":false,");
        }
    }
}
