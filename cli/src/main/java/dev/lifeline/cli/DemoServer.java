package dev.lifeline.cli;

import dev.lifeline.WebSocketOptions;
import dev.lifeline.WebSocketServer;
import dev.lifeline.reliable.BroadcastHub;
import dev.lifeline.reliable.InMemoryBroadcastHub;
import dev.lifeline.reliable.ReliableServer;
import dev.lifeline.reliable.SessionStore;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import javax.net.ssl.SSLContext;

/**
 * The server behind {@code lifeline serve}: a {@link Relay} on the WebSocket endpoint {@code /} (or, with
 * {@code --reliable}, a {@link ReliableRelay} behind a {@link ReliableServer}), and the demo page, its assets and
 * {@code /healthz} over plain HTTP on the same port.
 */
final class DemoServer implements AutoCloseable {
    /** What both kinds of server offer here: their port, waiting for their end, closing them. */
    private record Running(IntSupplier port, Awaiting awaitClosed, Runnable close) {
    }

    @FunctionalInterface
    private interface Awaiting {
        void await() throws InterruptedException;
    }

    private final Running server;
    private final String shownHost;
    private final boolean secure;

    private DemoServer(Running server, String shownHost, boolean secure) {
        this.server = server;
        this.shownHost = shownHost;
        this.secure = secure;
    }

    /** Binds and starts serving, for pages of any origin. */
    static DemoServer start(String host, int port, Mode mode, boolean reliable, WebSocketOptions options,
            Optional<SSLContext> tls, ServerLog log) throws IOException {
        return start(host, port, mode, reliable, options, tls, Set.of(), log, MetricsEndpoint.OFF, Optional.empty());
    }

    /**
     * Binds and starts serving.
     *
     * @param tls serve {@code wss://} and {@code https://} with this context; plain when empty
     * @param reliable speak {@code lifeline.reliable.v1} on {@code /}: sessions that survive reconnects
     * @param allowedOrigins the only origins whose pages may open a connection (403 for others); empty: any
     * @param metrics counts into a registry and serves it at {@code /metrics} (see {@link MetricsEndpoint}), or
     *     {@link MetricsEndpoint#OFF}
     * @param store where the reliable server keeps its sessions (with {@code --state-dir}, a
     *     {@code JournalSessionStore}: they survive a restart; the server closes it when it closes); empty: in memory
     */
    static DemoServer start(String host, int port, Mode mode, boolean reliable, WebSocketOptions options,
            Optional<SSLContext> tls, Set<String> allowedOrigins, ServerLog log, MetricsEndpoint metrics,
            Optional<SessionStore> store) throws IOException {
        Consumer<WebSocketServer.Builder> configure = builder -> {
            tls.ifPresent(builder::sslContext);
            if (!allowedOrigins.isEmpty()) {
                builder.allowedOrigins(allowedOrigins, true);
            }
        };
        Running running = reliable
                ? startReliable(host, port, mode, metrics.options(options), configure, log, metrics, store)
                : startPlain(host, port, mode, metrics.options(options), configure, log, metrics);
        return new DemoServer(running, shownHost(InetAddress.getByName(host), host), tls.isPresent());
    }

    private static Running startPlain(String host, int port, Mode mode, WebSocketOptions options,
            Consumer<WebSocketServer.Builder> configure, ServerLog log, MetricsEndpoint metrics) throws IOException {
        CompletableFuture<WebSocketServer> started = new CompletableFuture<>();
        WebSocketServer.Builder builder = WebSocketServer.builder(new Relay(mode, log, started))
                .host(host)
                .port(port)
                .options(options)
                .processRequest(metrics.around(
                        new StaticPages(mode, false, () -> started.join().connections().size())));
        configure.accept(builder);
        WebSocketServer server = builder.start();
        started.complete(server);
        return new Running(server::port, server::awaitClosed, server::close);
    }

    private static Running startReliable(String host, int port, Mode mode, WebSocketOptions options,
            Consumer<WebSocketServer.Builder> configure, ServerLog log, MetricsEndpoint metrics,
            Optional<SessionStore> store) throws IOException {
        CompletableFuture<ReliableServer> started = new CompletableFuture<>();
        BroadcastHub hub = new InMemoryBroadcastHub();
        ReliableServer.Builder builder = ReliableServer.builder(new ReliableRelay(mode, log, hub));
        store.ifPresent(builder::store);
        ReliableServer server = builder
                .host(host)
                .port(port)
                .options(options)
                .reliable(metrics.reliable())
                .hub(hub)
                .processRequest(metrics.around(new StaticPages(mode, true, () -> (int) started.join().sessions()
                        .stream().filter(s -> s.connection().isPresent()).count())))
                .configure(configure)
                .start();
        started.complete(server);
        return new Running(server::port, server::awaitClosed, server::close);
    }

    /** The WebSocket endpoint: {@code ws://127.0.0.1:8765/}. */
    URI endpoint() {
        return URI.create((secure ? "wss" : "ws") + "://" + shownHost + ":" + server.port().getAsInt()
                + StaticPages.ENDPOINT);
    }

    /** The demo page: {@code http://127.0.0.1:8765/}. */
    URI page() {
        return URI.create((secure ? "https" : "http") + "://" + shownHost + ":" + server.port().getAsInt() + "/");
    }

    void awaitClosed() throws InterruptedException {
        server.awaitClosed().await();
    }

    /** Graceful: 1001 to every client, bounded by the close timeout. */
    @Override
    public void close() {
        server.close().run();
    }

    /** The host to put in URLs: {@code localhost} for a wildcard address, IPv6 in brackets. */
    private static String shownHost(InetAddress bound, String requested) {
        if (bound.isAnyLocalAddress()) {
            return "localhost";
        }
        return requested.contains(":") && !requested.startsWith("[") ? "[" + requested + "]" : requested;
    }
}
