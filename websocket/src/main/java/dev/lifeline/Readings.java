package dev.lifeline;

import dev.lifeline.protocol.ConnectionClosedException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What {@link ReconnectingWebSocket#receive()} reads: its connections in the order they opened, each until every
 * message it received has been returned, then the next. A connection's own inbox holds its messages (bounded by
 * {@code maxQueue}); at most {@value #MAX_UNREAD} connections wait here, so a client nobody reads from lets the
 * oldest go (logged) rather than hold every connection it ever had.
 *
 * <p>The client's thread calls {@link #add} and {@link #end}; one receiving thread at a time calls {@link #next}
 * (a second gets {@link ConcurrencyException}).
 */
final class Readings {
    static final int MAX_UNREAD = 4;
    private static final System.Logger LOG = System.getLogger("dev.lifeline.ReconnectingWebSocket");

    private final String id;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final AtomicReference<Thread> receiver = new AtomicReference<>();
    /** Oldest first; guarded by {@link #lock}. */
    private final ArrayDeque<WebSocket> unread = new ArrayDeque<>();
    /** What {@link #next} throws once nothing is left to read and no connection will come; guarded by the lock. */
    private Supplier<ConnectionClosedException> ended;

    Readings(String id) {
        this.id = id;
    }

    /** A connection opened: read it after those before it. */
    void add(WebSocket ws) {
        lock.lock();
        try {
            unread.addLast(ws);
            while (unread.size() > MAX_UNREAD) {
                WebSocket dropped = unread.removeFirst();
                LOG.log(Level.WARNING, "[" + id + "] nobody read connection " + dropped.id() + " during "
                        + MAX_UNREAD + " reconnections; its unread messages are let go");
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** No connection will come any more: once the others are read, {@link #next} throws what {@code end} gives. */
    void end(Supplier<ConnectionClosedException> end) {
        lock.lock();
        try {
            ended = end;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The next message; empty if {@code timeout} (null: none) passed first. */
    Optional<Message> next(Duration timeout) {
        if (!receiver.compareAndSet(null, Thread.currentThread())) {
            throw new ConcurrencyException("another thread is receiving from " + id);
        }
        try {
            long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
            while (true) {
                Optional<WebSocket> ws = oldest(deadline, timeout != null);
                if (ws.isEmpty()) {
                    return Optional.empty();
                }
                try {
                    return timeout == null ? Optional.of(ws.get().receive())
                            : ws.get().receive(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
                } catch (ConnectionClosedException e) {
                    remove(ws.get()); // every message it received has been returned
                }
            }
        } finally {
            receiver.set(null);
        }
    }

    /**
     * The messages until no connection is left to read; then the loop ends quietly if {@code quiet} says so, and
     * throws the {@link #end} exception otherwise.
     */
    Iterator<Message> iterator(BooleanSupplier quiet) {
        return new MessageIterator(() -> next(null).orElseThrow(),
                e -> e instanceof ConnectionClosedException && quiet.getAsBoolean());
    }

    private void remove(WebSocket ws) {
        lock.lock();
        try {
            unread.remove(ws);
        } finally {
            lock.unlock();
        }
    }

    private Optional<WebSocket> oldest(long deadline, boolean timed) {
        lock.lock();
        try {
            while (unread.isEmpty()) {
                if (ended != null) {
                    throw ended.get();
                }
                long left = deadline - System.nanoTime();
                if (timed && left <= 0) {
                    return Optional.empty();
                }
                if (timed) {
                    changed.awaitNanos(left);
                } else {
                    changed.await();
                }
            }
            return Optional.of(unread.peekFirst());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OperationInterruptedException("interrupted while receiving from " + id, e);
        } finally {
            lock.unlock();
        }
    }
}
