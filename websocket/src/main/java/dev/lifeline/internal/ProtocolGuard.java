package dev.lifeline.internal;

import dev.lifeline.OperationInterruptedException;
import dev.lifeline.protocol.CloseCode;
import dev.lifeline.protocol.ConnectionClosedException;
import dev.lifeline.protocol.Protocol;
import dev.lifeline.protocol.State;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A connection's protocol under its lock: what the helpers ({@link Reader}, {@link Sender}, {@link Outgoing},
 * {@link Inbox}, {@link Deliveries}, {@link Closing}, {@link Pings}) are given instead of the connection. The lock
 * and its condition, the protocol and what moves with it (why TCP failed, whether it was dropped, the reader's
 * pause), the questions asked of them under the lock, and the four steps only the owner of the state can take:
 * {@link #afterProtocolLocked} (the one step after every feed or send: the protocol's events and bytes go where they
 * belong), {@link #close}, {@link #abort} and {@link #finish}. {@link Connection} is the one subclass: the helpers
 * hold the connection itself, typed as this class, so that the seam costs no object and its calls stay monomorphic.
 */
abstract class ProtocolGuard {
    /** Guards {@link #protocol} and everything that moves with it (see the package documentation). */
    final ReentrantLock lock = new ReentrantLock();
    /** Signalled whenever the inbox, the pending writes or the state change. */
    final Condition changed = lock.newCondition();
    final String id;
    final Protocol protocol;
    /** What this connection tells the metrics listener and the flight recorder. */
    final Telemetry telemetry;
    /** Why TCP failed, if it did before the connection was dropped. Guarded by {@link #lock}. */
    private Throwable ioFailure;
    /** {@link #abort()} dropped TCP. Written under {@link #lock}. */
    private volatile boolean aborted;
    /** The reader reads nothing for now: the inbox is full, or the listener runs. Guarded by {@link #lock}. */
    private boolean readerPaused;
    /** How many times the reader paused. Guarded by {@link #lock}. */
    private long readerPauses;

    ProtocolGuard(String id, Protocol protocol, Telemetry telemetry) {
        this.id = id;
        this.protocol = protocol;
        this.telemetry = telemetry;
    }

    /** Dispatches the protocol's events and queues its outbound bytes. Caller holds {@link #lock}. */
    abstract void afterProtocolLocked();

    /** Starts the closing handshake; see {@link Closing#close}. */
    public abstract void close(CloseCode code, String reason);

    /** Drops TCP now; the connection is CLOSED when this returns. */
    public abstract void abort();

    /** TCP is over: close the socket and tell everyone. Runs once; caller does not hold {@link #lock}. */
    abstract void finish();

    public String id() {
        return id;
    }

    public State state() {
        lock.lock();
        try {
            return protocol.state();
        } finally {
            lock.unlock();
        }
    }

    boolean isOpenLocked() {
        assert lock.isHeldByCurrentThread();
        return protocol.state() == State.OPEN && !aborted;
    }

    /** No more messages can arrive: the peer closed, we failed the connection, or TCP is gone. */
    boolean inputEndedLocked() {
        assert lock.isHeldByCurrentThread();
        return protocol.state() == State.CLOSED || protocol.closeReceived().isPresent()
                || protocol.failure().isPresent();
    }

    public Optional<ConnectionClosedException> closedException() {
        lock.lock();
        try {
            return protocol.state() == State.OPEN ? Optional.empty() : Optional.of(closedExceptionLocked());
        } finally {
            lock.unlock();
        }
    }

    /** Why the connection ended: the peer's protocol violation if there was one, else the I/O failure if any. */
    ConnectionClosedException closedExceptionLocked() {
        assert lock.isHeldByCurrentThread();
        return protocol.closedException(protocol.failure().<Throwable>map(f -> f).orElse(ioFailure));
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

    /** For {@link #abort()}: marks TCP dropped; false if it was already. Caller holds {@link #lock}. */
    boolean abortingLocked() {
        assert lock.isHeldByCurrentThread();
        if (aborted) {
            return false;
        }
        aborted = true;
        return true;
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
        SafeLog.LOG.log(Level.WARNING, "[" + id + "] " + who + " failed; closing with 1011: " + e, e);
        close(CloseCode.INTERNAL_ERROR, "");
        return true;
    }

    /**
     * The reader stops or goes on reading: {@code paused} while the inbox is full or the listener runs (it reads
     * nothing meanwhile, so Pongs may wait in TCP and keepalive must not count that against the peer). Caller holds
     * {@link #lock}.
     */
    void readerPausedLocked(boolean paused) {
        assert lock.isHeldByCurrentThread();
        readerPaused = paused;
        if (paused) {
            readerPauses++;
        }
    }

    /** Whether the reader is paused (then Pongs wait in TCP too). Caller holds {@link #lock}. */
    boolean readerPausedLocked() {
        assert lock.isHeldByCurrentThread();
        return readerPaused;
    }

    /** A count that changes each time the reader pauses. Caller holds {@link #lock}. */
    long readerPausesLocked() {
        assert lock.isHeldByCurrentThread();
        return readerPauses;
    }

    void log(Level level, String message) {
        if (SafeLog.LOG.isLoggable(level)) {
            SafeLog.LOG.log(level, "[" + id + "] " + message);
        }
    }
}
