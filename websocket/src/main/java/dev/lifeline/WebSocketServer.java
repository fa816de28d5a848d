package dev.lifeline;

import dev.lifeline.internal.Acceptor;
import dev.lifeline.internal.ServerConfig;
import dev.lifeline.protocol.handshake.HttpRequest;
import dev.lifeline.protocol.handshake.HttpResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLContext;

/**
 * A WebSocket server: runs one handler per connection on a virtual thread of its own. The handler returning closes
 * the connection with 1000; the handler throwing closes it with 1011. For many mostly idle connections, the listener
 * style ({@link #builder(MessageListener)}) needs no handler thread: each connection's reader calls the listener.
 * Without TLS, no thread waits for a connection to arrive, for a client's handshake request, or for an idle
 * connection's next message: one selecting thread watches the sockets and starts a virtual thread when there is
 * something to read. That thread also reads the opening handshakes and answers 101 itself when nothing of the
 * application's has to run first (no {@link Builder#processRequest}, or one for {@link RequestProcessor#plainHttpOnly
 * plain HTTP only}; {@link Builder#requireSubprotocol}, {@link Builder#unavailableWhile} and the origins are checked
 * there too): in the listener style, with a {@link MessageListener} (no {@link WebSocketListener#onOpen} to call),
 * a connection then takes no thread at all until its peer's first message.
 *
 * <pre>{@code
 * try (WebSocketServer server = WebSocketServer.builder(ws -> {
 *         for (Message m : ws) {
 *             ws.send(m);
 *         }
 *     }).port(8765).start()) {
 *     server.awaitClosed();
 * }
 * }</pre>
 *
 * <p>{@link #close()} is graceful: it stops accepting, answers handshakes in flight with 503, closes open
 * connections with 1001, and waits for handlers at most {@code closeTimeout} before dropping what is left.
 * Thread-safe.
 */
public final class WebSocketServer implements AutoCloseable {
    /** Runs for each connection, on its own virtual thread. */
    @FunctionalInterface
    public interface Handler {
        void handle(WebSocket ws) throws Exception;
    }

    /**
     * Looks at every request before the WebSocket handshake, including plain HTTP requests that are no handshake at
     * all (HTTP/1.0 ones too): return a response to answer with it instead (a health check, a static page, 401 or
     * 403), or empty to go on with the handshake (or, for a request that is not a valid handshake, with its 400 or
     * 426 answer). A request that tries a handshake and gets it wrong ({@code Connection: Upgrade}, {@code Upgrade:
     * websocket} or a {@code Sec-WebSocket-Key}, but not all that RFC 6455 §4.2.1 asks) does not come here: it is
     * answered with what is wrong with it. Runs on
     * the connection's virtual thread; if it throws, the client gets 500. (Without one, the server's selecting
     * thread answers valid handshakes itself, which saves a thread start per connection; a processor that declares
     * it has nothing to say about valid handshakes, {@link #plainHttpOnly}, keeps that.)
     */
    @FunctionalInterface
    public interface RequestProcessor {
        Optional<HttpResponse> process(HttpRequest request);

        /**
         * Whether valid WebSocket handshakes come here too: true (the default) for every request, as above. False
         * for a processor of plain HTTP only (health checks, pages): valid handshakes then skip it, and without TLS
         * the server's selecting thread answers them itself, as it does with no processor at all.
         */
        default boolean seesHandshakes() {
            return true;
        }

        /** {@code processor}, for plain HTTP only: requests that are no handshake ({@link #seesHandshakes}). */
        static RequestProcessor plainHttpOnly(RequestProcessor processor) {
            Objects.requireNonNull(processor, "processor");
            return new RequestProcessor() {
                @Override
                public Optional<HttpResponse> process(HttpRequest request) {
                    return processor.process(request);
                }

                @Override
                public boolean seesHandshakes() {
                    return false;
                }
            };
        }
    }

    /** What the builder held at {@link Builder#start()}; the builder is never read again. */
    private final ServerConfig config;
    /** The listening socket, the opening handshakes in flight, the workers: what runs the server. */
    private final Acceptor acceptor;
    /** Runs {@link #close()} when the JVM shuts down, with {@link Builder#closeOnShutdown()}; else null. */
    private final Thread shutdownHook;

    private WebSocketServer(ServerConfig config) throws IOException {
        this.config = config;
        this.acceptor = new Acceptor(config);
        this.shutdownHook = config.closeOnShutdown() ? new Thread(this::close, "lifeline-shutdown") : null;
        if (shutdownHook != null) {
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
    }

    public static Builder builder(Handler handler) {
        return new Builder(Objects.requireNonNull(handler, "handler"), null);
    }

    /**
     * A server in the listener style: no thread per connection but its reader. A {@link WebSocketListener} has its
     * {@link WebSocketListener#onOpen} called as soon as a connection opens; a {@link MessageListener} (a lambda
     * {@code (ws, message) -> ...}) has no opening, and its connections take no thread until their peer's first
     * bytes (without TLS).
     */
    public static Builder builder(MessageListener listener) {
        return new Builder(null, Objects.requireNonNull(listener, "listener"));
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return address().getPort();
    }

    public InetSocketAddress address() {
        return acceptor.address();
    }

    /**
     * Opening handshakes in flight: sockets accepted whose handshake has not ended yet (neither answered, nor
     * opened, nor dropped). A client that is slow to send its request holds no thread meanwhile (without TLS).
     */
    public int handshakesInFlight() {
        return acceptor.handshakesInFlight();
    }

    /** The connections that are open now. */
    public Set<WebSocket> connections() {
        return acceptor.connections();
    }

    /**
     * Sends a message to every open connection without waiting for any of them, encoding its frame once for all the
     * connections that can share it (those without compression; those compressing without context takeover, with
     * the same parameters) rather than once per connection. A connection with more than {@code writeLimit} bytes
     * waiting to be written (a slow reader) misses this message, whole, rather than stall the others; each miss is
     * counted in {@link WebSocketMetrics#broadcastDropped}. See docs/topics/limits-and-backpressure.md.
     *
     * @return how many connections the message was queued for
     */
    public int broadcast(Message message) {
        return acceptor.broadcast(message);
    }

    /** Blocks until the server is closed (by {@link #close()} from another thread). */
    public void awaitClosed() throws InterruptedException {
        acceptor.awaitClosed();
    }

    /** Graceful shutdown, bounded by the close timeout. */
    @Override
    public void close() {
        close(config.options().closeTimeout());
    }

    /**
     * Graceful shutdown: stops accepting, answers handshakes in flight with 503, closes open connections with 1001,
     * and waits at most {@code timeout} for handlers to return; then drops the connections left and interrupts
     * their handlers.
     */
    public void close(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook runs this close too
            }
        }
        acceptor.close(deadline, timeout);
    }

    /** Server options. */
    public static final class Builder {
        /** One of these two is set. */
        private final Handler handler;
        private final MessageListener listener;
        private String host = "127.0.0.1";
        private int port = 0;
        private int backlog = 1024;
        private WebSocketOptions options = WebSocketOptions.DEFAULT;
        /** Null: none, and the poller's thread may answer handshakes itself. */
        private RequestProcessor processRequest;
        private Set<String> allowedOrigins;
        private boolean allowMissingOrigin = true;
        private List<String> subprotocols = List.of();
        private boolean subprotocolRequired;
        private ServerConfig.Unavailable unavailable;
        private SSLContext sslContext;
        private int maxHandshakes = 256;
        private boolean closeOnShutdown;
        private String path;

        private Builder(Handler handler, MessageListener listener) {
            this.handler = handler;
            this.listener = listener;
        }

        /** The address to bind; 127.0.0.1 by default, {@code 0.0.0.0} for every interface. */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host);
            return this;
        }

        /** The port; 0 (the default) picks a free one, readable with {@link WebSocketServer#port()}. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder backlog(int backlog) {
            this.backlog = backlog;
            return this;
        }

        public Builder options(WebSocketOptions options) {
            this.options = Objects.requireNonNull(options);
            return this;
        }

        public Builder processRequest(RequestProcessor processor) {
            this.processRequest = Objects.requireNonNull(processor);
            return this;
        }

        /**
         * Accepts handshakes only from these origins (403 otherwise). Requests without an Origin header (non-browser
         * clients) are accepted unless {@code allowMissing} is false.
         */
        public Builder allowedOrigins(Set<String> origins, boolean allowMissing) {
            this.allowedOrigins = Set.copyOf(origins);
            this.allowMissingOrigin = allowMissing;
            return this;
        }

        /**
         * Accepts WebSocket handshakes only at this path (the request target's, without its query: see
         * {@link dev.lifeline.protocol.handshake.HttpRequest#path()}); a valid handshake at another path is answered
         * 404, naming the endpoint, before any other check. Any path by default. Checked by the server itself, so
         * that a {@link #processRequest} serving pages on the same port can be {@link RequestProcessor#plainHttpOnly
         * plain HTTP only}, and valid handshakes stay on the selecting thread.
         */
        public Builder path(String path) {
            this.path = Objects.requireNonNull(path, "path");
            return this;
        }

        /** Subprotocols this server speaks, in its order of preference. */
        public Builder subprotocols(String... names) {
            this.subprotocols = List.of(names);
            return this;
        }

        /**
         * Refuses a handshake that offers none of the {@link #subprotocols} with 400, naming them. Checked by the
         * server itself, before the origin: without TLS, valid handshakes are still answered by the selecting
         * thread (no thread per handshake), which a {@link #processRequest} that sees handshakes would cost.
         * {@link #start()} throws {@code IllegalArgumentException} if the server speaks no subprotocol.
         */
        public Builder requireSubprotocol() {
            this.subprotocolRequired = true;
            return this;
        }

        /**
         * While {@code condition} holds (a service this server needs is down), answers valid handshakes with
         * {@code answer} (say 503 with {@code Retry-After}); plain HTTP requests (a health check) are not affected.
         * Asked for every handshake, after {@link #requireSubprotocol} and before the origin, by the selecting thread
         * (without TLS): it must return at once (read a flag, never wait). Unlike a {@link #processRequest} that
         * sees handshakes, it keeps valid handshakes on the selecting thread.
         */
        public Builder unavailableWhile(BooleanSupplier condition, HttpResponse answer) {
            this.unavailable = new ServerConfig.Unavailable(Objects.requireNonNull(condition),
                    Objects.requireNonNull(answer));
            return this;
        }

        /** Serve {@code wss://} with this context. */
        public Builder sslContext(SSLContext context) {
            this.sslContext = context;
            return this;
        }

        /** Handshakes in progress at once; more are answered 503. 256 by default. */
        public Builder maxHandshakes(int count) {
            this.maxHandshakes = count;
            return this;
        }

        /**
         * Closes the server gracefully when the JVM shuts down (Ctrl-C, SIGTERM, {@code System.exit}): its clients get
         * 1001 (going away) instead of a dropped connection (1006). A shutdown hook that {@link #close()} removes.
         */
        public Builder closeOnShutdown() {
            this.closeOnShutdown = true;
            return this;
        }

        /** Binds and starts accepting. */
        public WebSocketServer start() throws IOException {
            return new WebSocketServer(new ServerConfig(handler, listener, host, port, backlog, options,
                    Optional.ofNullable(processRequest), Optional.ofNullable(allowedOrigins), allowMissingOrigin,
                    subprotocols, subprotocolRequired, Optional.ofNullable(unavailable),
                    Optional.ofNullable(sslContext), maxHandshakes, closeOnShutdown, Optional.ofNullable(path)));
        }
    }
}
