package dev.lifeline.bench.server;

import dev.lifeline.micrometer.LifelineMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import dev.lifeline.WebSocketOptions;
import dev.lifeline.WebSocketServer;
import dev.lifeline.protocol.extension.PerMessageDeflate;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Lifeline's echo in the listener style (like Netty's handler on its event loop: no thread per connection but the
 * reader), with keepalive off, a 2 MiB message limit and batched replies; compressing, it takes permessage-deflate
 * without context takeover (pooled zlib streams). Measured, it counts into a Prometheus registry through
 * {@link LifelineMetrics}, as {@code lifeline serve --metrics} does.
 */
final class LifelineEcho implements EchoServer {
    private final WebSocketServer server;

    private LifelineEcho(WebSocketServer server) {
        this.server = server;
    }

    /**
     * {@link WebSocketServer#broadcast}: each message encoded once for every connection; a connection whose outgoing
     * buffer is over its write limit misses it (counted by the load as dropped).
     */
    static LifelineEcho broadcasting() throws IOException {
        AtomicReference<WebSocketServer> self = new AtomicReference<>();
        WebSocketServer server = WebSocketServer.builder((ws, m) -> self.get().broadcast(m))
                .options(WebSocketOptions.DEFAULT.withoutKeepalive().withMaxMessageSize(MAX_MESSAGE)).start();
        self.set(server);
        return new LifelineEcho(server);
    }

    /** The echo with keepalive as it ships: a Ping after 20 s without one, the connection failed after 20 s more. */
    static LifelineEcho keepingAlive() throws IOException {
        return new LifelineEcho(WebSocketServer.builder((ws, m) -> ws.send(m))
                .options(WebSocketOptions.DEFAULT.withMaxMessageSize(MAX_MESSAGE).withBatchedReplies(true)).start());
    }

    LifelineEcho(boolean deflate, boolean measured) throws IOException {
        WebSocketOptions options = WebSocketOptions.DEFAULT.withoutKeepalive().withMaxMessageSize(MAX_MESSAGE)
                .withBatchedReplies(true);
        if (deflate) {
            options = options.withExtensions(List.of(PerMessageDeflate.DEFAULT.withoutContextTakeover()));
        }
        if (measured) {
            options = options.withMetrics(new LifelineMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)));
        }
        server = WebSocketServer.builder((ws, m) -> ws.send(m)).options(options).start();
    }

    @Override
    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.close(Duration.ofSeconds(2));
    }
}
