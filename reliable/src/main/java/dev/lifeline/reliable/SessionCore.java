package dev.lifeline.reliable;

import dev.lifeline.Message;
import dev.lifeline.OperationInterruptedException;
import dev.lifeline.WebSocket;
import dev.lifeline.protocol.ProtocolException;
import dev.lifeline.protocol.State;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * The state of one reliable session and the lock that guards it: the {@link Session}, its {@link SessionInbox} and
 * {@link PendingSends}, the connection attached now, the end, and the {@link Journaling} of a journaled session.
 * Every change of that state is a method here, and each takes {@link #lock} itself; {@link Endpoint} (the API and
 * the session's lifecycle), {@link SessionReader} and {@link SessionWriter} (the connection's two loops) own no
 * state of their own.
 *
 * <p>Threads: any (the application's, the session's reader and writer, a store's save callbacks). The lock is never
 * held while a socket is read or written, nor while a future completes: what completes is handed to the session's
 * {@link Completer} after unlocking. Lock order (package-info): this lock comes before a connection's; the only
 * calls into a connection under it are {@code ws.state()}, which takes the connection's lock briefly.
 */
final class SessionCore {
    private final String id;
    private final ReliableOptions options;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when the inbox, the outbox or the end change: for the application's threads and the reader. */
    private final Condition changed = lock.newCondition();
    /** Signalled when the writer may have something to write, or its connection was replaced. */
    private final Condition writable = lock.newCondition();
    /** Told (without the lock) when a save of a journaled session failed: the session ends on this node. */
    private final Consumer<Throwable> saveFailed;

    private Session session;
    private final PendingSends pending;
    private final SessionInbox inbox;
    private WebSocket current;
    private CloseReason ended;
    private long detachedAt = System.nanoTime();
    /** Saves the session in a shared store (server sessions in one only); null when nothing is saved. */
    private Journaling journaling;

    SessionCore(String id, ReliableOptions options, Consumer<Throwable> saveFailed) {
        this.id = id;
        this.options = options;
        this.saveFailed = saveFailed;
        this.inbox = new SessionInbox(lock, changed, options);
        this.session = new Session(options);
        this.pending = new PendingSends(this::signalChanged, options.metrics(),
                new Completer("lifeline-reliable-completer-" + id));
    }

    // ------------------------------------------------------------------ the application's side

    /**
     * Puts {@code message} in the outbox, waiting at most {@code timeoutNanos} for room, and wakes the writer.
     *
     * @throws SessionClosedException if the session has ended
     * @throws OutboxFullException if there was no room in time
     */
    SendFuture enqueue(Message message, long timeoutNanos) {
        lock.lock();
        try {
            long remaining = timeoutNanos;
            OptionalLong seq;
            while (true) {
                if (ended != null) {
                    throw new SessionClosedException(ended);
                }
                seq = session.offer(message);
                if (seq.isPresent()) {
                    break;
                }
                if (remaining <= 0) {
                    throw new OutboxFullException("outbox still full after " + Duration.ofNanos(timeoutNanos) + ": "
                            + session.outboxSize() + " unacknowledged messages, " + session.outboxBytes() + " bytes");
                }
                remaining = changed.awaitNanos(remaining);
            }
            SendFuture future = new SendFuture();
            pending.add(seq.getAsLong(), future);
            options.metrics().outboxDepth(session.outboxSize());
            if (journaling != null) {
                journaling.sent(message);
            }
            writable.signalAll();
            return future;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OperationInterruptedException("interrupted while waiting for room in the outbox", e);
        } finally {
            lock.unlock();
        }
    }

    /** Takes the next message from the inbox (see {@link SessionInbox#take}); journaled, hands it out as handled. */
    Optional<Message> take(long timeoutNanos) {
        if (journaling == null) {
            return inbox.take(timeoutNanos, () -> ended);
        }
        commitHandled();
        Optional<Message> next = inbox.take(timeoutNanos, () -> ended);
        if (next.isPresent()) {
            locked(() -> journaling.handing());
        }
        return next;
    }

    /**
     * Journaled: commits the handling of the message this thread received last, with the sends made meanwhile
     * (see {@link SessionJournal}); nothing if this thread is not handling one.
     */
    void commitHandled() {
        locked(() -> {
            if (journaling != null) {
                journaling.handled();
            }
        });
    }

    int outboxSize() {
        return locked(() -> session.outboxSize());
    }

    long outboxBytes() {
        return locked(() -> session.outboxBytes());
    }

    Optional<CloseReason> closeReason() {
        return Optional.ofNullable(locked(() -> ended));
    }

    long lastReceived() {
        return locked(() -> session.lastReceived());
    }

    Optional<WebSocket> current() {
        return Optional.ofNullable(locked(() -> current));
    }

    Optional<Thread> completerThread() {
        return pending.completerThread();
    }

    private <T> T locked(Supplier<T> read) {
        lock.lock();
        try {
            return read.get();
        } finally {
            lock.unlock();
        }
    }

    private void locked(Runnable change) {
        locked(() -> {
            change.run();
            return null;
        });
    }

    // ------------------------------------------------------------------ connections come and go

    /** What {@link #attach} did: the connection it replaced (to abort), the greeting to write first (or null). */
    record Attached(Optional<WebSocket> replaced, byte[] first) {
    }

    /**
     * Makes {@code ws} the current connection and resumes the session from {@code peerLastReceived}: the outbox is
     * replayed from there, and the sends the peer acknowledged by it complete.
     *
     * @throws ProtocolException if {@code peerLastReceived} contradicts the session (nothing changes then)
     * @throws SessionClosedException if the session has ended
     */
    Attached attach(WebSocket ws, long peerLastReceived, LongFunction<Envelope> greeting) {
        WebSocket replaced;
        byte[] first;
        List<PendingSends.Pending> done;
        lock.lock();
        try {
            if (ended != null) {
                throw new SessionClosedException(ended);
            }
            session.checkResume(peerLastReceived);
            replaced = current;
            session.detach();
            session.resume(peerLastReceived);
            if (session.outboxSize() > 0) {
                options.metrics().resent(session.outboxSize());
            }
            if (journaling != null) {
                // the handshake acknowledged what the peer received: saved like any acknowledgement, or the store
                // would keep (and a node resuming from it would count) messages the outbox here no longer holds
                journaling.acknowledged(session.acknowledged());
            }
            current = ws;
            writable.signalAll();
            first = greeting == null ? null : greeting.apply(session.acknowledgeable()).encode();
            done = pending.takeThrough(session.acknowledged());
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        pending.complete(done);
        return new Attached(Optional.ofNullable(replaced), first);
    }

    /** The connection ended: detaches it if it is still the current one (false after a takeover). */
    boolean detach(WebSocket ws) {
        lock.lock();
        try {
            if (current != ws) {
                return false;
            }
            current = null;
            detachedAt = System.nanoTime();
            session.detach();
            writable.signalAll();
            changed.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Since when (on the {@link System#nanoTime()} scale) no connection has been attached; empty while one is. */
    OptionalLong detachedSince() {
        return locked(() -> current == null && ended == null ? OptionalLong.of(detachedAt) : OptionalLong.empty());
    }

    /** Wakes the threads waiting on the session's state (a connection closed, futures completed). */
    void signalChanged() {
        locked(changed::signalAll);
    }

    // ------------------------------------------------------------------ the end

    /** How the session ended: the connection that was attached (to close), the sends to {@link #fail}. */
    record Ending(CloseReason reason, Optional<WebSocket> ws, List<PendingSends.Pending> failed,
            List<Message> messages) {
    }

    /** Ends the session; empty if it had ended already. */
    Optional<Ending> end(CloseReason reason) {
        return locked(() -> endLocked(reason));
    }

    /**
     * Ends the session if no connection has been attached for {@code idle} or longer, checked atomically with the
     * end (a connection attaching at the same moment wins, or finds the session ended); empty if it did not end.
     */
    Optional<Ending> endIfDetachedFor(Duration idle, CloseReason reason) {
        return locked(() -> current != null || ended != null || System.nanoTime() - detachedAt < idle.toNanos()
                ? Optional.empty() : endLocked(reason));
    }

    private Optional<Ending> endLocked(CloseReason reason) {
        assert lock.isHeldByCurrentThread();
        if (ended != null) {
            return Optional.empty();
        }
        ended = reason;
        WebSocket ws = current;
        current = null;
        session.detach();
        List<PendingSends.Pending> failed = pending.takeAll();
        List<Message> unacknowledged = session.unacknowledged();
        // a restored session's first messages were sent by another node: no future of this one waits for them
        Ending ending = new Ending(reason, Optional.ofNullable(ws), failed,
                unacknowledged.subList(unacknowledged.size() - failed.size(), unacknowledged.size()));
        writable.signalAll();
        changed.signalAll();
        return Optional.of(ending);
    }

    /** Fails the sends the session ended with, on the completer. Called without the lock. */
    void fail(Ending ending) {
        pending.fail(ending.failed(), ending.messages(), ending.reason());
    }

    /**
     * Starts a fresh session in place of this one; its sends not acknowledged fail and are returned, in order.
     * Journaled ({@code forget} not null), {@code forget} runs under the lock, before any save of the new session
     * can be made.
     */
    List<Message> renew(CloseReason reason, Runnable forget) {
        List<PendingSends.Pending> failed;
        List<Message> messages;
        lock.lock();
        try {
            messages = session.unacknowledged();
            failed = pending.takeAll();
            if (journaling == null) {
                session = new Session(options);
            } else {
                forget.run();
                session = new Session(options, true);
                journaling = journaling(journaling.journal(), new SessionState(1, 0, 0, 0, List.of(), List.of()));
                journaling.handOutside(inbox.size());
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        // a restored session's first messages were sent by an earlier process: no future of this one waits for them
        pending.fail(failed, messages.subList(messages.size() - failed.size(), messages.size()), reason);
        return messages;
    }

    /**
     * Waits at most {@code timeout} until the peer has acknowledged everything sent and a connection is attached
     * (through which to tell it the session is over); true if both happened.
     */
    boolean awaitSettled(Duration timeout) {
        await(() -> ended != null || session.outboxSize() == 0 && pending.allSettledOrCompleting() && current != null,
                timeout);
        return locked(() -> ended == null && session.outboxSize() == 0 && current != null);
    }

    /** Waits at most {@code timeout} until every send future taken out of the pending ones has completed. */
    void awaitFuturesCompleted(Duration timeout) {
        await(pending::allSettledOrCompleting, timeout);
    }

    /** Waits at most {@code timeout} for a condition on the guarded state; whether it holds. */
    private boolean await(BooleanSupplier condition, Duration timeout) {
        long remaining = timeout.toNanos();
        lock.lock();
        try {
            while (!condition.getAsBoolean() && remaining > 0) {
                remaining = changed.awaitNanos(remaining);
            }
            return condition.getAsBoolean();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** The ACK of everything received, if one is owed, and the connection attached now to carry it. */
    record FinalAck(WebSocket ws, Envelope.Ack ack) {
    }

    Optional<FinalAck> finalAck() {
        return locked(() -> {
            Optional<Envelope.Ack> ack = session.ackNow();
            return current != null && ack.isPresent() ? Optional.of(new FinalAck(current, ack.get()))
                    : Optional.empty();
        });
    }

    // ------------------------------------------------------------------ journaling (shared stores)

    /** Saves this new session's changes from now on: a store calls it before the session is attached. */
    void journalTo(SessionJournal journal) {
        locked(() -> {
            session = new Session(options, true);
            journaling = journaling(journal, new SessionState(1, 0, 0, 0, List.of(), List.of()));
        });
    }

    /** Takes over a session as its journal saved it; its unconsumed messages await the application. */
    void restore(SessionState state, SessionJournal journal) {
        locked(() -> {
            session = new Session(options, state);
            journaling = journaling(journal, state);
            state.unconsumed().forEach(m -> inbox.add(m.message()));
        });
    }

    /** A journaling whose callbacks act only while it is the session's (a renewed session has a new one). */
    private Journaling journaling(SessionJournal journal, SessionState state) {
        Journaling[] self = new Journaling[1];
        self[0] = new Journaling(journal, state, options.inboxMessages(), seq -> savedThrough(self[0], seq),
                seq -> receivedSavedThrough(self[0], seq), saveFailed);
        return self[0];
    }

    /** The store saved the messages sent through {@code seq}: the writer may transmit them. */
    private void savedThrough(Journaling saved, long seq) {
        List<PendingSends.Pending> persisted;
        lock.lock();
        try {
            if (journaling != saved) {
                return;
            }
            session.savedThrough(seq);
            journaling.committed();
            persisted = pending.persistedThrough(seq);
            writable.signalAll();
        } finally {
            lock.unlock();
        }
        pending.persist(persisted);
    }

    /** The store saved what was received through {@code seq}: it may be acknowledged and handed on. */
    private void receivedSavedThrough(Journaling saved, long seq) {
        lock.lock();
        try {
            if (journaling != saved) {
                return;
            }
            session.receivedSavedThrough(seq);
            journaling.unsavedThrough(seq).forEach(inbox::add);
            journaling.receivedSaved();
            writable.signalAll();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ for the reader and the writer

    /**
     * Inbound backpressure: waits while the inbox is full and {@code ws} is open; false once {@code ws} is no longer
     * the current connection. Asks {@code ws.state()} under this lock (the lock order allows it).
     */
    boolean awaitInboxRoom(WebSocket ws) {
        lock.lock();
        try {
            // ws.state() takes the connection's lock under this one: the order package-info allows, never the reverse
            while (current == ws && inboxFull() && ws.state() != State.CLOSED) {
                changed.awaitUninterruptibly();
            }
            return current == ws;
        } finally {
            lock.unlock();
        }
    }

    /** The inbox, or a journaled session's messages waiting to be saved, are at their bounds. */
    boolean inboxFull() {
        return locked(() -> inbox.isFull() || journaling != null && journaling.unsavedFull());
    }

    /**
     * Feeds an envelope {@code ws} carried to the session: its message goes to the inbox (journaled: to the journal
     * first), and the sends it acknowledges complete. False, and nothing changes, if {@code ws} is no longer the
     * current connection.
     *
     * @throws ProtocolException if the envelope breaks the reliable protocol
     */
    boolean received(WebSocket ws, Envelope envelope) {
        List<PendingSends.Pending> done;
        lock.lock();
        try {
            if (current != ws) {
                return false;
            }
            Session.Received received = session.receive(envelope, System.nanoTime());
            if (journaling == null) {
                received.delivery().ifPresent(m -> {
                    inbox.add(m);
                    writable.signalAll();
                });
            } else {
                received.delivery().ifPresent(m -> journaling.received(session.lastReceived(), m));
                journaling.acknowledged(received.acknowledged());
            }
            done = pending.takeThrough(received.acknowledged());
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        pending.complete(done);
        return true;
    }

    /**
     * Waits for envelopes to write on {@code ws}, at most {@code max}: DATA to send or replay, an ACK that is due,
     * waking when the {@link AckSchedule} says one will be; empty once {@code ws} is no longer the current connection.
     */
    List<Envelope> awaitBatch(WebSocket ws, int max) throws InterruptedException {
        lock.lock();
        try {
            while (current == ws) {
                long now = System.nanoTime();
                List<Envelope> batch = session.poll(now, max);
                if (!batch.isEmpty()) {
                    return batch;
                }
                if (session.ackSchedule(now) instanceof AckSchedule.At at) {
                    writable.awaitNanos(Math.max(1, at.nanos() - now));
                } else {
                    writable.await();
                }
            }
            return List.of();
        } finally {
            lock.unlock();
        }
    }

    void log(Level level, String message) {
        if (Endpoint.LOG.isLoggable(level)) {
            Endpoint.LOG.log(level, "[" + id + "] " + message);
        }
    }
}
