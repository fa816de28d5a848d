package dev.lifeline;

import dev.lifeline.internal.Connection;
import dev.lifeline.internal.Handshakes;
import dev.lifeline.internal.Opening;
import dev.lifeline.internal.OpeningTelemetry;
import dev.lifeline.protocol.CloseCode;
import dev.lifeline.protocol.Event;
import dev.lifeline.protocol.ProtocolConfig;
import dev.lifeline.protocol.ServerProtocol;
import dev.lifeline.protocol.handshake.HandshakeException;
import dev.lifeline.protocol.handshake.Headers;
import dev.lifeline.protocol.handshake.HttpRequest;
import dev.lifeline.protocol.handshake.HttpResponse;
import dev.lifeline.protocol.handshake.ServerHandshake;
import java.io.Closeable;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A WebSocket server: runs one handler per connection on a virtual thread of its own. The handler returning closes
 * the connection with 1000; the handler throwing closes it with 1011. For many mostly idle connections, the listener
 * style ({@link #builder(WebSocketListener)}) needs no handler thread: each connection's reader calls the listener.
 * Without TLS, no thread waits for a connection to arrive, for a client's handshake request, or for an idle
 * connection's next message: one selecting thread watches the sockets and starts a virtual thread when there is
 * something to read. That thread also reads the opening handshakes and answers 101 itself when nothing of the
 * application's has to run first (no {@link Builder#processRequest}, or one for {@link RequestProcessor#plainHttpOnly
 * plain HTTP only}): in the listener style, with a listener that
 * has no {@link WebSocketListener#onOpen}, a connection then takes no thread at all until its peer's first message.
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
    private static final System.Logger LOG = System.getLogger("dev.lifeline");
    private static final Headers SERVER_HEADER = Headers.of("Server", "Lifeline");
    /** Pause after a failed accept (e.g. out of file descriptors) so that the loop does not spin. */
    private static final Duration ACCEPT_BACKOFF = Duration.ofMillis(100);

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
    /** The protocol's share of the options, the same for every connection. */
    private final ProtocolConfig protocolConfig;
    /**
     * Whether the listener has an {@link WebSocketListener#onOpen} of its own: then a connection's reader starts as
     * soon as it opens, not with the peer's first bytes.
     */
    private final boolean listenerOpens;
    private final ServerSocket serverSocket;
    private final Semaphore handshakeSlots;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    /** What every connection does once CLOSED: leave {@link #connections}. */
    private final Consumer<Connection> forget = connections::remove;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    /** Taken only to wait for, or signal, the end of a handshake in flight while the server closes. */
    private final ReentrantLock handshakesLock = new ReentrantLock();
    /** Signalled when a handshake ends while the server closes ({@link #awaitHandshakesEnded}). */
    private final Condition handshakesEnded = handshakesLock.newCondition();
    /** TCP sockets whose opening handshake is not answered yet. */
    private final Set<Socket> handshaking = ConcurrentHashMap.newKeySet();
    private final Set<Thread> workers = ConcurrentHashMap.newKeySet();
    /** Stops accepting and closes {@link #serverSocket}. */
    private final Closeable listening;
    /** Counted down by {@link #close}: no more accepts. */
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final String tag;
    /** Runs {@link #close()} when the JVM shuts down, with {@link Builder#closeOnShutdown()}; else null. */
    private final Thread shutdownHook;
    /** Tells the metrics listener and the flight recorder about handshakes. */
    private final OpeningTelemetry telemetry;
    private volatile boolean closing;

    private WebSocketServer(ServerConfig config) throws IOException {
        this.config = config;
        this.protocolConfig = config.options().protocolConfig();
        this.listenerOpens = config.listenerStyle() && hasOwnOnOpen(config.listener());
        this.handshakeSlots = new Semaphore(config.maxHandshakes());
        this.telemetry = new OpeningTelemetry(config.options().metrics());
        ServerSocketChannel channel = ServerSocketChannel.open(); // its sockets have channels: see Opening
        this.serverSocket = channel.socket();
        serverSocket.setReuseAddress(true);
        serverSocket.bind(new InetSocketAddress(InetAddress.getByName(config.host()), config.port()), config.backlog());
        this.tag = "[server " + config.host() + ":" + port() + "] ";
        try {
            this.listening = Opening.acceptOn(channel, this::accepted, ACCEPT_BACKOFF);
        } catch (IOException | RuntimeException e) {
            serverSocket.close();
            throw e;
        }
        this.shutdownHook = config.closeOnShutdown() ? new Thread(this::close, "lifeline-shutdown") : null;
        if (shutdownHook != null) {
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
        LOG.log(Level.DEBUG, tag + "listening");
    }

    public static Builder builder(Handler handler) {
        return new Builder(Objects.requireNonNull(handler, "handler"), null);
    }

    /** A server in the listener style: no thread per connection but its reader (see {@link WebSocketListener}). */
    public static Builder builder(WebSocketListener listener) {
        return new Builder(null, Objects.requireNonNull(listener, "listener"));
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return serverSocket.getLocalPort();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) serverSocket.getLocalSocketAddress();
    }

    /**
     * Opening handshakes in flight: sockets accepted whose handshake has not ended yet (neither answered, nor
     * opened, nor dropped). A client that is slow to send its request holds no thread meanwhile (without TLS).
     */
    public int handshakesInFlight() {
        return sockets.size();
    }

    /** The connections that are open now. */
    public Set<WebSocket> connections() {
        return Set.copyOf(connections);
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
        return dev.lifeline.internal.Broadcast.send(connections, message);
    }

    /** Blocks until the server is closed (by {@link #close()} from another thread). */
    public void awaitClosed() throws InterruptedException {
        stopped.await();
        for (Thread worker : List.copyOf(workers)) {
            worker.join();
        }
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
        closing = true;
        if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook runs this close too
            }
        }
        try {
            listening.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, tag + "closing the server socket: " + e);
        }
        stopped.countDown();
        // Wakes up handshakes waiting for their request; each answers 503 (see openingFailed).
        handshaking.forEach(Handshakes::shutdownInput);
        List<Thread> closers = new ArrayList<>();
        for (Connection c : connections) {
            closers.add(Thread.ofVirtual().name("lifeline-shutdown-" + c.id())
                    .start(() -> c.close(CloseCode.GOING_AWAY, "server shutting down")));
        }
        try {
            awaitHandshakesEnded(deadline);
            for (Thread t : closers) {
                t.join(Math.max(1, remainingMillis(deadline)));
            }
            for (Thread worker : List.copyOf(workers)) {
                worker.join(Math.max(1, remainingMillis(deadline)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        connections.forEach(Connection::abort);
        sockets.forEach(Handshakes::closeQuietly);
        if (!workers.isEmpty()) {
            LOG.log(Level.WARNING, tag + workers.size() + " handlers still running after " + timeout
                    + "; interrupting them");
            workers.forEach(Thread::interrupt);
        }
        LOG.log(Level.DEBUG, tag + "closed");
    }

    private static long remainingMillis(long deadline) {
        return (deadline - System.nanoTime()) / 1_000_000;
    }

    /**
     * On the poller's thread, for each accepted socket: a plain socket waits there for its request, with no thread
     * (see {@link #step}); a TLS socket, or one refused for want of a handshake slot, gets a virtual thread.
     */
    private void accepted(SocketChannel channel) {
        Socket socket = channel.socket();
        if (closing) {
            Handshakes.closeQuietly(socket);
            return;
        }
        sockets.add(socket);
        telemetry.started(socket);
        handshaking.add(socket);
        // Logs name a handshake by its peer; the id (s1, s2...) is drawn when it opens, so that plain HTTP requests
        // (a page, a health probe) do not use up connection ids.
        String id = Handshakes.peer(socket);
        boolean admitted = handshakeSlots.tryAcquire(); // here, so that slots go in the order of arrival
        if (admitted && config.sslContext().isEmpty()) {
            await(socket, id);
            return;
        }
        startWorker(id, () -> serve(socket, id, admitted));
    }

    /** Runs {@code task} on a virtual thread of its own, among the {@link #workers} while it runs. */
    private void startWorker(String id, Runnable task) {
        Thread worker = Thread.ofVirtual().name("lifeline-conn-" + id).unstarted(() -> {
            try {
                task.run();
            } finally {
                workers.remove(Thread.currentThread());
            }
        });
        workers.add(worker);
        worker.start();
    }

    /** On the poller's thread: puts a plain socket under watch; its request is read there as it arrives. */
    private void await(Socket tcp, String id) {
        Opening opening;
        try {
            tcp.setTcpNoDelay(true);
            opening = Opening.watched(tcp, new ServerProtocol(protocolConfig));
        } catch (IOException | RuntimeException e) {
            log(Level.DEBUG, id, "opening handshake failed: " + e);
            handshakeSlots.release(); // before the close: a client that sees it may come back at once
            Handshakes.closeQuietly(tcp);
            handshakeEnded(tcp);
            return;
        }
        opening.expireAfter(config.options().openTimeout(), () -> {
            log(Level.DEBUG, id, "opening handshake timed out");
            handshakeOver(tcp);
        });
        arrived(opening, id); // clients send their request at once: it is often there already
    }

    /**
     * On the poller's thread, right after the accept and then each time more of a plain socket's request arrives:
     * reads what is there (nothing, at worst) and, once the request is all there, answers it; until then the socket
     * holds no thread. A request that needs none of the application's code ({@link #openableHere}) is answered 101
     * right here, unless the 101 does not fit in TCP's buffer at once; any other answer, or a failure, goes on a
     * virtual thread (a refusal lingers, see {@link Opening#answerAndClose}).
     */
    private void arrived(Opening opening, String id) {
        List<Event> events;
        try {
            events = opening.readAvailable();
            if (events == null) {
                if (opening.whenReadable(() -> arrived(opening, id))) {
                    return;
                }
                throw new SocketException("socket closed during the opening handshake");
            }
        } catch (IOException | RuntimeException e) {
            startWorker(id, () -> failed(opening, id, e));
            return;
        }
        if (openableHere(opening, events)) {
            openHere(opening, id, events);
        } else {
            startWorker(id, () -> proceed(opening, id, () -> respond(opening, id, events)));
        }
    }

    /**
     * On the poller's thread, a request {@link #openableHere}: answers 101 and opens the connection, whose reader, in
     * the listener style, waits for the peer's first bytes with no thread. What may wait goes on a virtual thread:
     * the rest of a 101 that TCP did not take at once, a 503 for a close() that came meanwhile, a handler.
     */
    private void openHere(Opening opening, String id, List<Event> events) {
        Connection connection;
        try {
            if (!accept(opening)) {
                startWorker(id, () -> proceed(opening, id, () -> respond(opening, id, events))); // answers 503
                return;
            }
            if (!opening.tryWriteOutbound()) {
                startWorker(id, () -> proceed(opening, id, () -> {
                    opening.writeOutbound();
                    return open(opening, id, events);
                }));
                return;
            }
            connection = open(opening, id, events);
        } catch (IOException | RuntimeException e) {
            startWorker(id, () -> failed(opening, id, e));
            return;
        }
        if (opening.settle()) {
            handshakeOver(opening.tcp());
        }
        if (config.listenerStyle() && !listenerOpens && connection.quiet()) {
            connections.add(connection);
            if (!closing) {
                // The listener has nothing to do before the peer's first bytes: its reader starts with them.
                connection.startIdle(config.listener());
                return;
            }
        }
        startWorker(id, () -> run(connection));
    }

    /**
     * Whether the poller's thread may answer this request: a valid handshake from an allowed origin, no
     * {@link RequestProcessor} that sees handshakes to run, and the server not closing.
     */
    private boolean openableHere(Opening opening, List<Event> events) {
        return !config.processesHandshakes() && !closing
                && Handshakes.handshakeEvent(events) instanceof Event.RequestReceived
                && config.originAllowed(opening.protocol().offer().orElseThrow().origin());
    }

    /** On a virtual thread of its own: a TLS handshake, or the 503 of a socket refused for want of a slot. */
    private void serve(Socket tcp, String id, boolean admitted) {
        try {
            if (admitted) {
                serveTls(tcp, id);
            } else {
                refuseBusy(tcp, id);
                handshakeEnded(tcp);
            }
        } catch (IOException | RuntimeException e) {
            log(Level.DEBUG, id, "opening handshake failed: " + e);
            Handshakes.closeQuietly(tcp);
            handshakeEnded(tcp);
        }
    }

    /** One part of a handshake that ends with the open connection, or null when the request was answered otherwise. */
    @FunctionalInterface
    private interface Step {
        Connection run() throws IOException;
    }

    /** On a virtual thread: the rest of a plain socket's handshake that the poller's thread left, then the connection. */
    private void proceed(Opening opening, String id, Step step) {
        Connection connection;
        try {
            connection = step.run();
        } catch (IOException | RuntimeException e) {
            failed(opening, id, e);
            return;
        }
        if (opening.settle()) {
            handshakeOver(opening.tcp());
        }
        if (connection != null) {
            run(connection);
        }
    }

    /** On a virtual thread: a plain socket's handshake failed (answered 503 if the server is closing). */
    private void failed(Opening opening, String id, Exception e) {
        boolean first = opening.settle();
        if (first) {
            handshakeSlots.release(); // before the close: a client that sees it may come back at once
        }
        openingFailed(opening, id, e);
        if (first) {
            handshakeEnded(opening.tcp());
        }
    }

    /** The opening handshake over TLS: blocking reads with a deadline. */
    private void serveTls(Socket tcp, String id) throws IOException {
        Opening opening = null;
        Connection connection = null;
        boolean released = false;
        try {
            tcp.setTcpNoDelay(true);
            long deadline = System.nanoTime() + config.options().openTimeout().toNanos();
            opening = Opening.blocking(startTls(tcp, deadline), tcp, new ServerProtocol(protocolConfig));
            connection = respond(opening, id, opening.read(deadline));
        } catch (IOException | RuntimeException e) {
            if (opening == null) {
                throw e; // no TLS yet: nothing to answer in (the slot is released before serve closes)
            }
            handshakeSlots.release(); // before the close: a client that sees it may come back at once
            released = true;
            openingFailed(opening, id, e);
        } finally {
            if (!released) {
                handshakeSlots.release();
            }
            handshakeEnded(tcp);
        }
        if (connection != null) {
            run(connection);
        }
    }

    /** The handshake failed (a timeout, a closed socket...): answers 503 if that is because the server is closing. */
    private void openingFailed(Opening opening, String id, Exception e) {
        if (closing && handshaking.contains(opening.tcp())) {
            log(Level.DEBUG, id, "server shutting down; answering 503 to a handshake in flight");
            answer(opening, id, HttpResponse.of(503, "server shutting down"));
        } else {
            log(Level.DEBUG, id, "opening handshake failed: " + e);
        }
        opening.closeQuietly();
    }

    /** A plain socket's handshake is over: its slot is free, and it no longer counts as in flight. */
    private void handshakeOver(Socket tcp) {
        handshakeSlots.release();
        handshakeEnded(tcp);
    }

    /** The socket no longer waits for its handshake's answer; {@link #close} may stop waiting for it. */
    private void handshakeEnded(Socket tcp) {
        handshaking.remove(tcp);
        if (sockets.remove(tcp)) {
            telemetry.ended(tcp);
        }
        if (closing) {
            handshakesLock.lock();
            try {
                handshakesEnded.signalAll();
            } finally {
                handshakesLock.unlock();
            }
        }
    }

    /** Waits (until the deadline at most) for the handshakes in flight to be answered or dropped. */
    private void awaitHandshakesEnded(long deadline) throws InterruptedException {
        handshakesLock.lock();
        try {
            long left;
            while (!sockets.isEmpty() && (left = deadline - System.nanoTime()) > 0) {
                handshakesEnded.awaitNanos(left);
            }
        } finally {
            handshakesLock.unlock();
        }
    }

    private Socket startTls(Socket tcp, long deadline) throws IOException {
        SSLSocket tls = (SSLSocket) config.sslContext().orElseThrow().getSocketFactory()
                .createSocket(tcp, null, tcp.getPort(), true);
        tls.setUseClientMode(false);
        tls.setSoTimeout(Handshakes.millisUntil(deadline));
        tls.startHandshake();
        return tls;
    }

    /**
     * Answers the request the protocol read: returns the open connection, or null when the request was answered
     * otherwise (refused, or by {@link RequestProcessor}).
     */
    private Connection respond(Opening opening, String id, List<Event> events) throws IOException {
        ServerProtocol protocol = opening.protocol();
        boolean failedHandshake = Handshakes.handshakeEvent(events) instanceof Event.HandshakeFailed;
        Optional<HttpResponse> answer = closing ? Optional.of(HttpResponse.of(503, "server shutting down"))
                : protocol.request().filter(request -> failedHandshake ? !attemptsHandshake(request)
                        : config.processesHandshakes()).flatMap(request -> processRequest(request, id));
        if (Handshakes.handshakeEvent(events) instanceof Event.HandshakeFailed failed) {
            HttpResponse sent = answer.orElseGet(() -> protocol.response().orElseThrow());
            log(Level.DEBUG, id, "answering " + sent.status() + " to a request that is not a valid handshake: "
                    + failed.cause().getMessage());
            answer(opening, id, sent);
            return null;
        }
        ServerHandshake.Offer offer = protocol.offer().orElseThrow();
        if (answer.isEmpty() && !config.originAllowed(offer.origin())) {
            answer = Optional.of(HttpResponse.of(403, "origin not allowed: " + offer.origin().orElse("(none)")));
        }
        if (answer.isPresent()) {
            log(Level.DEBUG, id, "answering " + answer.get().status() + " to " + offer.request());
            answer(opening, id, answer.get());
            return null;
        }
        if (!accept(opening)) {
            answer(opening, id, HttpResponse.of(503, "server shutting down"));
            return null;
        }
        opening.writeOutbound();
        return open(opening, id, events);
    }

    /**
     * Whether a request is meant as a WebSocket handshake, valid or not: it asks to upgrade to WebSocket or carries
     * a key. A broken one is answered with what is wrong with it (400, 426), never with the application's page for
     * that path, which would leave its client guessing.
     */
    private static boolean attemptsHandshake(HttpRequest request) {
        Headers headers = request.headers();
        return headers.containsToken("Connection", "Upgrade") || headers.containsToken("Upgrade", "websocket")
                || headers.contains("Sec-WebSocket-Key");
    }

    /**
     * Has the protocol answer 101 to a valid handshake, unless the server is closing (false: answer 503 then).
     * From here on the handshake is out of those that {@link #close} answers with 503: otherwise close() could shut
     * the input of a connection that is opening, which would then end with 1006 instead of 1001. A close() that came
     * first is seen here; one that comes later finds the connection open and sends it 1001.
     */
    private boolean accept(Opening opening) {
        handshaking.remove(opening.tcp());
        if (closing) {
            return false;
        }
        ServerProtocol protocol = opening.protocol();
        protocol.accept(selectSubprotocol(protocol.offer().orElseThrow().subprotocols()), SERVER_HEADER);
        return true;
    }

    /** Once the 101 is written: the open connection, with what arrived together with the request. */
    private Connection open(Opening opening, String id, List<Event> events) throws IOException {
        ServerProtocol protocol = opening.protocol();
        List<Event> all = new ArrayList<>(events);
        all.addAll(protocol.takeEvents());
        Connection connection = opening.open(Handshakes.nextId('s'), config.options(),
                protocol.offer().orElseThrow().request(),
                protocol.response().orElseThrow(), protocol.subprotocol(), all, forget);
        telemetry.opened(connection, opening.tcp());
        return connection;
    }

    private Optional<HttpResponse> processRequest(HttpRequest request, String id) {
        if (config.processRequest().isEmpty()) {
            return Optional.empty();
        }
        try {
            return config.processRequest().get().process(request);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "[" + id + "] processRequest failed on " + request + "; answering 500", e);
            return Optional.of(HttpResponse.of(500, "internal server error"));
        }
    }

    /** Answers plain HTTP instead of the handshake, then closes without resetting the connection. */
    private void answer(Opening opening, String id, HttpResponse response) {
        handshaking.remove(opening.tcp());
        telemetry.answered(id, response);
        try {
            opening.answerAndClose(response);
        } catch (IOException e) {
            log(Level.DEBUG, id, "could not answer " + response.status() + ": " + e);
        }
    }

    private void refuseBusy(Socket socket, String id) {
        log(Level.INFO, id, "too many handshakes in progress; answering 503");
        answer(Opening.blocking(socket, socket, null), id,
                new HandshakeException(503, "too many handshakes in progress; try again").toResponse());
    }

    private static void log(Level level, String id, String message) {
        if (LOG.isLoggable(level)) {
            LOG.log(level, "[" + id + "] " + message);
        }
    }

    private void run(Connection connection) {
        connections.add(connection);
        Thread.currentThread().setName("lifeline-conn-" + connection.id()); // it was named after the peer
        if (config.listenerStyle()) {
            if (closing || config.sslContext().isPresent()) {
                connection.start(config.listener()); // from now on its reader calls the listener
                if (closing) {
                    connection.close(CloseCode.GOING_AWAY, "server shutting down");
                }
            } else {
                // This thread reads first, until there is nothing to read; a close() from now on finds the
                // connection among the open ones and closes it with 1001.
                connection.startHere(config.listener());
            }
            return;
        }
        connection.start();
        if (closing) {
            connection.close(CloseCode.GOING_AWAY, "server shutting down");
            return;
        }
        try {
            config.handler().handle(connection);
            connection.close();
        } catch (Exception | Error e) {
            if (!connection.applicationFailed("handler", e)) {
                closeAfterHandler(connection); // the client went away under the handler: finish closing
            }
        }
    }

    /**
     * Finishes closing a connection whose handler ended with it closed or closing. The server's {@link #close}
     * interrupts handlers that outlive its bound, after it dropped their connections: that interrupt ends nothing
     * more here.
     */
    private static void closeAfterHandler(Connection connection) {
        try {
            connection.close();
        } catch (OperationInterruptedException e) {
            connection.abort();
        }
    }

    private static boolean hasOwnOnOpen(WebSocketListener listener) {
        try {
            return listener.getClass().getMethod("onOpen", WebSocket.class).getDeclaringClass()
                    != WebSocketListener.class;
        } catch (NoSuchMethodException e) {
            return true;
        }
    }

    private Optional<String> selectSubprotocol(List<String> offered) {
        for (String supported : config.subprotocols()) {
            if (offered.contains(supported)) {
                return Optional.of(supported);
            }
        }
        return Optional.empty();
    }

    /** Server options. */
    public static final class Builder {
        /** One of these two is set. */
        private final Handler handler;
        private final WebSocketListener listener;
        private String host = "127.0.0.1";
        private int port = 0;
        private int backlog = 1024;
        private WebSocketOptions options = WebSocketOptions.DEFAULT;
        /** Null: none, and the poller's thread may answer handshakes itself. */
        private RequestProcessor processRequest;
        private Set<String> allowedOrigins;
        private boolean allowMissingOrigin = true;
        private List<String> subprotocols = List.of();
        private SSLContext sslContext;
        private int maxHandshakes = 256;
        private boolean closeOnShutdown;

        private Builder(Handler handler, WebSocketListener listener) {
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

        /** Subprotocols this server speaks, in its order of preference. */
        public Builder subprotocols(String... names) {
            this.subprotocols = List.of(names);
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
                    subprotocols, Optional.ofNullable(sslContext), maxHandshakes, closeOnShutdown));
        }
    }
}
