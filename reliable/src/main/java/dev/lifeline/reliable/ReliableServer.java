package dev.lifeline.reliable;

import dev.lifeline.Failure;
import dev.lifeline.WebSocket;
import dev.lifeline.WebSocketOptions;
import dev.lifeline.WebSocketServer;
import dev.lifeline.protocol.CloseCode;
import dev.lifeline.protocol.ConnectionClosedException;
import dev.lifeline.protocol.ProtocolException;
import dev.lifeline.protocol.handshake.Headers;
import dev.lifeline.protocol.handshake.HttpResponse;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A server of reliable sessions over a {@link WebSocketServer}. Each new session gets a token and a handler, which
 * runs on a virtual thread of its own for the whole life of the session, across every connection the client
 * makes; when a connection drops, the session waits in the {@link SessionStore} for the client to come back.
 *
 * <pre>{@code
 * try (ReliableServer server = ReliableServer.builder(session -> {
 *         for (Message m : session) {
 *             session.send(m);
 *         }
 *     }).port(8765).start()) {
 *     server.awaitClosed();
 * }
 * }</pre>
 *
 * <p>The handler returning closes the session gracefully ({@link ReliableSession#close()}); the handler throwing
 * ends it with 1011. A client closing with 1000 ends the session; any other end of a connection keeps it for
 * the resume window. Thread-safe.
 */
public final class ReliableServer implements AutoCloseable {
    private static final System.Logger LOG = Endpoint.LOG;
    private static final AtomicInteger IDS = new AtomicInteger();
    private static final int TOKEN_BYTES = 16;

    /** Runs once per session, on its own virtual thread, for as long as the session lives. */
    @FunctionalInterface
    public interface Handler {
        void handle(ServerSession session) throws Exception;
    }

    private final Handler handler;
    /** Copied from the builder, which is not read after {@code start()}. */
    private final WebSocketOptions options;
    private final ReliableOptions reliable;
    private final SessionStore store;
    private final BroadcastHub hub;
    private final Set<ServerSession> sessions = ConcurrentHashMap.newKeySet();
    private final Set<Thread> handlers = ConcurrentHashMap.newKeySet();
    private final SecureRandom random = new SecureRandom();
    private final WebSocketServer server;

    private ReliableServer(Builder config) throws IOException {
        this.handler = config.handler;
        this.options = config.options;
        this.reliable = config.reliable;
        this.store = config.store != null ? config.store
                : new InMemorySessionStore(config.window, config.capacity);
        this.hub = config.hub != null ? config.hub : new InMemoryBroadcastHub();
        WebSocketServer.Builder b = WebSocketServer.builder(this::serve).host(config.host).port(config.port)
                .options(options);
        config.configure.accept(b);
        if (config.processRequest != null) {
            b.processRequest(config.processRequest);
        }
        // Checked by the server itself, after the application's processRequest if it sees handshakes: valid
        // handshakes stay on its selecting thread (a processRequest doing these checks would send every one to a
        // thread of its own).
        this.server = b.subprotocols(Envelope.SUBPROTOCOL).requireSubprotocol()
                .unavailableWhile(() -> !store.healthy(), HttpResponse.of(503,
                        "the session store is unavailable; try again shortly", Headers.of("Retry-After", "1")))
                .start();
    }

    public static Builder builder(Handler handler) {
        return new Builder(handler);
    }

    public int port() {
        return server.port();
    }

    /** The sessions alive on this server, with or without a connection. */
    public Set<ServerSession> sessions() {
        return Set.copyOf(sessions);
    }

    public SessionStore store() {
        return store;
    }

    public BroadcastHub hub() {
        return hub;
    }

    /** Blocks until the server is closed (by {@link #close()} from another thread). */
    public void awaitClosed() throws InterruptedException {
        server.awaitClosed();
    }

    /**
     * Shuts down: stops accepting, closes every connection with 1001 (clients will retry, and find their sessions
     * gone: NEW), ends every session as {@link CloseReason.Kind#SERVER_STOPPED}, waits for the handlers at most
     * the close timeout, then closes the store and the hub. With a {@linkplain SessionStore#shared() shared} store,
     * the sessions go on elsewhere: connections are closed with 1012 (service restart), clients reconnect at once
     * and resume on another node, where what this node's handlers had not committed is handled again.
     */
    @Override
    public void close() {
        CloseReason stopped = CloseReason.of(CloseReason.Kind.SERVER_STOPPED, "server shutting down");
        if (store.shared()) {
            // before the server's own 1001 to every connection: these clients are to come back at once, elsewhere
            terminateAll(stopped, CloseCode.SERVICE_RESTART);
        }
        server.close();
        terminateAll(stopped, store.shared() ? CloseCode.SERVICE_RESTART : CloseCode.GOING_AWAY);
        long deadline = System.nanoTime() + options.closeTimeout().toNanos();
        try {
            for (Thread handler : List.copyOf(handlers)) {
                handler.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        store.close();
        hub.close();
    }

    private void terminateAll(CloseReason reason, CloseCode code) {
        for (ServerSession session : List.copyOf(sessions)) {
            session.terminate(reason, code);
        }
    }

    // ------------------------------------------------------------------ one connection

    /** Runs on the connection's thread: the resume handshake, then reading until the connection ends. */
    private void serve(WebSocket ws) {
        Envelope.Hello hello;
        try {
            Envelope first = Wire.readHandshake(ws, options.openTimeout());
            if (!(first instanceof Envelope.Hello h)) {
                throw new ProtocolException(CloseCode.PROTOCOL_ERROR, "expected HELLO, received " + first);
            }
            hello = h;
        } catch (ProtocolException e) {
            LOG.log(Level.DEBUG, "[" + ws.id() + "] bad resume handshake: " + e.getMessage());
            Wire.refuse(ws, e);
            return;
        } catch (ConnectionClosedException e) {
            return;
        }
        Optional<ServerSession> joined;
        try {
            joined = join(ws, hello);
        } catch (ProtocolException e) {
            LOG.log(Level.DEBUG, "[" + ws.id() + "] refused a resume: " + e.getMessage());
            Wire.refuse(ws, e);
            return;
        }
        if (joined.isEmpty()) {
            return;
        }
        ServerSession session = joined.get();
        Optional<ConnectionClosedException> end = session.read(ws);
        if (!session.detach(ws)) {
            // Another connection took over (this one is aborted), or the session ended (whoever ended it closes
            // this connection with its code): returning before would let the server close it with 1000, which
            // tells the client the session is over.
            awaitClosed(ws);
            return;
        }
        Optional<Failure.Disconnected> how = end.map(Failure.Disconnected::of);
        if (how.isPresent() && how.get().byPeer() && how.get().code().equals(CloseCode.NORMAL_CLOSURE)) {
            session.end(CloseReason.of(CloseReason.Kind.CLOSED_BY_PEER, "the client closed the session"));
        } else {
            store.detached(session);
        }
    }

    private void awaitClosed(WebSocket ws) {
        try {
            ws.closed().get(options.closeTimeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.log(Level.DEBUG, "[" + ws.id() + "] not closed after its session let it go: " + e);
        }
    }

    /**
     * Resumes the session the client names if the store still has it, else starts a new one and its handler.
     *
     * @return the session now attached to {@code ws}; empty if the connection was refused (no room)
     * @throws ProtocolException if the client's resume contradicts the session
     */
    private Optional<ServerSession> join(WebSocket ws, Envelope.Hello hello) {
        if (hello.token().length > 0) {
            Optional<ServerSession> found;
            try {
                found = store.resume(ReliableClient.encodeToken(hello.token()), reliable);
            } catch (SessionStoreException e) {
                return refuse(ws, "the session store is unavailable", e);
            }
            if (found.isPresent()) {
                ServerSession session = found.get();
                byte[] token = hello.token();
                try {
                    session.attach(ws, hello.lastReceived(),
                            last -> new Envelope.Welcome(SessionOutcome.Kind.RESUMED, last, token));
                    session.log(Level.DEBUG, "RESUMED on " + ws.id() + "; client had received " + hello.lastReceived());
                    SessionEvents.joined(reliable.metrics(), session.id, ws.id(), SessionOutcome.Kind.RESUMED,
                            true);
                    if (sessions.add(session)) {
                        // restored from a shared store: run by another node until now
                        session.closed().thenRun(() -> forget(session));
                        startHandler(session);
                    }
                    return found;
                } catch (SessionClosedException e) {
                    session.log(Level.DEBUG, "ended just before " + ws.id() + " could resume it; starting anew");
                }
            }
        }
        byte[] token = new byte[TOKEN_BYTES];
        random.nextBytes(token);
        ServerSession session = new ServerSession("rs" + IDS.incrementAndGet(), token, reliable);
        try {
            if (!store.add(session)) {
                LOG.log(Level.INFO, "[" + ws.id() + "] refused: the session store is full");
                ws.close(CloseCode.TRY_AGAIN_LATER, "too many sessions; try again later");
                return Optional.empty();
            }
        } catch (SessionStoreException e) {
            return refuse(ws, "the session store is unavailable", e);
        }
        sessions.add(session);
        session.closed().thenRun(() -> forget(session));
        try {
            session.attach(ws, 0, last -> new Envelope.Welcome(SessionOutcome.Kind.NEW, 0, token));
        } catch (SessionClosedException e) {
            // evicted at once by another client's new session: the store has no room
            ws.close(CloseCode.TRY_AGAIN_LATER, "too many sessions; try again later");
            return Optional.empty();
        }
        session.log(Level.DEBUG, "NEW on " + ws.id());
        SessionEvents.joined(reliable.metrics(), session.id, ws.id(), SessionOutcome.Kind.NEW,
                hello.token().length > 0);
        startHandler(session);
        return Optional.of(session);
    }

    /** Closes with 1013: the client tries again later. */
    private static Optional<ServerSession> refuse(WebSocket ws, String why, SessionStoreException e) {
        LOG.log(Level.INFO, "[" + ws.id() + "] refused: " + why + ": " + e.getMessage());
        ws.close(CloseCode.TRY_AGAIN_LATER, Wire.truncate(why + "; try again later"));
        return Optional.empty();
    }

    private void forget(ServerSession session) {
        store.remove(session);
        hub.unsubscribeAll(session);
        sessions.remove(session);
    }

    private void startHandler(ServerSession session) {
        Thread thread = Thread.ofVirtual().name("lifeline-reliable-handler-" + session.id).unstarted(() -> {
            try {
                handler.handle(session);
                session.close();
            } catch (SessionClosedException e) {
                session.log(Level.DEBUG, "handler stopped: " + e.getMessage());
            } catch (Exception | Error e) {
                LOG.log(Level.WARNING, "[" + session.id + "] session handler failed; ending the session", e);
                session.terminate(CloseReason.of(CloseReason.Kind.FAILED, "the session handler failed"),
                        CloseCode.INTERNAL_ERROR);
            } finally {
                handlers.remove(Thread.currentThread());
            }
        });
        handlers.add(thread);
        thread.start();
    }

    /** Options of a {@link ReliableServer}. */
    public static final class Builder {
        private final Handler handler;
        private String host = "127.0.0.1";
        private int port;
        private WebSocketOptions options = WebSocketOptions.DEFAULT;
        private ReliableOptions reliable = ReliableOptions.DEFAULT;
        private Duration window = InMemorySessionStore.DEFAULT_WINDOW;
        private int capacity = InMemorySessionStore.DEFAULT_CAPACITY;
        private SessionStore store;
        private BroadcastHub hub;
        /** Null: none. */
        private WebSocketServer.RequestProcessor processRequest;
        private Consumer<WebSocketServer.Builder> configure = b -> { };

        private Builder(Handler handler) {
            this.handler = Objects.requireNonNull(handler, "handler");
        }

        /** The address to bind; 127.0.0.1 by default. */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host);
            return this;
        }

        /** The port; 0 (the default) picks a free one. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Options of each connection (timeouts, keepalive, limits). */
        public Builder options(WebSocketOptions options) {
            this.options = Objects.requireNonNull(options);
            return this;
        }

        /** Bounds and timings of each session (outbox = replay buffer, inbox, acknowledgements). */
        public Builder reliable(ReliableOptions options) {
            this.reliable = Objects.requireNonNull(options);
            return this;
        }

        /**
         * How long a session without a connection is kept, and how many sessions are kept at most, in the default
         * {@link InMemorySessionStore}; 2 minutes and 10,000.
         */
        public Builder resumeWindow(Duration window, int capacity) {
            this.window = Objects.requireNonNull(window);
            this.capacity = capacity;
            return this;
        }

        /** Where sessions are kept; an {@link InMemorySessionStore} by default. Closed with the server. */
        public Builder store(SessionStore store) {
            this.store = Objects.requireNonNull(store);
            return this;
        }

        /** The broadcast hub; an {@link InMemoryBroadcastHub} by default. Closed with the server. */
        public Builder hub(BroadcastHub hub) {
            this.hub = Objects.requireNonNull(hub);
            return this;
        }

        /**
         * Answers plain HTTP before the handshake (health checks, 401/403); see {@link WebSocketServer}. None by
         * default. One that sees handshakes sends each to a thread of its own before its 101; one for
         * {@link WebSocketServer.RequestProcessor#plainHttpOnly plain HTTP only} leaves them to the server's
         * selecting thread (the subprotocol and the store's health are checked there without one).
         */
        public Builder processRequest(WebSocketServer.RequestProcessor processor) {
            this.processRequest = Objects.requireNonNull(processor);
            return this;
        }

        /** Any other setting of the underlying {@link WebSocketServer} (TLS, origins, backlog...). */
        public Builder configure(Consumer<WebSocketServer.Builder> configure) {
            this.configure = Objects.requireNonNull(configure);
            return this;
        }

        /** Binds and starts accepting. */
        public ReliableServer start() throws IOException {
            return new ReliableServer(this);
        }
    }
}
