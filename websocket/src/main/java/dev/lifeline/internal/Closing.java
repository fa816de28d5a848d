package dev.lifeline.internal;

import dev.lifeline.OperationInterruptedException;
import dev.lifeline.WebSocketOptions;
import dev.lifeline.protocol.CloseCode;
import dev.lifeline.protocol.CloseStatus;
import dev.lifeline.protocol.Protocol;
import dev.lifeline.protocol.State;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A connection's closing handshake and its bounds: {@code close()} waits for the peer's answer at most
 * {@code closeTimeout} plus a second, a handshake not done within {@code closeTimeout} drops TCP, and a connection
 * failed for a dead peer spends at most {@link #FAIL_WRITE_GRACE} on its Close frame. Dropping TCP is
 * {@link ProtocolGuard#abort()}.
 */
final class Closing {
    /** How long a connection being failed may spend writing its Close frame before TCP is dropped. */
    private static final Duration FAIL_WRITE_GRACE = Duration.ofSeconds(1);

    private final ProtocolGuard guard;
    private final Protocol protocol;
    private final Outgoing outgoing;
    /** The connection's timers, where its closing bounds are timed. */
    private final Timers timers;
    private final WebSocketOptions options;
    /** The connection's {@code closed()}, completed once it is CLOSED. */
    private final CompletableFuture<CloseStatus> closed;
    /** Drops TCP when the closing handshake takes too long. Guarded by the connection's lock. */
    private Timers.Task closeTimer;
    /** Sends a held violation's Close if the application's answers take too long. Guarded by the connection's lock. */
    private Timers.Task heldFailureTimer;

    Closing(ProtocolGuard guard, Protocol protocol, Outgoing outgoing, Timers timers, WebSocketOptions options,
            CompletableFuture<CloseStatus> closed) {
        this.guard = guard;
        this.protocol = protocol;
        this.outgoing = outgoing;
        this.timers = timers;
        this.options = options;
        this.closed = closed;
    }

    /**
     * Sends a Close frame (if the connection is open) and waits for the closing handshake, bounded, unless
     * {@code inListener}: the caller is the reader, in the listener, which reads the peer's answer once it returns.
     */
    void close(CloseCode code, String reason, boolean inListener) {
        boolean sent = false;
        guard.lock.lock();
        try {
            if (protocol.state() == State.OPEN) {
                protocol.sendClose(code, reason);
                guard.afterProtocolLocked();
                sent = true;
            }
        } finally {
            guard.lock.unlock();
        }
        if (sent) {
            guard.log(Level.DEBUG, "> CLOSE " + new CloseStatus(code, reason) + "; connection is CLOSING");
            // Written by a virtual thread so that a peer that does not read cannot hold close() past its bound.
            Thread.ofVirtual().name("lifeline-close-" + guard.id).start(() -> outgoing.flush(true));
        }
        if (inListener) {
            return; // called by the listener: this very thread reads the peer's answer once the listener returns
        }
        awaitClosed(options.closeTimeout().plusSeconds(1));
    }

    /**
     * Fails the connection now, for a dead peer (keepalive): sends a Close frame with {@code code} unless that
     * takes longer than {@link #FAIL_WRITE_GRACE}, and drops TCP. Call from a virtual thread.
     */
    void failAndDrop(CloseCode code, String reason) {
        guard.lock.lock();
        try {
            protocol.fail(code, reason);
            guard.afterProtocolLocked();
        } finally {
            guard.lock.unlock();
        }
        Thread writer = Thread.ofVirtual().name("lifeline-fail-" + guard.id).start(() -> outgoing.flush(true));
        try {
            writer.join(FAIL_WRITE_GRACE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        guard.abort();
        guard.log(Level.INFO, "failed the connection: " + reason + "; dropped TCP"); // after: logging may be slow
    }

    /**
     * After the protocol digested input or a send: releases the Close of a peer's violation once the application owes
     * no answer to the messages that arrived before it ({@link Protocol#holdFailureClose}), and bounds that wait by
     * {@code closeTimeout}; starts the close timer once the protocol waits for the peer's Close. Caller holds the
     * connection's lock.
     *
     * @param answersOwed whether the application still owes answers to messages that arrived (asked only while the
     *     protocol holds a violation's Close)
     */
    void afterProtocolLocked(boolean answersOwed) {
        assert guard.lock.isHeldByCurrentThread();
        if (protocol.failureCloseHeld()) {
            if (!answersOwed) {
                releaseHeldFailureLocked();
            } else if (heldFailureTimer == null) {
                heldFailureTimer = timers.after(this::heldFailureTimedOut, options.closeTimeout());
            }
        }
        if (protocol.closeExpected() && closeTimer == null && protocol.state() != State.CLOSED) {
            closeTimer = timers.after(this::closeTimedOut, options.closeTimeout());
        }
    }

    /**
     * Queues the Close of a peer's violation if the protocol holds it (the application has answered what came before
     * the violation); the caller writes it. Returns whether it did. Caller holds the connection's lock.
     */
    boolean releaseHeldFailureLocked() {
        assert guard.lock.isHeldByCurrentThread();
        if (!protocol.failureCloseHeld()) {
            return false;
        }
        protocol.releaseFailureClose();
        if (heldFailureTimer != null) {
            heldFailureTimer.cancel();
        }
        guard.afterProtocolLocked();
        return true;
    }

    /** Releases a held violation's Close and writes it; for the reader once its listener had the messages. */
    void releaseHeldFailure() {
        boolean released;
        guard.lock.lock();
        try {
            released = releaseHeldFailureLocked();
        } finally {
            guard.lock.unlock();
        }
        if (released) {
            outgoing.flush(true);
        }
    }

    /** On the timer thread: the application did not come back for more within closeTimeout; close anyway. */
    private void heldFailureTimedOut() {
        Thread.ofVirtual().name("lifeline-fail-" + guard.id).start(this::releaseHeldFailure);
    }

    /** The connection is CLOSED: no more timeout. Caller holds the connection's lock. */
    void finishedLocked() {
        assert guard.lock.isHeldByCurrentThread();
        if (closeTimer != null) {
            closeTimer.cancel();
        }
        if (heldFailureTimer != null) {
            heldFailureTimer.cancel();
        }
    }

    /** On the timer thread: hands the drop to a virtual thread, since closing may run user callbacks. */
    private void closeTimedOut() {
        if (!closed.isDone()) {
            guard.log(Level.DEBUG,
                    "closing handshake timed out after " + options.closeTimeout() + "; dropping TCP");
            Thread.ofVirtual().name("lifeline-close-timeout-" + guard.id).start(guard::abort);
        }
    }

    private void awaitClosed(Duration bound) {
        try {
            closed.get(bound.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            guard.abort();
            closed.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OperationInterruptedException("interrupted while waiting for the closing handshake; it goes on,"
                    + " bounded by closeTimeout", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("closed() never completes exceptionally", e);
        }
    }
}
