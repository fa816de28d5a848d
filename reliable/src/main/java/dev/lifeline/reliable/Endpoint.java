package dev.lifeline.reliable;

import dev.lifeline.Message;
import dev.lifeline.OperationInterruptedException;
import dev.lifeline.WebSocket;
import dev.lifeline.protocol.CloseCode;
import dev.lifeline.protocol.ConnectionClosedException;
import dev.lifeline.protocol.ProtocolException;
import dev.lifeline.protocol.State;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * A {@link Session} wired to one connection after another: the lock that serialises it, its {@link SessionInbox} and
 * {@link PendingSends}, a writer thread per connection and the read loop. What differs between client and server
 * (the resume handshake, reconnecting, expiry) lives in the subclasses.
 *
 * <p>Locking: {@link #lock} guards the session, the inbox, the pending sends and the current connection. It is
 * never held while a socket is read or written, nor while a future completes (futures complete on the session's
 * {@link Completer}).
 */
abstract sealed class Endpoint implements ReliableSession permits ReliableClient, ServerSession {
    static final System.Logger LOG = System.getLogger("dev.lifeline.reliable");
    /** Envelopes taken from the session per write round. */
    private static final int BATCH = 64;

    final String id;
    final ReliableOptions options;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when the inbox, the outbox or the end change: for the application's threads and the reader. */
    private final Condition changed = lock.newCondition();
    /** Signalled when the writer may have something to write, or its connection was replaced. */
    private final Condition writable = lock.newCondition();

    private Session session;
    private final PendingSends pending;
    private final SessionInbox inbox;
    private WebSocket current;
    private CloseReason ended;
    private long detachedAt = System.nanoTime();
    private final CompletableFuture<CloseReason> closed = new CompletableFuture<>();
    /** Saves the session in a shared store (server sessions in one only); null when nothing is saved. */
    private Journaling journaling;

    Endpoint(String id, ReliableOptions options) {
        this.id = id;
        this.options = Objects.requireNonNull(options, "options");
        this.inbox = new SessionInbox(lock, changed, options);
        this.session = new Session(options);
        this.pending = new PendingSends(this::signalChanged, options.metrics(),
                new Completer("lifeline-reliable-completer-" + id));
    }

    // ------------------------------------------------------------------ sending

    @Override
    public SendFuture send(String text) {
        return send(Message.text(text));
    }

    @Override
    public SendFuture send(byte[] data) {
        return send(Message.binary(data));
    }

    @Override
    public SendFuture send(Message message) {
        return enqueue(message, options.sendTimeout().toNanos());
    }

    @Override
    public SendFuture trySend(Message message) {
        try {
            return enqueue(message, 0);
        } catch (OutboxFullException | SessionClosedException e) {
            return SendFuture.failed(e);
        }
    }

    private SendFuture enqueue(Message message, long timeoutNanos) {
        Objects.requireNonNull(message, "message");
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

    // ------------------------------------------------------------------ receiving

    @Override
    public Message receive() {
        return receive(-1).orElseThrow();
    }

    @Override
    public Optional<Message> receive(Duration timeout) {
        return receive(Math.max(0, timeout.toNanos()));
    }

    private Optional<Message> receive(long timeoutNanos) {
        if (journaling == null) {
            return inbox.take(timeoutNanos, () -> ended);
        }
        commitHandled();
        Optional<Message> next = inbox.take(timeoutNanos, () -> ended);
        if (next.isPresent()) {
            lock.lock();
            try {
                journaling.handing();
            } finally {
                lock.unlock();
            }
        }
        return next;
    }

    /**
     * Journaled: commits the handling of the message this thread received last, with the sends made meanwhile
     * (see {@link SessionJournal}); nothing if this thread is not handling one.
     */
    void commitHandled() {
        lock.lock();
        try {
            if (journaling != null) {
                journaling.handled();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Iterator<Message> iterator() {
        return SessionInbox.untilClosed(this::receive);
    }

    // ------------------------------------------------------------------ state

    @Override
    public int outboxSize() {
        return locked(() -> session.outboxSize());
    }

    @Override
    public long outboxBytes() {
        return locked(() -> session.outboxBytes());
    }

    @Override
    public CompletableFuture<CloseReason> closed() {
        return closed.copy();
    }

    @Override
    public Optional<CloseReason> closeReason() {
        return Optional.ofNullable(locked(() -> ended));
    }

    /** The last sequence number received in order, for the resume handshake. */
    long lastReceived() {
        return locked(() -> session.lastReceived());
    }

    /** The connection attached now. */
    Optional<WebSocket> currentConnection() {
        return Optional.ofNullable(locked(() -> current));
    }

    /** The thread completing this session's send futures, if one runs now: for tests. */
    Optional<Thread> completerThread() {
        return pending.completerThread();
    }

    boolean isEnded() {
        return closeReason().isPresent();
    }

    private <T> T locked(Supplier<T> read) {
        lock.lock();
        try {
            return read.get();
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ connections

    /**
     * Attaches a connection once the resume handshake is done: replaces (and aborts) the current one, resumes
     * the session from {@code peerLastReceived}, and starts the writer, which first writes the envelope that
     * {@code greeting} builds from the session (the server's WELCOME; null on the client).
     *
     * @throws ProtocolException if {@code peerLastReceived} contradicts the session (nothing is attached then)
     * @throws SessionClosedException if the session has ended
     */
    void attach(WebSocket ws, long peerLastReceived, LongFunction<Envelope> greeting) {
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
        if (replaced != null) {
            log(Level.DEBUG, "connection " + ws.id() + " takes over from " + replaced.id());
            replaced.abort();
        }
        pending.complete(done);
        ws.closed().thenRun(this::signalChanged);
        Thread.ofVirtual().name("lifeline-reliable-writer-" + id).start(() -> write(ws, first));
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
        lock.lock();
        try {
            return current == null && ended == null ? OptionalLong.of(detachedAt) : OptionalLong.empty();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Ends the session for good: pending sends fail with {@link UnacknowledgedException}, {@code receive} throws once
     * the inbox is empty, {@link #closed()} completes.
     *
     * @return the connection that was attached, for the caller to close; empty if none (or already ended)
     */
    Optional<WebSocket> end(CloseReason reason) {
        lock.lock();
        Ending ending;
        try {
            ending = endLocked(reason);
        } finally {
            lock.unlock();
        }
        return finish(ending);
    }

    /**
     * Ends the session if no connection has been attached for {@code idle} or longer, checked atomically with the
     * end (a connection attaching at the same moment wins, or finds the session ended).
     */
    boolean endIfDetachedFor(Duration idle, CloseReason reason) {
        return endIfDetachedFor(idle, reason, () -> { });
    }

    /**
     * Like {@link #endIfDetachedFor(Duration, CloseReason)}, running {@code onEnded} (without the lock) once the
     * session has ended, before its futures fail and {@code closed()} completes: what it records is there for
     * whoever waits on those.
     */
    boolean endIfDetachedFor(Duration idle, CloseReason reason, Runnable onEnded) {
        lock.lock();
        Ending ending;
        try {
            if (current != null || ended != null || System.nanoTime() - detachedAt < idle.toNanos()) {
                return false;
            }
            ending = endLocked(reason);
        } finally {
            lock.unlock();
        }
        onEnded.run();
        finish(ending);
        return true;
    }

    private record Ending(CloseReason reason, WebSocket ws, List<PendingSends.Pending> failed,
            List<Message> messages) {
    }

    private Ending endLocked(CloseReason reason) {
        if (ended != null) {
            return null;
        }
        ended = reason;
        WebSocket ws = current;
        current = null;
        session.detach();
        List<PendingSends.Pending> failed = pending.takeAll();
        List<Message> unacknowledged = session.unacknowledged();
        // a restored session's first messages were sent by another node: no future of this one waits for them
        Ending ending = new Ending(reason, ws, failed,
                unacknowledged.subList(unacknowledged.size() - failed.size(), unacknowledged.size()));
        writable.signalAll();
        changed.signalAll();
        return ending;
    }

    private Optional<WebSocket> finish(Ending ending) {
        if (ending == null) {
            return Optional.empty();
        }
        log(Level.DEBUG, "session ended: " + ending.reason() + "; " + ending.failed().size() + " unacknowledged");
        pending.fail(ending.failed(), ending.messages(), ending.reason());
        closed.complete(ending.reason());
        return Optional.ofNullable(ending.ws());
    }

    /**
     * Starts a fresh session in place of this one (the server no longer had it): the sends not acknowledged fail
     * with {@link UnacknowledgedException} and are returned, in order.
     */
    List<Message> renew(CloseReason reason) {
        return renew(reason, null);
    }

    /**
     * {@link #renew(CloseReason)} for a journaled session: {@code forget} runs under the lock, before any save of
     * the new session can be made (it asks the journal to forget the old one). The old session's messages still in
     * the inbox are handed to the application, outside the journal.
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
    private void awaitFuturesCompleted(Duration timeout) {
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

    /**
     * Ends the session from this side: waits at most {@code closeTimeout} for the peer to acknowledge what was sent
     * and for a connection (if there is none now), acknowledges what was received, then closes the connection
     * with 1000, which tells the peer the session is over.
     */
    void closeGracefully() {
        if (isEnded()) {
            return;
        }
        commitHandled();
        if (!awaitSettled(options.closeTimeout())) {
            log(Level.INFO, "closing after " + options.closeTimeout() + " with " + outboxSize()
                    + " messages unacknowledged" + (currentConnection().isEmpty() ? " and no connection" : ""));
        }
        WebSocket ws;
        Optional<Envelope.Ack> ack;
        lock.lock();
        try {
            ws = current;
            ack = session.ackNow();
        } finally {
            lock.unlock();
        }
        if (ws != null && ack.isPresent()) {
            try {
                ws.send(ack.get().encode());
            } catch (ConnectionClosedException e) {
                log(Level.DEBUG, "final ACK not sent: " + e.getMessage());
            }
        }
        closeNow();
        awaitFuturesCompleted(options.closeTimeout());
    }

    /** Ends the session from this side at once and closes its connection, if any, with 1000. */
    void closeNow() {
        end(CloseReason.of(CloseReason.Kind.CLOSED, "closed by the application"))
                .ifPresent(c -> c.close(CloseCode.NORMAL_CLOSURE, "session closed"));
    }

    // ------------------------------------------------------------------ journaling (shared stores)

    /** Saves this new session's changes from now on: a store calls it before the session is attached. */
    void journalTo(SessionJournal journal) {
        lock.lock();
        try {
            session = new Session(options, true);
            journaling = journaling(journal, new SessionState(1, 0, 0, 0, List.of(), List.of()));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes over a session as its journal saved it (another server node ran it, or an earlier process of this
     * client); its unconsumed messages await the application.
     */
    void restore(SessionState state, SessionJournal journal) {
        lock.lock();
        try {
            session = new Session(options, state);
            journaling = journaling(journal, state);
            state.unconsumed().forEach(m -> inbox.add(m.message()));
        } finally {
            lock.unlock();
        }
    }

    /** A journaling whose callbacks act only while it is the session's (a renewed session has a new one). */
    private Journaling journaling(SessionJournal journal, SessionState state) {
        Journaling[] self = new Journaling[1];
        self[0] = new Journaling(journal, state, options.inboxMessages(), seq -> savedThrough(self[0], seq),
                seq -> receivedSavedThrough(self[0], seq), this::saveFailed);
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

    /**
     * A save failed: this node's copy of the session ends (the store keeps the session as last saved) and its
     * connection is closed with a code that makes the client come back, to wherever the session now lives.
     */
    private void saveFailed(Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        boolean moved = cause instanceof SessionMovedException;
        CloseReason reason = CloseReason.of(moved ? CloseReason.Kind.MOVED : CloseReason.Kind.STORE_FAILED,
                String.valueOf(cause.getMessage()));
        Thread.ofVirtual().name("lifeline-reliable-save-failed-" + id).start(() -> {
            log(moved ? Level.DEBUG : Level.WARNING, "ends on this node: " + reason);
            end(reason).ifPresent(ws -> ws.close(moved ? CloseCode.SERVICE_RESTART : CloseCode.TRY_AGAIN_LATER,
                    Wire.truncate(reason.detail())));
        });
    }

    // ------------------------------------------------------------------ the connection's two loops

    /** Writes the connection's envelopes until it is replaced, detached or closed. Runs on its own thread. */
    private void write(WebSocket ws, byte[] first) {
        try {
            if (first != null) {
                ws.send(first);
            }
            while (true) {
                List<Envelope> batch = nextBatch(ws);
                if (batch.isEmpty()) {
                    return;
                }
                for (Envelope e : batch) {
                    ws.send(e.encode());
                }
            }
        } catch (ConnectionClosedException e) {
            log(Level.TRACE, "writer of " + ws.id() + " stops: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits for envelopes to write on {@code ws}; empty once it is no longer the current connection. */
    private List<Envelope> nextBatch(WebSocket ws) throws InterruptedException {
        lock.lock();
        try {
            while (current == ws) {
                long now = System.nanoTime();
                List<Envelope> batch = session.poll(now, BATCH);
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

    /**
     * Reads the connection until it ends, feeding its envelopes to the session. A violation of the reliable
     * protocol closes the connection with the code it carries.
     *
     * @return how the connection ended; empty if it was replaced by another (a takeover)
     */
    Optional<ConnectionClosedException> read(WebSocket ws) {
        try {
            while (awaitInboxRoom(ws)) {
                if (ws.state() == State.CLOSED && inboxFull()) {
                    // What the dead connection still holds was never acknowledged: the peer resends it.
                    return ws.closedException();
                }
                Envelope envelope = Wire.decode(ws.receive());
                List<PendingSends.Pending> done;
                lock.lock();
                try {
                    if (current != ws) {
                        return Optional.empty();
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
            }
            return Optional.empty();
        } catch (ConnectionClosedException e) {
            return Optional.of(e);
        } catch (ProtocolException e) {
            log(Level.INFO, "closing " + ws.id() + ": " + e.getMessage());
            Wire.refuse(ws, e);
            return ws.closedException();
        }
    }

    /**
     * Inbound backpressure: waits while the inbox is full and {@code ws} is open; false once {@code ws} is no longer
     * the current connection.
     */
    private boolean awaitInboxRoom(WebSocket ws) {
        lock.lock();
        try {
            while (current == ws && inboxFull() && ws.state() != State.CLOSED) {
                changed.awaitUninterruptibly();
            }
            return current == ws;
        } finally {
            lock.unlock();
        }
    }

    private boolean inboxFull() {
        lock.lock();
        try {
            return inbox.isFull() || journaling != null && journaling.unsavedFull();
        } finally {
            lock.unlock();
        }
    }

    /** Wakes the threads waiting on the session's state (a connection closed). */
    private void signalChanged() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void log(Level level, String message) {
        if (LOG.isLoggable(level)) {
            LOG.log(level, "[" + id + "] " + message);
        }
    }
}
