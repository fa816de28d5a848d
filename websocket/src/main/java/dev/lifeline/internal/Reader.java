package dev.lifeline.internal;

import dev.lifeline.WebSocketOptions;
import dev.lifeline.protocol.Protocol;
import dev.lifeline.protocol.Side;
import dev.lifeline.protocol.State;
import java.io.IOException;
import java.lang.System.Logger.Level;

/**
 * The read side of a connection: the reader virtual thread feeds everything that arrives to the {@link Protocol} at
 * once, and stops reading (inbound backpressure) while the application is behind. Its fields are guarded by the
 * connection's lock, which it holds only while the protocol digests what was read, never while reading.
 *
 * <p>It reads through the connection's {@link Transport}. A polled one's read may find nothing: then the reader asks
 * to be started again once something arrives ({@link Transport#whenReadable}), and its thread ends, so that an idle
 * connection holds no thread. A blocking one's never does: its reader thread waits in its reads.
 */
final class Reader {
    /** The most trailing input discarded after the closing handshake before TCP is closed (see discardUnread). */
    private static final int DISCARD_LIMIT = 1024 * 1024;

    private final ProtocolGuard guard;
    private final Transport transport;
    private final Protocol protocol;
    private final Outgoing outgoing;
    private final Closing closing;
    private final WebSocketOptions options;
    private final ReadBuffer buffer;
    /** What starts the next run once something arrives (one object, not one per idle spell). */
    private final Runnable restart = this::start;
    /** In the listener style, the listener's messages, delivered after each read; null otherwise. */
    private Deliveries deliveries;
    /** In the handler style, the messages waiting for {@code receive()}; null otherwise (and before the start). */
    private Inbox inbox;
    /** Whether the first run began (it delivers the opening). Only the reader thread touches it. */
    private boolean started;
    /** The thread reading now, if any. */
    private volatile Thread thread;
    /**
     * {@link Outgoing#queuedLocked()} right after the last Pong or Close echo the reader queued: the reader waits
     * while more than {@code writeLimit} bytes up to there are unwritten, so that a peer sending Pings without
     * reading the Pongs is pushed back instead of filling our memory. Guarded by the connection's lock.
     */
    private long answeredUpTo;

    Reader(ProtocolGuard guard, Transport transport, Protocol protocol, Outgoing outgoing, Closing closing,
            WebSocketOptions options) {
        this.guard = guard;
        this.transport = transport;
        this.protocol = protocol;
        this.outgoing = outgoing;
        this.closing = closing;
        this.options = options;
        this.buffer = transport.newReadBuffer();
    }

    /**
     * Where a connection's reader makes its first run, the one that delivers what came with the opening handshake
     * (and calls a {@link dev.lifeline.WebSocketListener#onOpen}). Its later runs, over a polled transport, are always
     * started by the poller when bytes arrive.
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
         * {@code MessageListener} (no {@link dev.lifeline.WebSocketListener#onOpen} of its own: one would run late)
         * and a quiet connection (nothing but the handshake to deliver).
         */
        WHEN_READABLE
    }

    /**
     * In the listener style, before the connection opens (before what came with the handshake is dispatched): where
     * messages go, so that the questions about who receives are answered for the listener from then on.
     */
    void deliverTo(Deliveries deliveries) {
        this.deliveries = deliveries;
    }

    /** In the handler style, before the connection opens: where messages wait for {@code receive()}. */
    void receiveInto(Inbox inbox) {
        this.inbox = inbox;
    }

    /** The first run, where {@code firstRun} says; once, when the connection opens. */
    void start(FirstRun firstRun) {
        switch (firstRun) {
            case NEW_THREAD -> start();
            case THIS_THREAD -> run();
            case WHEN_READABLE -> {
                if (!transport.whenReadable(restart)) {
                    start(); // it finds the transport closed and finishes the connection
                }
            }
        }
    }

    /** A run on a virtual thread of its own: the first one, or the next once the poller saw bytes arrive. */
    private void start() {
        Thread.ofVirtual().name("lifeline-reader-" + guard.id).start(this::run);
    }

    /** Whether the current thread is the reader. */
    private boolean onReaderThread() {
        return Thread.currentThread() == thread;
    }

    /**
     * Whether the application still owes answers to messages that arrived: the listener has not had them all yet (or
     * is running, or this is another thread than the reader, which decides once its listener returned), or messages
     * wait in the inbox, or the receiving thread took one and has not come back for more. Caller holds the lock.
     */
    boolean answersOwedLocked() {
        assert guard.lock.isHeldByCurrentThread();
        return deliveries != null ? !onReaderThread() || deliveries.owedLocked() : inbox != null && inbox.owedLocked();
    }

    /**
     * Whether the current thread takes messages and more wait for it, or is the reader handing them to the
     * listener: then its sends may wait to be written together, before it next blocks. Caller holds the lock.
     */
    boolean receivingMoreLocked() {
        assert guard.lock.isHeldByCurrentThread();
        return deliveries != null ? onReaderThread() : inbox != null && inbox.moreForLocked(Thread.currentThread());
    }

    /** Whether the current thread is the reader calling the listener (its close is not awaited). */
    boolean inListener() {
        return deliveries != null && onReaderThread();
    }

    /** Reads until the end of the input (then the connection is finished) or, polled, until nothing is left. */
    private void run() {
        thread = Thread.currentThread();
        if (!started) {
            started = true;
            if (deliveries != null && deliveries.open()) {
                deliveries.deliver(); // what arrived together with the handshake
                closing.releaseHeldFailure(); // a violation's Close that came with it, after the listener's answers
            }
        }
        Throwable cause = null;
        boolean readSome = false;
        boolean closeNow = closeDue(); // a Close that came with the handshake, answered by the opening
        try {
            while (!closeNow && awaitInboxRoom()) {
                int n = transport.read(buffer);
                if (n == 0 && readSome) {
                    // Under load the peer's next bytes are often on their way: let the other connections run
                    // once and look again, before going to the poller (which costs waking its thread). Not on
                    // a run that read nothing yet (a new connection): a yield costs a copy of the stack.
                    buffer.release();
                    Thread.yield();
                    n = transport.read(buffer);
                }
                if (n == 0) {
                    // polled and nothing to read: the poller starts a new run when there is
                    buffer.release();
                    thread = null;
                    if (transport.whenReadable(restart)) {
                        return;
                    }
                    break; // closed meanwhile
                }
                if (n < 0) {
                    break;
                }
                readSome = true;
                boolean answered;
                boolean failureHeld;
                guard.lock.lock();
                try {
                    protocol.receiveData(buffer.filled(n));
                    // a violation's held Close may be released by afterProtocol: an answer too
                    answered = protocol.hasOutbound() || protocol.failureCloseHeld();
                    guard.afterProtocolLocked();
                    failureHeld = protocol.failureCloseHeld();
                    if (answered) {
                        answeredUpTo = outgoing.queuedLocked();
                    }
                    closeNow = closeDueLocked();
                } finally {
                    guard.lock.unlock();
                }
                buffer.adapt(n);
                buffer.release(); // the protocol took what it keeps
                if (answered && !closeNow) {
                    // Pongs and Close echoes are written by another thread: a peer that does not read must not
                    // stop this one from seeing what the peer sends.
                    outgoing.flushIfIdle();
                }
                if (deliveries != null) {
                    deliveries.deliver();
                    if (failureHeld) {
                        closing.releaseHeldFailure(); // after the listener's answers to what came before
                    }
                }
            }
        } catch (IOException e) {
            cause = Transport.asSocketException(e);
        } catch (RuntimeException e) {
            cause = e;
        }
        thread = Thread.currentThread();
        buffer.release();
        guard.lock.lock();
        try {
            if (cause != null) {
                guard.ioFailedLocked(cause);
            }
            protocol.receiveEof();
            guard.afterProtocolLocked();
        } finally {
            guard.lock.unlock();
        }
        if (!(cause instanceof IOException)) {
            // What is queued (our Close frame and FIN, say) goes out before TCP is closed, from this thread: no
            // hand-off on the way to closed(). A peer that stopped reading holds this for writeTimeout at most. A
            // read that failed (a reset) left nothing that could reach the peer: no wait for it.
            outgoing.flush(true);
        }
        if (closeNow) {
            discardUnread();
        }
        guard.finish();
    }

    /**
     * Whether this server's closing handshake is done, so that it closes TCP now instead of waiting for the peer's
     * FIN (RFC 6455 §5.5.1, §7.1.1; a client waits for the server's close, bounded by closeTimeout).
     */
    private boolean closeDue() {
        guard.lock.lock();
        try {
            return closeDueLocked();
        } finally {
            guard.lock.unlock();
        }
    }

    private boolean closeDueLocked() {
        assert guard.lock.isHeldByCurrentThread();
        return protocol.side() == Side.SERVER && protocol.closingHandshakeDone();
    }

    /**
     * Before closing TCP after the closing handshake: discards what the peer sent after its Close frame and is still
     * unread (§7.1.1: "discarding any trailing bytes that may have been received"). Linux answers the close of a
     * socket with unread input with a reset, which throws away our Close frame if TCP has not delivered it yet (and,
     * on some systems, what the peer received but did not read yet). Reads only what is there, at most
     * {@link #DISCARD_LIMIT} bytes: a peer that keeps sending is reset. On the reader thread.
     */
    private void discardUnread() {
        try {
            transport.discardUnread(buffer, DISCARD_LIMIT);
        } catch (IOException | RuntimeException e) { // whatever it is, the socket is closed next
            guard.log(Level.TRACE, "discarding input after the closing handshake: " + e);
        } finally {
            buffer.release();
        }
    }

    /**
     * Inbound backpressure: waits while more than {@code maxQueue} messages (or {@code maxQueueBytes}) wait to be
     * received, or while the answers to the peer's Pings are stuck behind more than {@code writeLimit} unwritten
     * bytes, so that TCP pushes back on the peer; false when the reader should stop. A backlog of {@code maxQueue}
     * messages does not pause the reader, so a Close frame right behind it is still seen.
     */
    private boolean awaitInboxRoom() {
        guard.lock.lock();
        try {
            while (!guard.aborted()
                    && (inboxFullLocked() || !outgoing.written(answeredUpTo - options.writeLimit()))) {
                boolean full = inboxFullLocked();
                if (full && !guard.readerPausedLocked()) {
                    guard.telemetry.readerPaused();
                }
                guard.readerPausedLocked(full);
                guard.changed.awaitUninterruptibly();
            }
            guard.readerPausedLocked(false);
            return !guard.aborted();
        } finally {
            guard.lock.unlock();
        }
    }

    private boolean inboxFullLocked() {
        assert guard.lock.isHeldByCurrentThread();
        return inbox != null && protocol.state() == State.OPEN && inbox.overLimitLocked();
    }
}
