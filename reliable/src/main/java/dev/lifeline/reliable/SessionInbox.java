package dev.lifeline.reliable;

import dev.lifeline.ConcurrencyException;
import dev.lifeline.Message;
import dev.lifeline.MessageIterator;
import dev.lifeline.OperationInterruptedException;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Received messages waiting for the application, bounded by count and bytes, read by one thread at a time.
 * Guarded by its session's lock: {@link #add} and {@link #isFull} run with it held, {@link #take} takes it.
 */
final class SessionInbox {
    private final ReentrantLock lock;
    private final Condition changed;
    private final ReliableOptions options;
    private final ArrayDeque<Message> messages = new ArrayDeque<>();
    private long bytes;
    private Thread receiver;

    /** @param changed the session's condition, signalled when a message arrives or the session ends */
    SessionInbox(ReentrantLock lock, Condition changed, ReliableOptions options) {
        this.lock = lock;
        this.changed = changed;
        this.options = options;
    }

    void add(Message message) {
        messages.add(message);
        bytes += message.size();
    }

    int size() {
        return messages.size();
    }

    /** At or beyond its bounds: the session stops reading its connection. */
    boolean isFull() {
        return messages.size() >= options.inboxMessages() || bytes >= options.inboxBytes();
    }

    /**
     * Waits for the next message, forever when {@code timeoutNanos} is negative; empty if none came in time.
     *
     * @param ended why the session ended, or null while it lives (read under the lock)
     * @throws SessionClosedException once the session has ended and the inbox is empty
     * @throws ConcurrencyException if another thread is waiting already
     */
    Optional<Message> take(long timeoutNanos, Supplier<CloseReason> ended) {
        lock.lock();
        try {
            if (receiver != null) {
                throw new ConcurrencyException("receive() is already being called by " + receiver);
            }
            receiver = Thread.currentThread();
            try {
                long remaining = timeoutNanos;
                while (messages.isEmpty()) {
                    CloseReason reason = ended.get();
                    if (reason != null) {
                        throw new SessionClosedException(reason);
                    }
                    if (timeoutNanos < 0) {
                        changed.await();
                    } else if (remaining <= 0) {
                        return Optional.empty();
                    } else {
                        remaining = changed.awaitNanos(remaining);
                    }
                }
                Message message = messages.poll();
                bytes -= message.size();
                changed.signalAll();
                return Optional.of(message);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new OperationInterruptedException("interrupted while waiting for a message", e);
            } finally {
                receiver = null;
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The messages {@code receive} returns until the session ends: quietly when either side closed it, with
     * {@link SessionClosedException} when it ended otherwise.
     */
    static Iterator<Message> untilClosed(Supplier<Message> receive) {
        return new MessageIterator(receive, e -> e instanceof SessionClosedException closed
                && (closed.reason().kind() == CloseReason.Kind.CLOSED
                        || closed.reason().kind() == CloseReason.Kind.CLOSED_BY_PEER));
    }
}
