package dev.lifeline.internal;

import dev.lifeline.Message;
import dev.lifeline.OperationInterruptedException;
import dev.lifeline.WebSocket;
import dev.lifeline.WebSocketListener;
import dev.lifeline.protocol.CloseCode;
import dev.lifeline.protocol.Event;
import dev.lifeline.protocol.ProtocolConfig;
import java.io.Closeable;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * What runs a {@code WebSocketServer}: its listening socket, the opening handshakes in flight
 * ({@link OpeningHandshake}, one state machine each) and their slots, its worker threads, and what each open
 * connection is handed to (the handler, or the listener). Thread-safe: the poller's thread accepts, workers and
 * the timer thread end handshakes, an application thread closes.
 */
public final class Acceptor extends OpeningHandshake.Server {
    private static final System.Logger LOG = System.getLogger("dev.lifeline");
    /** Pause after a failed accept (e.g. out of file descriptors) so that the loop does not spin. */
    private static final Duration ACCEPT_BACKOFF = Duration.ofMillis(100);

    private final ServerConfig config;
    /** The protocol's share of the options, the same for every connection. */
    private final ProtocolConfig protocolConfig;
    /** In the listener style, the listener as every connection takes it; null in the handler style. */
    private final WebSocketListener listener;
    /** The open connections, the server's registry (a connection leaves it once CLOSED). */
    private final Set<Connection> connections;
    /** What every connection does once CLOSED: leave {@link #connections}. */
    private final Consumer<Connection> forget;
    private final ServerSocket serverSocket;
    private final Semaphore slots;
    /** The handshakes in flight: accepted, not {@link #ended} yet. */
    private final Set<OpeningHandshake> inFlight = ConcurrentHashMap.newKeySet();
    /** Taken only to wait for, or signal, the end of a handshake in flight while the server closes. */
    private final ReentrantLock handshakesLock = new ReentrantLock();
    /** Signalled when a handshake ends while the server closes ({@link #awaitHandshakesEnded}). */
    private final Condition handshakesEnded = handshakesLock.newCondition();
    private final Set<Thread> workers = ConcurrentHashMap.newKeySet();
    /** Stops accepting and closes {@link #serverSocket}. */
    private final Closeable listening;
    /** Counted down by {@link #close}: no more accepts. */
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final String tag;
    /** Tells the metrics listener and the flight recorder about handshakes. */
    private final OpeningTelemetry telemetry;
    /** Where the handshakes' open timeouts and the open connections' bounds are timed. */
    private final Timers timers;
    private volatile boolean closing;

    /**
     * Binds and starts accepting, on the poller's thread; open timeouts and the connections' bounds are timed by
     * {@link Timers#shared()}. The only entry point of this package for a server.
     */
    public Acceptor(ServerConfig config) throws IOException {
        this(config, Timers.shared());
    }

    /**
     * Binds and starts accepting, on the poller's thread.
     *
     * @param timers where open timeouts and the connections' bounds are timed: {@link Timers#shared()}, or a test's
     *     {@link Timers#stepped()}
     */
    Acceptor(ServerConfig config, Timers timers) throws IOException {
        this.config = config;
        this.timers = timers;
        this.protocolConfig = config.options().protocolConfig();
        this.listener = config.listenerStyle() ? config.connectionListener() : null;
        this.connections = ConcurrentHashMap.newKeySet();
        this.forget = connections::remove;
        this.slots = new Semaphore(config.maxHandshakes());
        this.telemetry = new OpeningTelemetry(config.options().metrics());
        ServerSocketChannel channel = ServerSocketChannel.open(); // its sockets have channels: see Opening
        this.serverSocket = channel.socket();
        serverSocket.setReuseAddress(true);
        serverSocket.bind(new InetSocketAddress(InetAddress.getByName(config.host()), config.port()), config.backlog());
        this.tag = "[server " + config.host() + ":" + serverSocket.getLocalPort() + "] ";
        try {
            this.listening = Poller.accept(channel, this::accepted, ACCEPT_BACKOFF);
        } catch (IOException | RuntimeException e) {
            serverSocket.close();
            throw e;
        }
        LOG.log(Level.DEBUG, tag + "listening");
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) serverSocket.getLocalSocketAddress();
    }

    /** The connections that are open now. */
    public Set<WebSocket> connections() {
        return Set.copyOf(connections);
    }

    /**
     * Sends {@code message} to every open connection without waiting for any of them (see {@link Broadcast}).
     *
     * @return how many connections the message was queued for
     */
    public int broadcast(Message message) {
        return Broadcast.send(connections, message);
    }

    /** Handshakes accepted and not ended yet (neither answered, nor opened, nor dropped). */
    public int handshakesInFlight() {
        return inFlight.size();
    }

    /** Blocks until {@link #close} has stopped accepting and every worker has ended. */
    public void awaitClosed() throws InterruptedException {
        stopped.await();
        for (Thread worker : List.copyOf(workers)) {
            worker.join();
        }
    }

    /**
     * Stops accepting, answers handshakes still reading with 503, closes open connections with 1001, and waits for
     * handshakes and workers until {@code deadline} (of {@link System#nanoTime}); then drops what is left and
     * interrupts the workers still running.
     */
    public void close(long deadline, Duration timeout) {
        closing = true;
        try {
            listening.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, tag + "closing the server socket: " + e);
        }
        stopped.countDown();
        inFlight.forEach(OpeningHandshake::serverClosing); // each answers 503 (see OpeningHandshake.failed)
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
        inFlight.forEach(h -> Handshakes.closeQuietly(h.tcp()));
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

    /** Waits (until the deadline at most) for the handshakes in flight to be answered or dropped. */
    private void awaitHandshakesEnded(long deadline) throws InterruptedException {
        handshakesLock.lock();
        try {
            long left;
            while (!inFlight.isEmpty() && (left = deadline - System.nanoTime()) > 0) {
                handshakesEnded.awaitNanos(left);
            }
        } finally {
            handshakesLock.unlock();
        }
    }

    // ------------------------------------------------------------------ for the handshakes

    /** On the poller's thread, for each accepted socket: its handshake starts ({@link OpeningHandshake#accepted}). */
    private void accepted(SocketChannel channel) {
        if (closing) {
            Handshakes.closeQuietly(channel);
            return;
        }
        // a slot is taken here, on the one accepting thread, so that slots go in the order of arrival
        OpeningHandshake handshake = new OpeningHandshake(this, channel, slots.tryAcquire());
        inFlight.add(handshake);
        telemetry.started(channel);
        handshake.accepted();
    }

    @Override
    ServerConfig config() {
        return config;
    }

    @Override
    ProtocolConfig protocolConfig() {
        return protocolConfig;
    }

    @Override
    OpeningTelemetry telemetry() {
        return telemetry;
    }

    @Override
    boolean closing() {
        return closing;
    }

    @Override
    Timers timers() {
        return timers;
    }

    /** Called once per admitted handshake, by {@link OpeningHandshake#end}. */
    @Override
    void releaseSlot() {
        slots.release();
    }

    /** The handshake is over and done with its socket: it is no longer in flight; {@link #close} may stop waiting. */
    @Override
    void ended(OpeningHandshake handshake) {
        if (inFlight.remove(handshake)) {
            telemetry.ended(handshake.tcp());
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

    /** Runs {@code task} on a virtual thread of its own, among the {@link #workers} while it runs. */
    @Override
    void startWorker(String id, Runnable task) {
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

    /** Once the 101 is written: the open connection over {@code io}'s transport, with a connection id. */
    @Override
    Connection open(Opening io, List<Event> events) {
        Connection connection = io.open(Handshakes.nextId('s'), config.options(), events, timers,
                forget);
        telemetry.opened(connection.telemetry, connection.remoteAddress(), io.tcp());
        return connection;
    }

    // ------------------------------------------------------------------ the open connection

    /**
     * On the poller's thread, a connection it opened: in the listener style, a connection whose listener has no
     * opening and with nothing to deliver yet waits for its peer's first bytes with no thread; any other gets a
     * worker ({@link #serve}).
     */
    @Override
    void openedOnPoller(Connection connection, String id) {
        if (config.listenerStyle() && !config.listenerOpens() && connection.quiet()) {
            connections.add(connection);
            if (!closing) {
                connection.start(listener, Reader.FirstRun.WHEN_READABLE);
                return;
            }
        }
        startWorker(id, () -> serve(connection));
    }

    /**
     * On a worker, the rest of its life: the handler style's handler, or the listener style's first reader run
     * ({@link WebSocketListener#onOpen} first). A close() that came meanwhile closes it with 1001.
     */
    @Override
    void serve(Connection connection) {
        connections.add(connection);
        Thread.currentThread().setName("lifeline-conn-" + connection.id()); // it was named after the peer
        if (config.listenerStyle()) {
            if (closing || config.sslContext().isPresent()) {
                // from now on its reader calls the listener
                connection.start(listener, Reader.FirstRun.NEW_THREAD);
                if (closing) {
                    connection.close(CloseCode.GOING_AWAY, "server shutting down");
                }
            } else {
                // This thread reads first, until there is nothing to read; a close() from now on finds the
                // connection among the open ones and closes it with 1001.
                connection.start(listener, Reader.FirstRun.THIS_THREAD);
            }
            return;
        }
        connection.start(null, Reader.FirstRun.NEW_THREAD);
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

    static void log(Level level, String id, String message) {
        if (LOG.isLoggable(level)) {
            LOG.log(level, "[" + id + "] " + message);
        }
    }
}
