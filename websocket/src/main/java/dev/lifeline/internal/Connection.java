package dev.lifeline.internal;

import dev.lifeline.Message;
import dev.lifeline.WebSocket;
import dev.lifeline.WebSocketListener;
import dev.lifeline.WebSocketOptions;
import dev.lifeline.protocol.ClientProtocol;
import dev.lifeline.protocol.CloseCode;
import dev.lifeline.protocol.CloseStatus;
import dev.lifeline.protocol.Event;
import dev.lifeline.protocol.InvalidStateException;
import dev.lifeline.protocol.Protocol;
import dev.lifeline.protocol.ServerProtocol;
import dev.lifeline.protocol.SharedMessage;
import dev.lifeline.protocol.State;
import dev.lifeline.protocol.extension.Extension;
import dev.lifeline.protocol.handshake.HttpRequest;
import dev.lifeline.protocol.handshake.HttpResponse;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
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
 * write side. The helpers are given this connection as its {@link ProtocolGuard} (the protocol under its lock, and
 * the steps only this owner takes), never as a {@code Connection}: none of them depends on this class.
 */
final class Connection extends ProtocolGuard implements WebSocket, Broadcast.Peer {
    private final Transport transport;
    private final WebSocketOptions options;
    private final InetSocketAddress local;
    private final InetSocketAddress remote;
    private final Consumer<Connection> onClosed;
    /** Where this connection's bounds are timed: keepalive, closing, the write watchdog. */
    private final Timers timers;
    private List<Event> initialEvents;

    private final Outgoing outgoing;
    private final Reader reader;
    private final Sender sender;
    private final Closing closing;
    private final Pings pings;

    /** In the handler style, where messages wait for {@link #receive()}; null otherwise. Set at the start. */
    private Inbox inbox;
    /** In the listener style, where messages go instead of {@link #inbox}; null otherwise. Set before start. */
    private Deliveries deliveries;
    /** {@link #finish()} has run. Guarded by {@link #lock}. */
    private boolean finished;

    private final CompletableFuture<CloseStatus> closed = new CompletableFuture<>();
    /** The application's, see {@link #attach}. */
    private volatile Object attachment;

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
            List<Event> initialEvents,
            Timers timers, Consumer<Connection> onClosed) {
        super(id, protocol, new Telemetry(id, protocol.side(), options));
        this.transport = transport;
        this.options = options;
        this.local = transport.localAddress();
        this.remote = transport.remoteAddress();
        this.onClosed = onClosed;
        this.timers = timers;
        this.initialEvents = initialEvents;
        this.outgoing = new Outgoing(this, transport, timers, options);
        this.closing = new Closing(this, protocol, outgoing, timers, options, closed);
        this.reader = new Reader(this, transport, protocol, outgoing, closing, options);
        this.pings = new Pings(this, protocol, closing, outgoing, timers, options);
        this.sender = new Sender(this, protocol, outgoing, pings, reader, options);
        // a violation behind messages waits for the application's answers to them (see Closing); the openings set
        // it before the handshake, for one that came with it
        protocol.holdFailureClose(true);
    }

    /**
     * Opens the connection: delivers (or, in the handler style, queues for {@link #receive()}) what arrived together
     * with the handshake response, starts the keepalive and the reader's first run where {@code firstRun} says (see
     * {@link Reader.FirstRun}). The one way to start a connection, once.
     *
     * @param listener the listener style's listener, which the reader calls for the opening, every message and the
     *     close; null for the handler style, where messages wait for {@link #receive()}
     */
    void start(WebSocketListener listener, Reader.FirstRun firstRun) {
        if (listener != null) {
            deliveries = new Deliveries(this, this, outgoing, listener);
            reader.deliverTo(deliveries);
        } else { // a listener-style connection has no inbox: 48 bytes less for each idle one
            inbox = new Inbox(this, outgoing, closing, options);
            reader.receiveInto(inbox);
        }
        open();
        pings.startKeepalive();
        reader.start(firstRun);
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

    @Override
    void afterProtocolLocked() {
        assert lock.isHeldByCurrentThread();
        dispatchLocked(protocol.takeEvents());
        // may release a held Close, which then joins this queueing
        closing.afterProtocolLocked(protocol.failureCloseHeld() && reader.answersOwedLocked());
        outgoing.queueLocked(protocol.takeOutbound());
        changed.signalAll();
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

    @Override
    public Iterator<Message> iterator() {
        requireHandlerStyle();
        return inbox.iterator();
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
    @Override
    public Broadcast.Offer offer(SharedMessage message) {
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
        closing.close(code, reason, reader.inListener());
    }

    /** See {@link Outgoing#writeWithoutWaiting}: for a broadcast's writer. Caller does not hold {@link #lock}. */
    @Override
    public void writeWithoutWaiting(ByteBuffer scratch) {
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
            if (abortingLocked()) {
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
    @Override
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
            if (SafeLog.LOG.isLoggable(Level.DEBUG)) {
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

    // ------------------------------------------------------------------ state

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
    public Optional<String> subprotocol() {
        return protocol.subprotocol(); // without the lock, as handshakeRequest(): it no longer changes once open
    }

    /** Without the lock: the protocol's handshake no longer changes once open (it is kept packed, both sides). */
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

    @Override
    public void attach(Object value) {
        attachment = value;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T attachment() {
        return (T) attachment;
    }

    @Override
    public String toString() {
        return "WebSocket[" + id + " " + protocol.side() + " " + Handshakes.address(remote.getAddress(),
                remote.getPort()) + " " + state() + "]";
    }
}
