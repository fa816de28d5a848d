package dev.lifeline.cli;

import dev.lifeline.Message;
import dev.lifeline.WebSocketOptions;
import dev.lifeline.WebSocketServer;
import dev.lifeline.redis.RedisBroadcastHub;
import dev.lifeline.redis.RedisConnector;
import dev.lifeline.redis.RedisHealth;
import dev.lifeline.redis.RedisSessionStore;
import dev.lifeline.redis.RedisTopic;
import dev.lifeline.reliable.BroadcastHub;
import dev.lifeline.reliable.InMemoryBroadcastHub;
import dev.lifeline.reliable.ReliableServer;
import dev.lifeline.reliable.SessionStore;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import javax.net.ssl.SSLContext;

/**
 * The server behind {@code lifeline serve}: a {@link Relay} on the WebSocket endpoint {@code /} (or, with
 * {@code --reliable}, a {@link ReliableRelay} behind a {@link ReliableServer}), and the demo page, its assets and
 * {@code /healthz} over plain HTTP on the same port. With a Redis ({@code --redis}), every node on it acts as one
 * service: plain chat is shared through a {@link RedisTopic}; reliable sessions through a {@link RedisSessionStore}
 * (a client resumes its session on any node) and reliable chat through a {@link RedisBroadcastHub}.
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

    /** Binds and starts serving, alone (nothing shared with other nodes), for pages of any origin. */
    static DemoServer start(String host, int port, Mode mode, boolean reliable, WebSocketOptions options,
            Optional<SSLContext> tls, ServerLog log) throws IOException {
        return start(host, port, mode, reliable, options, tls, Optional.empty(), log);
    }

    /** Binds and starts serving, sharing chat (and, with {@code reliable}, sessions) through {@code redis}. */
    static DemoServer start(String host, int port, Mode mode, boolean reliable, WebSocketOptions options,
            Optional<SSLContext> tls, Optional<RedisConnector> redis, ServerLog log) throws IOException {
        return start(host, port, mode, reliable, options, tls, Set.of(), log, MetricsEndpoint.OFF, Optional.empty(),
                redis);
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
     *     {@code JournalSessionStore}: they survive a restart; the server closes it when it closes); empty: in memory,
     *     or in Redis with {@code redis}
     * @param redis share chat (and, with {@code reliable}, sessions) with every node on this Redis (the caller closes
     *        it after the server); alone when empty
     * @throws dev.lifeline.redis.RedisUnavailableException if Redis does not answer
     * @throws dev.lifeline.reliable.SessionStoreException if the session store cannot reach Redis
     */
    static DemoServer start(String host, int port, Mode mode, boolean reliable, WebSocketOptions options,
            Optional<SSLContext> tls, Set<String> allowedOrigins, ServerLog log, MetricsEndpoint metrics,
            Optional<SessionStore> store, Optional<RedisConnector> redis) throws IOException {
        Consumer<WebSocketServer.Builder> configure = builder -> {
            tls.ifPresent(builder::sslContext);
            if (!allowedOrigins.isEmpty()) {
                builder.allowedOrigins(allowedOrigins, true);
            }
        };
        Running running = reliable
                ? startReliable(host, port, mode, metrics.options(options), configure, log, metrics, store, redis)
                : startPlain(host, port, mode, metrics.options(options), configure, log, metrics, redis);
        return new DemoServer(running, shownHost(InetAddress.getByName(host), host), tls.isPresent());
    }

    private static Running startPlain(String host, int port, Mode mode, WebSocketOptions options,
            Consumer<WebSocketServer.Builder> configure, ServerLog log, MetricsEndpoint metrics,
            Optional<RedisConnector> redis) throws IOException {
        CompletableFuture<WebSocketServer> started = new CompletableFuture<>();
        Consumer<Message> local = message -> {
            WebSocketServer server = started.getNow(null); // none yet: no client to send to
            log.sent(server == null ? 0 : server.broadcast(message));
        };
        // chat on several nodes: each message goes through Redis to every node, this one included
        Optional<RedisTopic> shared = mode == Mode.CHAT
                ? redis.map(r -> RedisTopic.open(r, ReliableRelay.CHAT, local)) : Optional.empty();
        Consumer<Message> chat = shared.<Consumer<Message>>map(topic -> message -> topic.publish(message)
                .exceptionally(failure -> {
                    log.line("a chat message was not shared: " + failure.getCause().getMessage());
                    return 0L;
                })).orElse(local);
        WebSocketServer.Builder builder = WebSocketServer.builder(new Relay(mode, log, chat))
                .host(host)
                .port(port)
                .options(options)
                .path(StaticPages.ENDPOINT)
                .processRequest(metrics.around(new StaticPages(mode, false, () -> started.join().connections().size(),
                        () -> redis.map(r -> Map.of("redis", r.ping())).orElse(Map.of()))));
        configure.accept(builder);
        WebSocketServer server;
        try {
            server = builder.start();
        } catch (IOException | RuntimeException e) {
            shared.ifPresent(RedisTopic::close);
            throw e;
        }
        started.complete(server);
        return new Running(server::port, server::awaitClosed, () -> {
            server.close();
            shared.ifPresent(RedisTopic::close);
        });
    }

    private static Running startReliable(String host, int port, Mode mode, WebSocketOptions options,
            Consumer<WebSocketServer.Builder> configure, ServerLog log, MetricsEndpoint metrics,
            Optional<SessionStore> given, Optional<RedisConnector> redis) throws IOException {
        CompletableFuture<ReliableServer> started = new CompletableFuture<>();
        Optional<RedisBroadcastHub> sharedHub = mode == Mode.CHAT
                ? redis.map(r -> RedisBroadcastHub.builder(r).build()) : Optional.empty();
        BroadcastHub hub = sharedHub.<BroadcastHub>map(h -> h).orElseGet(InMemoryBroadcastHub::new);
        Optional<RedisSessionStore> redisStore;
        try {
            // sessions shared by the nodes: a client resumes its session on whichever node it reaches
            redisStore = given.isPresent() ? Optional.empty()
                    : redis.map(r -> RedisSessionStore.builder(r).build());
        } catch (RuntimeException e) {
            hub.close();
            throw e;
        }
        Optional<SessionStore> store = given.or(() -> redisStore.map(SessionStore.class::cast));
        ReliableServer.Builder builder = ReliableServer.builder(new ReliableRelay(mode, log, hub))
                .host(host)
                .port(port)
                .options(options)
                .reliable(metrics.reliable())
                .hub(hub)
                .processRequest(metrics.around(new StaticPages(mode, true, () -> (int) started.join().sessions()
                        .stream().filter(s -> s.connection().isPresent()).count(),
                        () -> health(redis, sharedHub, redisStore))))
                .configure(b -> configure.accept(b.path(StaticPages.ENDPOINT)));
        store.ifPresent(builder::store);
        ReliableServer server;
        try {
            server = builder.start();
        } catch (IOException | RuntimeException e) {
            hub.close();
            store.ifPresent(SessionStore::close);
            throw e;
        }
        started.complete(server);
        return new Running(server::port, server::awaitClosed, server::close);
    }

    /** What {@code /healthz} says of Redis: the hub's (or a PING's) health, and the session store's. */
    private static Map<String, RedisHealth> health(Optional<RedisConnector> redis,
            Optional<RedisBroadcastHub> hub, Optional<RedisSessionStore> store) {
        Map<String, RedisHealth> health = new LinkedHashMap<>();
        hub.map(RedisBroadcastHub::health).or(() -> redis.map(RedisConnector::ping))
                .ifPresent(h -> health.put("redis", h));
        store.ifPresent(s -> health.put("sessions", s.healthy()
                ? new RedisHealth(true, "sessions saved to " + redis.orElseThrow().where())
                : new RedisHealth(false, "sessions cannot be saved to " + redis.orElseThrow().where()
                        + ": new sessions are refused with 503 and Retry-After until it is back")));
        return health;
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
