package dev.lifeline.internal;

import dev.lifeline.WebSocketOptions;
import dev.lifeline.protocol.Protocol;
import dev.lifeline.protocol.State;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.ReadableByteChannel;

/**
 * The read side of a connection: the reader virtual thread feeds everything that arrives to the {@link Protocol} at
 * once, and stops reading (inbound backpressure) while the application is behind. Its fields are guarded by the
 * connection's lock, which it holds only while the protocol digests what was read, never while reading.
 */
final class Reader {
    private final Connection connection;
    private final InputStream in;
    /** The TCP socket's channel when there is one and no TLS above it: read directly, into a direct buffer. */
    private final ReadableByteChannel channel;
    private final Protocol protocol;
    private final Outgoing outgoing;
    private final Inbox inbox;
    private final WebSocketOptions options;

    /** The reader is waiting for room in the inbox (inbound backpressure). Guarded by the connection's lock. */
    private boolean paused;
    /** How many times the reader paused for a full inbox. Guarded by the connection's lock. */
    private long pauses;
    /**
     * {@link Outgoing#queuedLocked()} right after the last Pong or Close echo the reader queued: the reader waits
     * while more than {@code writeLimit} bytes up to there are unwritten, so that a peer sending Pings without
     * reading the Pongs is pushed back instead of filling our memory. Guarded by the connection's lock.
     */
    private long answeredUpTo;

    Reader(Connection connection, InputStream in, ReadableByteChannel channel, Protocol protocol, Outgoing outgoing,
            Inbox inbox, WebSocketOptions options) {
        this.connection = connection;
        this.in = in;
        this.channel = channel;
        this.protocol = protocol;
        this.outgoing = outgoing;
        this.inbox = inbox;
        this.options = options;
    }

    /**
     * The reader thread's loop, until the end of the input; then the connection is finished.
     *
     * @param deliveries in the listener style, the listener's messages, delivered after each read; null otherwise
     */
    void run(Deliveries deliveries) {
        ReadBuffer buffer = new ReadBuffer(channel != null);
        Throwable cause = null;
        if (deliveries != null && deliveries.open()) {
            deliveries.deliver(); // what arrived together with the handshake
        }
        try {
            while (awaitInboxRoom()) {
                int n = buffer.read(channel, in);
                if (n < 0) {
                    break;
                }
                boolean answered;
                connection.lock.lock();
                try {
                    protocol.receiveData(buffer.filled(n));
                    answered = protocol.hasOutbound();
                    connection.afterProtocol();
                    if (answered) {
                        answeredUpTo = outgoing.queuedLocked();
                    }
                } finally {
                    connection.lock.unlock();
                }
                if (answered) {
                    // Pongs and Close echoes are written by another thread: a peer that does not read must not
                    // stop this one from seeing what the peer sends.
                    outgoing.flushIfIdle();
                }
                if (deliveries != null) {
                    deliveries.deliver();
                }
                buffer.adapt(n);
            }
        } catch (IOException e) {
            cause = Connection.asSocketException(e);
        } catch (RuntimeException e) {
            cause = e;
        }
        connection.lock.lock();
        try {
            if (cause != null) {
                connection.ioFailedLocked(cause);
            }
            protocol.receiveEof();
            connection.afterProtocol();
        } finally {
            connection.lock.unlock();
        }
        // What is queued (a Close echo written by another thread, perhaps) goes out before TCP is closed; a peer
        // that stopped reading holds this for writeTimeout at most.
        outgoing.flush(true);
        connection.finish();
    }

    /**
     * Inbound backpressure: waits while more than {@code maxQueue} messages (or {@code maxQueueBytes}) wait to be
     * received, or while the answers to the peer's Pings are stuck behind more than {@code writeLimit} unwritten
     * bytes, so that TCP pushes back on the peer; false when the reader should stop. A backlog of {@code maxQueue}
     * messages does not pause the reader, so a Close frame right behind it is still seen.
     */
    private boolean awaitInboxRoom() {
        connection.lock.lock();
        try {
            while (!connection.aborted()
                    && (inboxFull() || !outgoing.written(answeredUpTo - options.writeLimit()))) {
                paused = inboxFull();
                if (paused) {
                    pauses++;
                }
                connection.changed.awaitUninterruptibly();
            }
            paused = false;
            return !connection.aborted();
        } finally {
            connection.lock.unlock();
        }
    }

    private boolean inboxFull() {
        return protocol.state() == State.OPEN && inbox.overLimit();
    }

    /** Whether the reader is paused by a full inbox (then Pongs wait in TCP too). Caller holds the lock. */
    boolean pausedLocked() {
        return paused;
    }

    /** A count that changes each time the reader pauses for a full inbox. Caller holds the lock. */
    long pausesLocked() {
        return pauses;
    }

    /**
     * The reader is in the listener (or back from it): like a full inbox, it reads nothing meanwhile, so Pongs may
     * wait in TCP and keepalive must not count that against the peer. Caller holds the lock.
     */
    void listenerBusyLocked(boolean busy) {
        paused = busy;
        if (busy) {
            pauses++;
        }
    }
}
