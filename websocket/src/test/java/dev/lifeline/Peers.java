package dev.lifeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.testing.Await;
import dev.lifeline.testing.Census;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * Shared helpers of the connection tests: a server that hands each connection to the test and never reads from
 * it, connecting to it, and waiting with a bound.
 */
final class Peers implements AutoCloseable {
    /** How long any single wait of these tests may take before it counts as a failure. */
    static final Duration PATIENCE = Duration.ofSeconds(5);

    private final BlockingQueue<WebSocket> accepted = new LinkedBlockingQueue<>();
    final WebSocketServer server;

    private Peers(UnaryOperator<WebSocketServer.Builder> config) throws IOException {
        this.server = config.apply(WebSocketServer.builder(ws -> {
            accepted.add(ws);
            ws.closed().join(); // keeps the connection open, without reading, until it closes
        })).start();
    }

    /** A server with default options whose connections the test drives from both ends. */
    static Peers start() throws IOException {
        return new Peers(builder -> builder);
    }

    static Peers start(UnaryOperator<WebSocketServer.Builder> config) throws IOException {
        return new Peers(config);
    }

    URI uri() {
        return uri(server);
    }

    static URI uri(WebSocketServer server) {
        return URI.create("ws://127.0.0.1:" + server.port() + "/");
    }

    /** Opens a client connection with these options and returns it with the server's side of it. */
    Pair connect(WebSocketOptions options) throws IOException, InterruptedException {
        WebSocket client = WebSocketClient.builder().options(options).build().open(uri());
        return new Pair(client, accepted());
    }

    /** A connection opened by {@code client}, and its server side. */
    Pair connect(WebSocketClient client) throws IOException, InterruptedException {
        return new Pair(client.open(uri()), accepted());
    }

    Pair connect() throws IOException, InterruptedException {
        return connect(WebSocketOptions.DEFAULT);
    }

    /** The server side of the next connection. */
    WebSocket accepted() throws InterruptedException {
        WebSocket ws = accepted.poll(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(ws).as("a connection accepted within " + PATIENCE).isNotNull();
        return ws;
    }

    /** Both ends of one connection. */
    record Pair(WebSocket client, WebSocket server) {
        WebSocket side(boolean serverSide) {
            return serverSide ? server : client;
        }

        /**
         * Returns once the server (handler style) holds in its inbox every message the client sent before: the
         * server's reader puts what it read in the inbox before it queues the Pong of a Ping read after it.
         */
        void serverHasRead() throws Exception {
            await(client.ping());
        }
    }

    /** Waits for a future, at most {@link #PATIENCE}. */
    static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Server threads that run a connection, from its opening handshake to the end of its handler: one appearing
     * tells that the server accepted a TCP connection.
     */
    static long serverConnectionThreads() {
        try {
            return Census.lifelineThreads().stream().filter(name -> name.startsWith("lifeline-conn-")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits (at most {@link #PATIENCE}) until {@code count} opening handshakes are in flight on the server. */
    static void awaitHandshakesInFlight(WebSocketServer server, int count) throws InterruptedException {
        Await.until(count + " handshakes in flight", PATIENCE, () -> server.handshakesInFlight() == count);
    }

    /** Waits (at most {@link #PATIENCE}) until the server holds {@code count} open connections. */
    static void awaitConnections(WebSocketServer server, int count) throws InterruptedException {
        Await.until(count + " connections", PATIENCE, () -> server.connections().size() == count);
    }

    static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    @Override
    public void close() {
        server.close(Duration.ofSeconds(2));
    }
}
