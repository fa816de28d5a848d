package dev.lifeline;

import dev.lifeline.protocol.CloseCode;
import dev.lifeline.protocol.ConnectionClosedException;
import dev.lifeline.protocol.InvalidStateException;
import dev.lifeline.protocol.ReconnectingException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A client that reconnects to any RFC 6455 server: whenever its connection is lost it opens another, as its
 * {@link ReconnectPolicy} allows, runs the {@link OnOpen} hook on it (re-subscribe, re-authenticate), sends what
 * was queued meanwhile, and goes on receiving. There is no acknowledgement: a message in flight when a connection
 * drops is lost, both ways (the reliable layer's {@code ReliableClient} is for messages that must arrive).
 *
 * <pre>{@code
 * try (ReconnectingWebSocket ws = ReconnectingWebSocket.builder(URI.create("wss://feed.example/"))
 *         .onOpen(connection -> connection.send("{\"subscribe\":\"prices\"}"))
 *         .connect()) {
 *     for (Message message : ws) {            // across reconnections
 *         System.out.println(message);
 *     }
 * }
 * }</pre>
 *
 * <p><b>State.</b> {@link #state()} goes CONNECTING → OPEN ⇄ RECONNECTING → CLOSED, and is OPEN only while the
 * connection it holds is OPEN (that connection's state is true, as every {@link WebSocket}'s is). The
 * {@link Listener} hears every change and every failure with the policy's decision; {@link #closed()} completes once,
 * with the {@link CloseReason}.
 *
 * <p><b>Sends.</b> While OPEN, a send goes to the current connection, as {@link WebSocket#send} does. Otherwise it
 * throws {@link ReconnectingException} at once, or, with {@link Builder#queue}, waits in a bounded queue that is sent
 * after the next connection's {@link OnOpen} hook: at most once (a full queue throws, and what is still queued when
 * the client closes is listed in {@link CloseReason#unsent()}).
 *
 * <p><b>Threads.</b> A virtual thread of the client's own connects, waits and reconnects; the credentials hook,
 * the policy, the {@link OnOpen} hook and the {@link Listener} run on it, in order, one at a time (they should be
 * quick: the next attempt waits for them). {@code send}, {@code ping}, {@code close} and the getters may be called
 * from any thread. {@code receive} and iteration allow one thread at a time ({@link ConcurrencyException}
 * otherwise). In the listener style ({@link Builder#messages}), each connection's reader calls the
 * {@link WebSocketListener}, as for a plain connection, and only after that connection's hook has run.
 */
public final class ReconnectingWebSocket implements Iterable<Message>, AutoCloseable {
    private static final System.Logger LOG = System.getLogger("dev.lifeline.ReconnectingWebSocket");
    private static final AtomicInteger IDS = new AtomicInteger();

    /** The client's state: CONNECTING until a first connection opens, then OPEN and RECONNECTING, then CLOSED. */
    public enum State { CONNECTING, OPEN, RECONNECTING, CLOSED }

    /**
     * Why the client closed for good. Prints as {@code GAVE_UP: HTTP 403: ... (not retryable; 1 attempt)}.
     *
     * @param kind what ended it
     * @param detail a human-readable explanation
     * @param failure the last failure, if a failure ended it
     * @param decision the policy's decision to stop, unless the application closed the client
     * @param unsent messages queued while disconnected that were never sent
     */
    public record CloseReason(Kind kind, String detail, Optional<Failure> failure,
            Optional<ReconnectPolicy.Decision.Stop> decision, List<Message> unsent) {
        /** What ends a reconnecting client. */
        public enum Kind {
            /** The application called {@code close()}. */
            CLOSED,
            /**
             * The server closed a connection with 1000, and the policy did not retry it (the standard policy never
             * does: the server ended the conversation).
             */
            CLOSED_BY_PEER,
            /** The reconnect policy stopped trying. */
            GAVE_UP
        }

        public CloseReason {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(detail, "detail");
            Objects.requireNonNull(failure, "failure");
            Objects.requireNonNull(decision, "decision");
            unsent = List.copyOf(unsent);
        }

        @Override
        public String toString() {
            return (detail.isEmpty() ? kind.toString() : kind + ": " + detail)
                    + (unsent.isEmpty() ? "" : " (" + unsent.size() + " queued messages not sent)");
        }
    }

    /** Hears what happens to the client, on the client's thread, in order. Every method has an empty default. */
    public interface Listener {
        /** The state changed; {@code reason} is present for CLOSED. */
        default void stateChanged(State state, Optional<CloseReason> reason) {
        }

        /** A connection attempt failed or a connection ended, and the policy decided what to do. */
        default void connectionFailed(Failure failure, ReconnectPolicy.Decision decision) {
        }
    }

    /**
     * Runs on every new connection, on the client's thread, before anything queued is sent and before the client
     * is OPEN: send what the server needs to hear first (a subscription, a login) on {@code connection}. If it
     * throws, that connection is closed with 1011 and the policy decides, as for any failure.
     */
    @FunctionalInterface
    public interface OnOpen {
        void onOpen(WebSocket connection) throws Exception;
    }

    private final String id = "rws" + IDS.incrementAndGet();
    private final Builder config;
    private final Reconnector reconnector;
    private final Thread thread;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final CompletableFuture<CloseReason> closed = new CompletableFuture<>();
    private final CompletableFuture<Void> closeRequested = new CompletableFuture<>();
    private final ThreadLocal<Boolean> delivering = ThreadLocal.withInitial(() -> false);
    /** Written by the client's thread only, under {@link #lock}. */
    private volatile State state = State.CONNECTING;
    /** The connection while OPEN; guarded by {@link #lock}. */
    private WebSocket current;
    /** The last connection that opened; written under {@link #lock}. */
    private volatile WebSocket last;
    /** The connections {@code receive()} reads. */
    private final Readings readings = new Readings(id);
    /** Guarded by {@link #lock}. */
    private final SendQueue queue;
    /** Set once, by the client's thread under {@link #lock}, when it is CLOSED. */
    private volatile CloseReason reason;

    private ReconnectingWebSocket(Builder config) {
        this.config = config;
        this.queue = new SendQueue(config.queueMessages, config.queueBytes);
        this.reconnector = config.reconnector(config.subprotocols.toArray(String[]::new));
        this.thread = Thread.ofVirtual().name("lifeline-reconnecting-" + id).unstarted(this::run);
    }

    public static Builder builder(URI uri) {
        return new Builder(uri);
    }

    /** Connects to {@code uri} with the default options; returns at once, in state CONNECTING. */
    public static ReconnectingWebSocket connect(URI uri) {
        return builder(uri).connect();
    }

    public String id() {
        return id;
    }

    public URI uri() {
        return config.uri();
    }

    /** The state now: OPEN only while the connection held is OPEN; CLOSED once the client has closed for good. */
    public State state() {
        State s = state;
        WebSocket ws = connection().orElse(null);
        return s == State.OPEN && (ws == null || ws.state() != dev.lifeline.protocol.State.OPEN)
                ? State.RECONNECTING : s;
    }

    /** The connection held now, while OPEN: its addresses, subprotocol, handshake. */
    public Optional<WebSocket> connection() {
        lock.lock();
        try {
            return Optional.ofNullable(current);
        } finally {
            lock.unlock();
        }
    }

    /** The round-trip time of the last answered Ping on the latest connection; zero before any. */
    public Duration latency() {
        WebSocket latest = last;
        return latest == null ? Duration.ZERO : latest.latency();
    }

    /** Waits at most {@code timeout} for the client to be OPEN; false if it is not (yet, or any more). */
    public boolean awaitOpen(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (state != State.OPEN && state != State.CLOSED) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                changed.awaitNanos(left);
            }
            return state == State.OPEN;
        } finally {
            lock.unlock();
        }
    }

    /** Completes once, when the client has closed for good. */
    public CompletableFuture<CloseReason> closed() {
        return closed.copy();
    }

    public void send(String text) {
        send(Message.text(text));
    }

    /** Sends a binary message; the array is copied first. */
    public void send(byte[] data) {
        send(Message.binary(data.clone()));
    }

    /** Sends a binary message from the buffer's position to its limit. */
    public void send(ByteBuffer data) {
        byte[] copy = new byte[data.remaining()];
        data.get(copy);
        send(Message.binary(copy));
    }

    /**
     * Sends on the current connection, or queues while disconnected (see the class comment).
     *
     * @throws ReconnectingException when disconnected and the queue is off or full: nothing was sent or queued
     * @throws ConnectionClosedException (another subtype) once the client is CLOSED
     */
    public void send(Message message) {
        Objects.requireNonNull(message, "message");
        WebSocket failed = null;
        Optional<ConnectionClosedException> lost = Optional.empty();
        while (true) {
            WebSocket ws;
            lock.lock();
            try {
                ws = current;
                if (ws == null || ws == failed) {
                    // Queued now, it goes out after the next connection's hook: openUp sends the queue before it
                    // sets current, under this lock.
                    enqueue(message, lost);
                    return;
                }
            } finally {
                lock.unlock();
            }
            try {
                ws.send(message);
                return;
            } catch (ConnectionClosedException e) {
                failed = ws; // not handed to TCP: a newer connection, the queue, or ReconnectingException
                lost = Optional.of(e);
            }
        }
    }

    /** Sends a Ping on the current connection; the future completes with the round-trip time. */
    public CompletableFuture<Duration> ping() {
        return connection().orElseThrow(() -> reconnecting(state() + ": no connection to ping", Optional.empty()))
                .ping();
    }

    /** Waits for the next message, from this connection or the next ones; throws once the client is CLOSED. */
    public Message receive() {
        return next(null).orElseThrow();
    }

    /** Waits at most {@code timeout} for the next message; empty if none came in time. */
    public Optional<Message> receive(Duration timeout) {
        return next(Objects.requireNonNull(timeout, "timeout"));
    }

    /** The next message; {@code timeout} null: no bound. */
    private Optional<Message> next(Duration timeout) {
        if (config.messages != null) {
            throw new InvalidStateException("messages go to the listener given to messages(...)");
        }
        return readings.next(timeout);
    }

    /**
     * The messages of every connection, until the client closes: the loop ends quietly after {@code close()} or
     * the server's 1000, and throws {@link ConnectionClosedException} when the policy gave up.
     */
    @Override
    public Iterator<Message> iterator() {
        if (config.messages != null) {
            throw new InvalidStateException("messages go to the listener given to messages(...)");
        }
        return readings.iterator(() -> reason != null && reason.kind() != CloseReason.Kind.GAVE_UP);
    }

    /**
     * Closes for good: closes the current connection with 1000 (waiting for the closing handshake, at most
     * {@code closeTimeout}) and stops reconnecting. From the client's own thread or a message listener, it
     * returns without waiting.
     *
     * @throws OperationInterruptedException if the calling thread is interrupted while it waits (the client goes on
     *     closing)
     */
    @Override
    public void close() {
        closeRequested.complete(null);
        if (Thread.currentThread() == thread || delivering.get()) {
            connection().ifPresent(WebSocket::close); // a listener's close sends the Close frame and returns
            return;
        }
        try {
            thread.join(config.options().openTimeout().plus(config.options().closeTimeout()).plusSeconds(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OperationInterruptedException("interrupted while waiting for " + id + " to close; it goes on"
                    + " closing", e);
        }
    }

    // ------------------------------------------------------------------ the client's thread

    private void run() {
        CloseReason end = null;
        while (end == null) {
            Failure failure = closeRequested.isDone() ? null : connectAndServe();
            if (failure == null || closeRequested.isDone()) {
                end = closing(CloseReason.Kind.CLOSED, "closed by the application", Optional.empty(), null);
                continue;
            }
            Reconnector.Next.Decided decided = reconnector.decide(failure);
            LOG.log(Level.DEBUG, () -> "[" + id + "] " + failure + "; attempt " + decided.attempt() + ": "
                    + decided.decision());
            tell(() -> config.listener.connectionFailed(failure, decided.decision()));
            switch (decided.decision()) {
                case ReconnectPolicy.Decision.Stop stop -> end = stopped(decided, stop);
                case ReconnectPolicy.Decision.Retry retry -> {
                    changeState(state == State.CONNECTING ? State.CONNECTING : State.RECONNECTING);
                    awaitRetry(retry.delay());
                }
            }
        }
        readings.end(this::closedException);
        changeState(State.CLOSED);
        closed.complete(end);
    }

    /** The end a Stop makes: CLOSED_BY_PEER after the server's 1000, GAVE_UP after anything else. */
    private CloseReason stopped(Reconnector.Next.Decided decided, ReconnectPolicy.Decision.Stop stop) {
        if (decided.failure() instanceof Failure.Disconnected d && d.normalByPeer()) {
            return closing(CloseReason.Kind.CLOSED_BY_PEER, "the server closed the connection: " + d.status(),
                    Optional.of(d), stop);
        }
        return closing(CloseReason.Kind.GAVE_UP, decided.detail(), Optional.of(decided.failure()), stop);
    }

    /**
     * One connection: opens it, runs the hook, sends the queue, then waits until it ends or the client closes.
     *
     * @return why it ended; null when the application closed the client
     */
    private Failure connectAndServe() {
        GatedListener delivery = config.messages == null ? null : new GatedListener(config.messages, delivering);
        WebSocket ws;
        switch (reconnector.open(delivery)) {
            case Reconnector.Attempt.Failed failed -> {
                return failed.failure();
            }
            case Reconnector.Attempt.Opened opened -> ws = opened.ws();
        }
        if (closeRequested.isDone()) {
            ws.close();
            return null;
        }
        try {
            Failure failure = openUp(ws);
            if (failure != null) {
                return failure;
            }
        } finally {
            if (delivery != null) {
                delivery.open();
            }
        }
        CompletableFuture.anyOf(ws.closed(), closeRequested).join();
        lock.lock();
        try {
            current = null;
        } finally {
            lock.unlock();
        }
        if (closeRequested.isDone()) {
            ws.close();
            return null;
        }
        return Failure.Disconnected.of(ws.closedException().orElseThrow());
    }

    /** The hook, then the queue, then OPEN; or why the connection failed meanwhile. */
    private Failure openUp(WebSocket ws) {
        try {
            config.onOpen.onOpen(ws);
            if (config.messages != null) {
                config.messages.onOpen(ws);
            }
        } catch (Exception e) {
            LOG.log(Level.WARNING, "[" + id + "] onOpen failed on connection " + ws.id(), e);
            ws.close(CloseCode.INTERNAL_ERROR, "");
            return Failure.Disconnected.of(ws.closedException().orElseThrow());
        }
        boolean opened;
        while (true) {
            Message next;
            lock.lock();
            try {
                Optional<Message> head = queue.peek();
                if (head.isEmpty()) {
                    current = ws;
                    last = ws;
                    if (config.messages == null) {
                        readings.add(ws);
                    }
                    // OPEN with the connection, in one step: no moment when it carries messages and state() still
                    // says RECONNECTING
                    opened = setStateLocked(State.OPEN);
                    break;
                }
                next = head.get();
            } finally {
                lock.unlock();
            }
            try {
                ws.send(next);
            } catch (ConnectionClosedException e) {
                return Failure.Disconnected.of(e); // the message stays first in the queue
            }
            lock.lock();
            try {
                queue.removeFirst();
            } finally {
                lock.unlock();
            }
        }
        reconnector.reset();
        if (opened) {
            announce(State.OPEN);
        }
        return null;
    }

    /** Under the lock, with no connection: queue {@code message}, or throw. */
    private void enqueue(Message message, Optional<ConnectionClosedException> lost) {
        if (state == State.CLOSED) {
            throw closedException();
        }
        if (closeRequested.isDone()) {
            throw ConnectionClosedException.of(Optional.empty(), Optional.empty(), false,
                    new IOException(id + " is closing: close() was called"));
        }
        Optional<ConnectionClosedException> cause = lost.or(() -> last == null ? Optional.empty()
                : last.closedException());
        State now = state(); // RECONNECTING, not OPEN, when the connection held has just failed
        if (!queue.enabled()) {
            throw reconnecting(now + "; nothing was sent", cause);
        }
        if (!queue.offer(message)) {
            throw reconnecting(now + " and the send queue is full ("
                    + queue + "); nothing was sent or queued", cause);
        }
    }

    private ReconnectingException reconnecting(String what, Optional<ConnectionClosedException> lost) {
        return new ReconnectingException(id + " (" + config.uri() + ") is " + what, lost);
    }

    /** What receive and send throw once CLOSED: the last connection's end, or the reason if none ever opened. */
    private ConnectionClosedException closedException() {
        Optional<ConnectionClosedException> lastEnd = last == null ? Optional.empty() : last.closedException();
        return lastEnd.orElseGet(() -> ConnectionClosedException.of(Optional.empty(), Optional.empty(), false,
                new IOException(id + " is closed: " + reason)));
    }

    private CloseReason closing(CloseReason.Kind kind, String detail, Optional<Failure> failure,
            ReconnectPolicy.Decision.Stop stop) {
        lock.lock();
        try {
            reason = new CloseReason(kind, detail, failure, Optional.ofNullable(stop), queue.drain());
            return reason;
        } finally {
            lock.unlock();
        }
    }

    private void awaitRetry(Duration delay) {
        try {
            closeRequested.get(delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            // the delay passed: try again
        } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
            Thread.currentThread().interrupt();
            closeRequested.complete(null);
        }
    }

    /** The one writer of {@link #state}, on the client's thread; the listener hears the change after it. */
    private void changeState(State next) {
        boolean changedNow;
        lock.lock();
        try {
            changedNow = setStateLocked(next);
        } finally {
            lock.unlock();
        }
        if (changedNow) {
            announce(next);
        }
    }

    /** Sets {@link #state} (on the client's thread, under {@link #lock}); false if it was {@code next} already. */
    private boolean setStateLocked(State next) {
        assert lock.isHeldByCurrentThread();
        if (state == next) {
            return false;
        }
        state = next;
        changed.signalAll();
        return true;
    }

    /** Tells the listener of a change {@link #setStateLocked} made, without the lock. */
    private void announce(State next) {
        LOG.log(Level.DEBUG, () -> "[" + id + "] = client is " + next);
        tell(() -> config.listener.stateChanged(next, next == State.CLOSED ? Optional.of(reason) : Optional.empty()));
    }

    /** Runs a listener call; what it throws is logged, and the client goes on. */
    private void tell(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "[" + id + "] the listener threw", e);
        }
    }

    @Override
    public String toString() {
        return "ReconnectingWebSocket[" + id + " " + config.uri() + " " + state() + "]";
    }

    /**
     * Options of a {@link ReconnectingWebSocket}: those every reconnecting client has ({@link Reconnector.Settings}:
     * the connections' options, headers, the credentials hook, the reconnect policy, TLS and other client
     * settings), plus subprotocols, the hook, the listeners and the send queue.
     */
    public static final class Builder extends Reconnector.Settings<Builder> {
        private final List<String> subprotocols = new ArrayList<>();
        private Listener listener = new Listener() { };
        private OnOpen onOpen = connection -> { };
        private WebSocketListener messages;
        private int queueMessages;
        private long queueBytes;

        private Builder(URI uri) {
            super(uri);
        }

        @Override
        protected Builder self() {
            return this;
        }

        /** Subprotocols to offer on every handshake, in order of preference. */
        public Builder subprotocols(String... names) {
            subprotocols.addAll(List.of(names));
            return this;
        }

        public Builder listener(Listener listener) {
            this.listener = Objects.requireNonNull(listener);
            return this;
        }

        /** Runs on every new connection before anything queued is sent (see {@link OnOpen}). */
        public Builder onOpen(OnOpen hook) {
            this.onOpen = Objects.requireNonNull(hook);
            return this;
        }

        /**
         * The listener style: every connection's messages go to {@code listener} on that connection's reader, as
         * with {@link WebSocketClient#open(URI, WebSocketListener)}; its {@code onOpen} runs right after the
         * {@link OnOpen} hook, on the client's thread. {@code receive()} then throws {@code InvalidStateException}.
         */
        public Builder messages(WebSocketListener listener) {
            this.messages = Objects.requireNonNull(listener);
            return this;
        }

        /**
         * Queue sends made while disconnected, at most {@code messages} messages and {@code bytes} bytes, and send
         * them after the next connection's {@link OnOpen} hook; off (0) by default: such sends throw at once. Queued
         * messages are sent at most once: nothing acknowledges them.
         */
        public Builder queue(int messages, long bytes) {
            if (messages < 0 || bytes < 0) {
                throw new IllegalArgumentException("negative queue bound: " + messages + ", " + bytes);
            }
            this.queueMessages = messages;
            this.queueBytes = bytes;
            return this;
        }

        /** Starts the client: returns at once, in state CONNECTING. */
        public ReconnectingWebSocket connect() {
            ReconnectingWebSocket ws = new ReconnectingWebSocket(this);
            ws.thread.start();
            return ws;
        }
    }
}
