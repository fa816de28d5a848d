package dev.lifeline.cli;

import dev.lifeline.WebSocketOptions;
import dev.lifeline.WebSocketServer;
import dev.lifeline.micrometer.LifelineMetrics;
import dev.lifeline.protocol.handshake.Headers;
import dev.lifeline.protocol.handshake.HttpRequest;
import dev.lifeline.protocol.handshake.HttpResponse;
import dev.lifeline.reliable.ReliableOptions;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Optional;

/**
 * {@code lifeline serve --metrics}: the server's connections and sessions counted in a Prometheus registry
 * ({@link LifelineMetrics}), served in Prometheus's text format at {@code GET /metrics} on the server's own port.
 * Without {@code --metrics} it changes nothing and {@code /metrics} is not found. Thread-safe.
 */
final class MetricsEndpoint {
    static final String PATH = "/metrics";
    /** Prometheus's text exposition format. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    static final MetricsEndpoint OFF = new MetricsEndpoint(Optional.empty());

    private final Optional<PrometheusMeterRegistry> registry;
    private final Optional<LifelineMetrics> metrics;

    private MetricsEndpoint(Optional<PrometheusMeterRegistry> registry) {
        this.registry = registry;
        this.metrics = registry.map(LifelineMetrics::new);
    }

    /** A new registry, counting from zero. */
    static MetricsEndpoint on() {
        return new MetricsEndpoint(Optional.of(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)));
    }

    /** {@code options} telling this endpoint's registry what happens to connections. */
    WebSocketOptions options(WebSocketOptions options) {
        return metrics.map(options::withMetrics).orElse(options);
    }

    /** Reliable sessions' options telling this endpoint's registry what happens to sessions. */
    ReliableOptions reliable() {
        return metrics.map(ReliableOptions.DEFAULT::withMetrics).orElse(ReliableOptions.DEFAULT);
    }

    /**
     * Answers {@code GET /metrics} (and HEAD) itself, and leaves every other request to {@code pages}: for plain
     * HTTP only, so that WebSocket handshakes stay on the server's selecting thread (the server's own
     * {@link WebSocketServer.Builder#path} answers 404 to those at another path).
     */
    WebSocketServer.RequestProcessor around(WebSocketServer.RequestProcessor pages) {
        return WebSocketServer.RequestProcessor.plainHttpOnly(registry.<WebSocketServer.RequestProcessor>map(
                r -> request -> scrape(r, request).or(() -> pages.process(request))).orElse(pages));
    }

    private static Optional<HttpResponse> scrape(PrometheusMeterRegistry registry, HttpRequest request) {
        boolean head = request.method().equals("HEAD");
        if (!request.path().equals(PATH) || !head && !request.method().equals("GET")) {
            return Optional.empty(); // another method: answered by the pages (405)
        }
        HttpResponse response = HttpResponse.of(200, head ? "" : registry.scrape(),
                Headers.of("Content-Type", CONTENT_TYPE, "Cache-Control", "no-store"));
        return Optional.of(response);
    }
}
