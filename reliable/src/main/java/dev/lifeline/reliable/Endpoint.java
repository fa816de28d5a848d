package dev.lifeline.reliable;

import dev.lifeline.Message;
import dev.lifeline.WebSocket;
import dev.lifeline.protocol.CloseCode;
import dev.lifeline.protocol.ConnectionClosedException;
import dev.lifeline.protocol.ProtocolException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.LongFunction;

/**
 * A reliable session wired to one connection after another: the {@link ReliableSession} API and the session's
 * lifecycle (attach, detach, end, renew, close). Its state lives in its {@link SessionCore}, which owns the
 * session's lock; each attached connection is read by a {@link SessionReader} and written by a
 * {@link SessionWriter}. What differs between client and server (the resume handshake, reconnecting, expiry) lives
 * in the subclasses.
 *
 * <p>Threads: any. This class holds no lock of its own and takes the core's only through the core's methods, so it
 * closes, aborts and writes to connections, and completes {@link #closed()}, without it.
 */
abstract sealed class Endpoint implements ReliableSession permits ReliableClient, ServerSession {
    static final System.Logger LOG = System.getLogger("dev.lifeline.reliable");

    final String id;
    final ReliableOptions options;
    private final SessionCore core;
    private final SessionReader reader;
    private final SessionWriter writer;
    private final CompletableFuture<CloseReason> closed = new CompletableFuture<>();

    Endpoint(String id, ReliableOptions options) {
        this.id = id;
        this.options = Objects.requireNonNull(options, "options");
        this.core = new SessionCore(id, options, this::saveFailed);
        this.reader = new SessionReader(core);
        this.writer = new SessionWriter(id, core);
    }

    // ------------------------------------------------------------------ sending and receiving

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
        Objects.requireNonNull(message, "message");
        return core.enqueue(message, options.sendTimeout().toNanos());
    }

    @Override
    public SendFuture trySend(Message message) {
        Objects.requireNonNull(message, "message");
        try {
            return core.enqueue(message, 0);
        } catch (OutboxFullException | SessionClosedException e) {
            return SendFuture.failed(e);
        }
    }

    @Override
    public Message receive() {
        return core.take(-1).orElseThrow();
    }

    @Override
    public Optional<Message> receive(Duration timeout) {
        return core.take(Math.max(0, timeout.toNanos()));
    }

    /**
     * Journaled: commits the handling of the message this thread received last, with the sends made meanwhile
     * (see {@link SessionJournal}); nothing if this thread is not handling one.
     */
    void commitHandled() {
        core.commitHandled();
    }

    @Override
    public Iterator<Message> iterator() {
        return SessionInbox.untilClosed(this::receive);
    }

    // ------------------------------------------------------------------ state

    @Override
    public int outboxSize() {
        return core.outboxSize();
    }

    @Override
    public long outboxBytes() {
        return core.outboxBytes();
    }

    @Override
    public CompletableFuture<CloseReason> closed() {
        return closed.copy();
    }

    @Override
    public Optional<CloseReason> closeReason() {
        return core.closeReason();
    }

    /** The last sequence number received in order, for the resume handshake. */
    long lastReceived() {
        return core.lastReceived();
    }

    /** The connection attached now. */
    Optional<WebSocket> currentConnection() {
        return core.current();
    }

    /** The thread completing this session's send futures, if one runs now: for tests. */
    Optional<Thread> completerThread() {
        return core.completerThread();
    }

    boolean isEnded() {
        return closeReason().isPresent();
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
        SessionCore.Attached attached = core.attach(ws, peerLastReceived, greeting);
        attached.replaced().ifPresent(replaced -> {
            log(Level.DEBUG, "connection " + ws.id() + " takes over from " + replaced.id());
            replaced.abort();
        });
        ws.closed().thenRun(core::signalChanged);
        writer.start(ws, attached.first());
    }

    /**
     * Reads the connection until it ends, feeding its envelopes to the session (see {@link SessionReader}).
     *
     * @return how the connection ended; empty if it was replaced by another (a takeover)
     */
    Optional<ConnectionClosedException> read(WebSocket ws) {
        return reader.read(ws);
    }

    /** The connection ended: detaches it if it is still the current one (false after a takeover). */
    boolean detach(WebSocket ws) {
        return core.detach(ws);
    }

    /** Since when (on the {@link System#nanoTime()} scale) no connection has been attached; empty while one is. */
    OptionalLong detachedSince() {
        return core.detachedSince();
    }

    // ------------------------------------------------------------------ the end

    /**
     * Ends the session for good: pending sends fail with {@link UnacknowledgedException}, {@code receive} throws once
     * the inbox is empty, {@link #closed()} completes.
     *
     * @return the connection that was attached, for the caller to close; empty if none (or already ended)
     */
    Optional<WebSocket> end(CloseReason reason) {
        return core.end(reason).flatMap(this::finish);
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
        Optional<SessionCore.Ending> ending = core.endIfDetachedFor(idle, reason);
        if (ending.isEmpty()) {
            return false;
        }
        onEnded.run();
        finish(ending.get());
        return true;
    }

    private Optional<WebSocket> finish(SessionCore.Ending ending) {
        log(Level.DEBUG, "session ended: " + ending.reason() + "; " + ending.failed().size() + " unacknowledged");
        core.fail(ending);
        closed.complete(ending.reason());
        return ending.ws();
    }

    /**
     * Starts a fresh session in place of this one (the server no longer had it): the sends not acknowledged fail
     * with {@link UnacknowledgedException} and are returned, in order.
     */
    List<Message> renew(CloseReason reason) {
        return core.renew(reason, null);
    }

    /**
     * {@link #renew(CloseReason)} for a journaled session: {@code forget} runs under the lock, before any save of
     * the new session can be made (it asks the journal to forget the old one). The old session's messages still in
     * the inbox are handed to the application, outside the journal.
     */
    List<Message> renew(CloseReason reason, Runnable forget) {
        return core.renew(reason, forget);
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
        if (!core.awaitSettled(options.closeTimeout())) {
            log(Level.INFO, "closing after " + options.closeTimeout() + " with " + outboxSize()
                    + " messages unacknowledged" + (currentConnection().isEmpty() ? " and no connection" : ""));
        }
        core.finalAck().ifPresent(last -> {
            try {
                last.ws().send(last.ack().encode());
            } catch (ConnectionClosedException e) {
                log(Level.DEBUG, "final ACK not sent: " + e.getMessage());
            }
        });
        closeNow();
        core.awaitFuturesCompleted(options.closeTimeout());
    }

    /** Ends the session from this side at once and closes its connection, if any, with 1000. */
    void closeNow() {
        end(CloseReason.of(CloseReason.Kind.CLOSED, "closed by the application"))
                .ifPresent(c -> c.close(CloseCode.NORMAL_CLOSURE, "session closed"));
    }

    // ------------------------------------------------------------------ journaling (shared stores)

    /** Saves this new session's changes from now on: a store calls it before the session is attached. */
    void journalTo(SessionJournal journal) {
        core.journalTo(journal);
    }

    /**
     * Takes over a session as its journal saved it (another server node ran it, or an earlier process of this
     * client); its unconsumed messages await the application.
     */
    void restore(SessionState state, SessionJournal journal) {
        core.restore(state, journal);
    }

    /**
     * A save failed: this node's copy of the session ends (the store keeps the session as last saved) and its
     * connection is closed with a code that makes the client come back, to wherever the session now lives.
     */
    private void saveFailed(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
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

    void log(Level level, String message) {
        core.log(level, message);
    }
}
