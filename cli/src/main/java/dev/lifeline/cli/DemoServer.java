package dev.lifeline.cli;

import dev.lifeline.WebSocketOptions;
import dev.lifeline.WebSocketServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;

/**
 * The server behind {@code lifeline serve}: a {@link Relay} on the WebSocket endpoint {@code /}, and the demo page,
 * its assets and {@code /healthz} over plain HTTP on the same port.
 */
final class DemoServer implements AutoCloseable {
    private final WebSocketServer server;
    private final String shownHost;
    private final boolean secure;

    private DemoServer(WebSocketServer server, String shownHost, boolean secure) {
        this.server = server;
        this.shownHost = shownHost;
        this.secure = secure;
    }

    /**
     * Binds and starts serving.
     *
     * @param tls serve {@code wss://} and {@code https://} with this context; plain when empty
     */
    static DemoServer start(String host, int port, Mode mode, WebSocketOptions options, Optional<SSLContext> tls,
            ServerLog log) throws IOException {
        CompletableFuture<WebSocketServer> started = new CompletableFuture<>();
        WebSocketServer.Builder builder = WebSocketServer.builder(new Relay(mode, log, started))
                .host(host)
                .port(port)
                .options(options)
                .processRequest(new StaticPages(mode, () -> started.join().connections().size()));
        tls.ifPresent(builder::sslContext);
        WebSocketServer server = builder.start();
        started.complete(server);
        return new DemoServer(server, shownHost(server.address().getAddress(), host), tls.isPresent());
    }

    /** The WebSocket endpoint: {@code ws://127.0.0.1:8765/}. */
    URI endpoint() {
        return URI.create((secure ? "wss" : "ws") + "://" + shownHost + ":" + server.port() + StaticPages.ENDPOINT);
    }

    /** The demo page: {@code http://127.0.0.1:8765/}. */
    URI page() {
        return URI.create((secure ? "https" : "http") + "://" + shownHost + ":" + server.port() + "/");
    }

    void awaitClosed() throws InterruptedException {
        server.awaitClosed();
    }

    /** Graceful: 1001 to every client, bounded by the close timeout. */
    @Override
    public void close() {
        server.close();
    }

    /** The host to put in URLs: {@code localhost} for a wildcard address, IPv6 in brackets. */
    private static String shownHost(InetAddress bound, String requested) {
        if (bound.isAnyLocalAddress()) {
            return "localhost";
        }
        return requested.contains(":") && !requested.startsWith("[") ? "[" + requested + "]" : requested;
    }
}
