package dev.lifeline.internal;

import dev.lifeline.ConcurrencyException;
import dev.lifeline.Message;
import dev.lifeline.MessageIterator;
import dev.lifeline.OperationInterruptedException;
import dev.lifeline.WebSocketOptions;
import dev.lifeline.protocol.ConnectionClosedOkException;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Optional;

/**
 * The messages a connection received that the application has not taken yet, taken by one receiver at a time.
 * Bounded: past {@code maxQueue} messages or {@code maxQueueBytes} the connection's reader stops reading (see
 * {@link Reader}). Guarded by the connection's lock, like {@link Outgoing} and {@link Pings}; {@link #take}
 * takes the lock itself.
 */
final class Inbox {
    private final ProtocolGuard guard;
    private final Outgoing outgoing;
    private final Closing closing;
    private final WebSocketOptions options;
    /**
     * Made on the first message: a connection whose messages go to a listener never has one here. Guarded by the
     * connection's lock.
     */
    private ArrayDeque<Message> messages;
    private long bytes;
    private Thread receiver;
    /** The thread that took the last message: the one whose sends may be deferred while more messages wait. */
    private Thread lastReceiver;

    Inbox(ProtocolGuard guard, Outgoing outgoing, Closing closing, WebSocketOptions options) {
        this.guard = guard;
        this.outgoing = outgoing;
        this.closing = closing;
        this.options = options;
    }

    /** More than {@code maxQueue} messages, or more than {@code maxQueueBytes}, wait to be taken. */
    boolean overLimitLocked() {
        assert guard.lock.isHeldByCurrentThread();
        return countLocked() > options.maxQueue() || bytes > options.maxQueueBytes();
    }

    /**
     * Adds a message. While the connection is closing the reader must go on reading to find the peer's Close, so
     * then a message that finds the queue full is dropped rather than kept.
     */
    void addLocked(Message message, boolean open) {
        assert guard.lock.isHeldByCurrentThread();
        if (!open && countLocked() >= options.maxQueue()) {
            guard.log(Level.DEBUG, "dropping a message received while closing with a full queue: " + message);
            return;
        }
        if (messages == null) {
            messages = new ArrayDeque<>(4);
        }
        messages.add(message);
        bytes += message.size();
    }

    /** How many messages wait to be taken. Caller holds the lock. */
    private int countLocked() {
        return messages == null ? 0 : messages.size();
    }

    /** Whether {@code thread} took the last message and more are waiting for it. Caller holds the lock. */
    boolean moreForLocked(Thread thread) {
        assert guard.lock.isHeldByCurrentThread();
        return thread == lastReceiver && countLocked() > 0;
    }

    /**
     * Whether the application owes answers to received messages: some wait here, or the thread that took the last
     * one has not come back for more. Caller holds the lock.
     */
    boolean owedLocked() {
        assert guard.lock.isHeldByCurrentThread();
        return countLocked() > 0 || receiver == null && lastReceiver != null;
    }

    /**
     * Waits for the next message, at most {@code timeoutNanos} (forever when negative).
     *
     * @throws dev.lifeline.protocol.ConnectionClosedException when no message is left and none can come
     * @throws ConcurrencyException when another thread is already waiting
     * @throws OperationInterruptedException when the thread is interrupted while it waits (no message is taken)
     */
    Optional<Message> take(long timeoutNanos) {
        guard.lock.lock();
        try {
            if (receiver != null) {
                throw new ConcurrencyException("receive() is already being called by " + receiver);
            }
            receiver = Thread.currentThread();
            try {
                long remaining = timeoutNanos;
                while (countLocked() == 0) {
                    if (outgoing.deferredLocked() || closing.releaseHeldFailureLocked()) {
                        // Flush before blocking: the replies to the messages just handled go out in one write; then
                        // the Close of a violation the peer committed behind those messages, if one waits for them.
                        guard.lock.unlock();
                        try {
                            outgoing.flush(true);
                        } finally {
                            guard.lock.lock();
                        }
                        continue;
                    }
                    if (guard.inputEndedLocked()) {
                        throw guard.closedExceptionLocked();
                    }
                    if (timeoutNanos < 0) {
                        guard.changed.await();
                    } else if (remaining <= 0) {
                        return Optional.empty();
                    } else {
                        remaining = guard.changed.awaitNanos(remaining);
                    }
                }
                Message message = messages.poll();
                bytes -= message.size();
                lastReceiver = receiver;
                guard.changed.signalAll();
                return Optional.of(message);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new OperationInterruptedException("interrupted while waiting for a message", e);
            } finally {
                receiver = null;
            }
        } finally {
            guard.lock.unlock();
        }
    }

    /** The messages until the connection closes: ends after a normal close, throws after any other. */
    Iterator<Message> iterator() {
        return new MessageIterator(() -> take(-1).orElseThrow(), e -> e instanceof ConnectionClosedOkException);
    }
}
