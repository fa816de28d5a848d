package dev.lifeline.internal;

import dev.lifeline.Message;
import dev.lifeline.OperationInterruptedException;
import dev.lifeline.WebSocket;
import dev.lifeline.WebSocketListener;
import dev.lifeline.WebSocketOptions;
import dev.lifeline.protocol.ClientProtocol;
import dev.lifeline.protocol.CloseCode;
import dev.lifeline.protocol.CloseStatus;
import dev.lifeline.protocol.ConnectionClosedException;
import dev.lifeline.protocol.Event;
import dev.lifeline.protocol.InvalidStateException;
import dev.lifeline.protocol.Protocol;
import dev.lifeline.protocol.ServerProtocol;
import dev.lifeline.protocol.SharedMessage;
import dev.lifeline.protocol.State;
import dev.lifeline.protocol.extension.Extension;
import dev.lifeline.protocol.handshake.HttpRequest;
import dev.lifeline.protocol.handshake.HttpResponse;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One open WebSocket connection over a {@link Transport}, and the owner of its state. A reader virtual thread
 * ({@link Reader}) feeds everything that arrives to the {@link Protocol} at once, so that the state is true whether
 * or not anyone calls {@code receive()}; over a polled transport the {@link Poller} starts the reader when bytes
 * arrive. What arrives waits in the {@link Inbox} (or, in the listener style, in
 * {@link Deliveries}); {@link Sender} encodes what the application sends and {@link Outgoing} writes it;
 * {@link Closing} runs the closing handshake, {@link Pings} the Pings and keepalive.
 *
 * <p>Locking: {@link #lock} guards the protocol, the inbox and the pending writes; it is held only for short,
 * non-blocking work and never while user code runs or while a socket is read or written. {@link Outgoing} owns the
 * write side.
 */
final class Connection implements WebSocket {
    static final System.Logger LOG = System.getLogger("dev.lifeline");

    private final String id;
    private final Transport transport;
    private final Protocol protocol;
    private final WebSocketOptions options;
    private final Optional<String> subprotocol;
    private final InetSocketAddress local;
    private final InetSocketAddress remote;
    private final Consumer<Connection> onClosed;
    /** Where this connection's bounds are timed: keepalive, closing, the write watchdog. */
    private final Timers timers;
    private List<Event> initialEvents;

    final ReentrantLock lock = new ReentrantLock();
    /** Signalled whenever the inbox, the pending writes or the state change. */
    final Condition changed = lock.newCondition();
    private final Outgoing outgoing;
    private final Reader reader;
    private final Sender sender;
    private final Closing closing;
    private final Pings pings;
    /** What this connection tells the metrics listener and the flight recorder. */
    final Telemetry telemetry;

    private final Inbox inbox;
    /** In the listener style, where messages go instead of {@link #inbox}; null otherwise. Set before start. */
    private Deliveries deliveries;
    private Throwable ioFailure;
    private volatile boolean aborted;
    /** {@link #finish()} has run. Guarded by {@link #lock}. */
    private boolean finished;

    private final CompletableFuture<CloseStatus> closed = new CompletableFuture<>();

    /**
     * Wraps a transport whose opening handshake has completed: a server's (see {@link Opening#open}) or a
     * client's ({@code WebSocketClient}). Start it with {@link #start}.
     *
     * @param initialEvents what the protocol reported with the handshake (messages that came right behind it too)
     * @param timers where its keepalive, closing handshake and write watchdog are timed: {@link Timers#shared()},
     *     or a test's {@link Timers#stepped()}
     * @param onClosed given the connection once it is CLOSED (the server removes it from its registry)
     */
    Connection(String id, Transport transport, Protocol protocol, WebSocketOptions options,
            Optional<String> subprotocol, List<Event> initialEvents,
            Timers timers, Consumer<Connection> onClosed) {
        this.id = id;
        this.transport = transport;
        this.protocol = protocol;
        this.options = options;
        this.subprotocol = subprotocol;
        this.local = transport.localAddress();
        this.remote = transport.remoteAddress();
        this.onClosed = onClosed;
        this.timers = timers;
        this.initialEvents = initialEvents;
        this.telemetry = new Telemetry(id, protocol.side(), options);
        this.outgoing = new Outgoing(this, transport, timers, options);
        this.closing = new Closing(this, protocol, outgoing, timers, options, closed);
        this.inbox = new Inbox(this, outgoing, closing, options);
        this.reader = new Reader(this, transport, protocol, outgoing, closing, inbox, options);
        this.pings = new Pings(this, protocol, reader, outgoing, timers, options);
        this.sender = new Sender(this, protocol, outgoing, pings, options);
        // a violation behind messages waits for the application's answers to them (see Closing)
        protocol.holdFailureClose(true);
    }

    /**
     * Where a connection's reader makes its first run, the one that delivers what came with the opening handshake
     * (and calls a {@link WebSocketListener#onOpen}). Its later runs, over a polled transport, are always started by
     * the poller when bytes arrive.
     */
    enum FirstRun {
        /** On a reader thread of its own, started now: the caller goes on at once. */
        NEW_THREAD,
        /**
         * On the calling thread, which reads (and calls the listener) until a read finds nothing, then returns, and
         * the poller starts the next run; over a blocking transport it returns only once the connection is finished.
         * Saves a thread per connection opened by a thread with nothing else to do (a server's worker).
         */
        THIS_THREAD,
        /**
         * With no thread at all until the peer's first bytes arrive: then the poller starts it. For a caller that
         * must not block or run the listener (the poller's thread), hence only for a polled transport, a
         * {@code MessageListener} (no {@link WebSocketListener#onOpen} of its own: one would run late) and a
         * {@link #quiet} connection.
         */
        WHEN_READABLE
    }

    /**
     * Opens the connection: delivers (or, in the handler style, queues for {@link #receive()}) what arrived together
     * with the handshake response, starts the keepalive and the reader's first run where {@code firstRun} says. The
     * one way to start a connection, once.
     *
     * @param listener the listener style's listener, which the reader calls for the opening, every message and the
     *     close; null for the handler style, where messages wait for {@link #receive()}
     */
    void start(WebSocketListener listener, FirstRun firstRun) {
        if (listener != null) {
            deliveries = new Deliveries(this, reader, outgoing, listener);
        }
        open();
        pings.startKeepalive();
        reader.start(deliveries, firstRun);
    }

    /**
     * Before the start: whether what came with the opening handshake is only the handshake, no message, Ping or
     * Close that the reader would have to deliver or answer at once.
     */
    boolean quiet() {
        for (Event event : initialEvents) {
            if (!(event instanceof Event.RequestReceived || event instanceof Event.HandshakeCompleted)) {
                return false;
            }
        }
        return true;
    }

    /** Dispatches what arrived together with the handshake response, and writes what that queued. */
    private void open() {
        lock.lock();
        try {
            dispatchLocked(initialEvents);
            initialEvents = null;
            afterProtocolLocked();
        } finally {
            lock.unlock();
        }
        outgoing.flush(false);
        log(Level.DEBUG, "connection is OPEN");
    }

    // ------------------------------------------------------------------ the protocol's output (Reader reads)

    /**
     * Queues an empty unsolicited Pong to find out whether TCP still works, unless bytes already wait to be written
     * (writing those tells the same). Caller holds {@link #lock}.
     */
    void probeLocked() {
        assert lock.isHeldByCurrentThread();
        if (isOpenLocked() && outgoing.pendingBytesLocked() == 0) {
            protocol.sendPong(ByteBuffer.allocate(0));
            afterProtocolLocked();
        }
    }

    /** Dispatches the protocol's events and queues its outbound bytes. Caller holds {@link #lock}. */
    void afterProtocolLocked() {
        assert lock.isHeldByCurrentThread();
        dispatchLocked(protocol.takeEvents());
        closing.afterProtocolLocked(); // may release a held Close, which then joins this queueing
        outgoing.queueLocked(protocol.takeOutbound());
        changed.signalAll();
    }

    /**
     * Whether the application still owes answers to messages that arrived: the listener has not had them all yet (or
     * is running, or this is another thread than the reader, which decides once its listener returned), or messages
     * wait in the inbox, or the receiving thread took one and has not come back for more. Caller holds {@link #lock}.
     */
    boolean answersOwedLocked() {
        assert lock.isHeldByCurrentThread();
        return deliveries != null ? !deliveries.onReaderThread() || deliveries.owedLocked() : inbox.owedLocked();
    }

    private void dispatchLocked(List<Event> events) {
        assert lock.isHeldByCurrentThread();
        if (events.isEmpty()) {
            return; // after a send, as a rule: no iterator to allocate
        }
        telemetry.received(events);
        for (Event event : events) {
            switch (event) {
                case Event.Text t -> deliverLocked(new Message.Text(t.text()));
                case Event.Binary b -> deliverLocked(new Message.Binary(b.data()));
                case Event.Pong p -> pings.pongReceivedLocked(p.payload());
                case Event.Ping p -> log(Level.TRACE, "< PING [" + p.payload().length + " bytes]");
                case Event.CloseReceived c -> log(Level.DEBUG, "< CLOSE " + c.status()
                        + (protocol.receivedThenSent() ? "; connection is CLOSING" : ""));
                case Event.Failed f -> log(Level.DEBUG, "failing the connection: " + f.cause().getMessage());
                case Event.Closed c -> { } // logged by finish(), once TCP is closed too
                case Event.RequestReceived r -> { }
                case Event.HandshakeCompleted h -> { }
                case Event.HandshakeFailed h -> { }
            }
        }
    }

    private void deliverLocked(Message message) {
        assert lock.isHeldByCurrentThread();
        if (deliveries != null) {
            deliveries.addLocked(message);
        } else {
            inbox.addLocked(message, protocol.state() == State.OPEN);
        }
    }

    // ------------------------------------------------------------------ receiving (application side)

    @Override
    public Message receive() {
        requireHandlerStyle();
        return inbox.take(-1).orElseThrow();
    }

    @Override
    public Optional<Message> receive(Duration timeout) {
        requireHandlerStyle();
        return inbox.take(Math.max(0, timeout.toNanos()));
    }

    private void requireHandlerStyle() {
        if (deliveries != null) {
            throw new InvalidStateException("this connection delivers its messages to its listener; receive() and"
                    + " iteration are for the handler style");
        }
    }

    /** No more messages can arrive: the peer closed, we failed the connection, or TCP is gone. */
    boolean inputEndedLocked() {
        assert lock.isHeldByCurrentThread();
        return protocol.state() == State.CLOSED || protocol.closeReceived().isPresent()
                || protocol.failure().isPresent();
    }

    @Override
    public Iterator<Message> iterator() {
        requireHandlerStyle();
        return inbox.iterator();
    }

    /**
     * Whether the current thread takes messages and more wait for it, or is the reader handing them to the
     * listener: then its sends may wait to be written together, before it next blocks. Caller holds {@link #lock}.
     */
    boolean receivingMoreLocked() {
        assert lock.isHeldByCurrentThread();
        return deliveries != null ? deliveries.onReaderThread() : inbox.moreForLocked(Thread.currentThread());
    }

    /** Whether the current thread is the reader calling the listener. */
    boolean inListener() {
        return deliveries != null && deliveries.onReaderThread();
    }

    // ------------------------------------------------------------------ sending (see Sender)

    @Override
    public void send(String text) {
        sender.send(text);
    }

    @Override
    public void send(byte[] data) {
        sender.send(ByteBuffer.wrap(data));
    }

    @Override
    public void send(ByteBuffer data) {
        sender.send(data);
    }

    @Override
    public void send(Message message) {
        sender.send(message);
    }

    @Override
    public void sendText(CharSequence fragment, boolean last) {
        sender.sendText(fragment, last);
    }

    @Override
    public void sendBinary(ByteBuffer fragment, boolean last) {
        sender.sendBinary(fragment, last);
    }

    @Override
    public long queuedBytes() {
        lock.lock();
        try {
            return outgoing.pendingBytesLocked();
        } finally {
            lock.unlock();
        }
    }

    /** See {@link Sender#offer}: a broadcast's message, queued unless this peer is slow. */
    Broadcast.Offer offer(SharedMessage message) {
        return sender.offer(message);
    }

    @Override
    public CompletableFuture<Duration> ping() {
        return sender.ping();
    }

    @Override
    public Duration latency() {
        return pings.latency();
    }

    // ------------------------------------------------------------------ closing

    @Override
    public void close() {
        close(CloseCode.NORMAL_CLOSURE, "");
    }

    @Override
    public void close(CloseCode code, String reason) {
        closing.close(code, reason);
    }

    /** Fails the connection now, for a dead peer (keepalive); see {@link Closing#failAndDrop}. */
    void failAndDrop(CloseCode code, String reason) {
        closing.failAndDrop(code, reason);
    }

    /** See {@link Outgoing#writeWithoutWaiting}: for a broadcast's writer. Caller does not hold {@link #lock}. */
    void writeWithoutWaiting(ByteBuffer scratch) {
        outgoing.writeWithoutWaiting(scratch);
    }

    /** Drops TCP now; the connection is CLOSED when this returns, and {@link #closed()} is complete. */
    @Override
    public void abort() {
        if (outgoing.deferredBy(Thread.currentThread())) {
            // this thread's sends returned but were deferred for a batch: write them first, as unbatched sends
            // would have been, so that "send, then abort" still sends (other threads' aborts drop at once); not
            // behind a write under way, which may be the stuck one that fail() is dropping the connection for
            outgoing.flush(false);
        }
        lock.lock();
        try {
            if (!aborted) {
                aborted = true;
                protocol.receiveEof(); // TCP is going away: CLOSED now, not when the reader notices
                dispatchLocked(protocol.takeEvents());
                protocol.takeOutbound(); // nothing more will be written
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
        finish();
    }

    /**
     * TCP is over (the reader saw the end, or {@link #abort()}): close the socket and tell everyone. Runs once,
     * on the reader thread or the aborting one.
     */
    void finish() {
        lock.lock();
        try {
            if (finished) {
                return;
            }
            finished = true;
        } finally {
            lock.unlock();
        }
        transport.close(); // TCP first: see Transport.close
        timers.unwatch(outgoing);
        CloseStatus status;
        String why = null;
        lock.lock();
        try {
            closing.finishedLocked();
            pings.stopLocked();
            status = closeStatusLocked().orElseThrow();
            pings.failAllLocked(this::closedExceptionLocked); // built only if needed: it costs a stack trace
            if (LOG.isLoggable(Level.DEBUG)) {
                why = closedExceptionLocked().getMessage();
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        protocol.extensions().forEach(Extension::release);
        telemetry.closed(protocol);
        if (why != null) {
            log(Level.DEBUG, "connection is CLOSED: " + why);
        }
        try {
            onClosed.accept(this);
        } finally {
            closed.complete(status);
            if (deliveries != null) {
                deliveries.closed(status);
            }
        }
    }

    /** Records a write failure; the connection is dropped. */
    void writeFailed(IOException e) {
        boolean first;
        lock.lock();
        try {
            first = !aborted;
            ioFailedLocked(e);
        } finally {
            lock.unlock();
        }
        if (first) {
            log(Level.DEBUG, "write failed: " + e);
            abort();
        }
    }

    /**
     * A socket's streams report a reset or broken connection as a {@link SocketException}, its channel as a plain
     * {@link IOException}: the read and write failures we report are SocketExceptions either way, whichever path
     * (the channel, or the stream under TLS) met them.
     */
    static IOException asSocketException(IOException e) {
        if (e.getClass() != IOException.class) {
            return e;
        }
        SocketException same = new SocketException(e.getMessage());
        same.initCause(e);
        return same;
    }

    /**
     * Application code ({@code who}: the handler, or a listener's method) threw {@code e}. If the connection had
     * already ended under it (the peer went away), that is no failure of the application: logged at DEBUG, false.
     * Otherwise it is logged as a warning and the connection closes with 1011 (no details on the wire): true.
     */
    boolean applicationFailed(String who, Throwable e) {
        // an interrupted wait (the server's shutdown interrupts its handlers) on a connection that is over is no
        // failure of the application either
        if ((e instanceof ConnectionClosedException || e instanceof OperationInterruptedException)
                && state() != State.OPEN) {
            log(Level.DEBUG, who + " ended by the connection closing: " + e.getMessage());
            return false;
        }
        LOG.log(Level.WARNING, "[" + id + "] " + who + " failed; closing with 1011: " + e, e);
        close(CloseCode.INTERNAL_ERROR, "");
        return true;
    }

    /** Records why TCP failed, unless it failed before or the connection was aborted. Caller holds {@link #lock}. */
    void ioFailedLocked(Throwable cause) {
        assert lock.isHeldByCurrentThread();
        if (ioFailure == null && !aborted) {
            ioFailure = cause;
        }
    }

    /** Whether {@link #abort()} dropped TCP. */
    boolean aborted() {
        return aborted;
    }

    // ------------------------------------------------------------------ state

    @Override
    public State state() {
        lock.lock();
        try {
            return protocol.state();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<CloseStatus> closeStatus() {
        lock.lock();
        try {
            return closeStatusLocked();
        } finally {
            lock.unlock();
        }
    }

    private Optional<CloseStatus> closeStatusLocked() {
        assert lock.isHeldByCurrentThread();
        Optional<CloseStatus> received = protocol.closeReceived();
        if (received.isEmpty() && protocol.state() == State.CLOSED) {
            return Optional.of(new CloseStatus(CloseCode.ABNORMAL_CLOSURE, ""));
        }
        return received;
    }

    @Override
    public CompletableFuture<CloseStatus> closed() {
        return closed.copy();
    }

    @Override
    public Optional<ConnectionClosedException> closedException() {
        lock.lock();
        try {
            State state = protocol.state();
            return state == State.OPEN ? Optional.empty() : Optional.of(closedExceptionLocked());
        } finally {
            lock.unlock();
        }
    }

    /** Why the connection ended: the peer's protocol violation if there was one, else the I/O failure if any. */
    ConnectionClosedException closedExceptionLocked() {
        assert lock.isHeldByCurrentThread();
        return protocol.closedException(protocol.failure().<Throwable>map(f -> f).orElse(ioFailure));
    }

    boolean isOpenLocked() {
        assert lock.isHeldByCurrentThread();
        return protocol.state() == State.OPEN && !aborted;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Optional<String> subprotocol() {
        return subprotocol;
    }

    /** Without the lock: the protocol's handshake no longer changes once open (a server's is kept packed). */
    @Override
    public HttpRequest handshakeRequest() {
        return switch (protocol) {
            case ServerProtocol server -> server.request().orElseThrow();
            case ClientProtocol client -> client.request();
        };
    }

    /** Without the lock, as {@link #handshakeRequest()}. */
    @Override
    public HttpResponse handshakeResponse() {
        return switch (protocol) {
            case ServerProtocol server -> server.response().orElseThrow();
            case ClientProtocol client -> client.response().orElseThrow();
        };
    }

    @Override
    public InetSocketAddress localAddress() {
        return local;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    void log(Level level, String message) {
        if (LOG.isLoggable(level)) {
            LOG.log(level, "[" + id + "] " + message);
        }
    }

    @Override
    public String toString() {
        return "WebSocket[" + id + " " + protocol.side() + " " + Handshakes.address(remote.getAddress(),
                remote.getPort()) + " " + state() + "]";
    }
}
