package dev.lifeline.reliable;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;

/**
 * The result of a {@code send}: it completes when the peer has acknowledged the message, and its
 * {@link #persisted()} stage completes before, when the message will survive this process: saved in the
 * {@link ClientJournal} (or, on a server, its {@link SessionStore}). Without a journal a message survives the
 * process only once the peer has it, and both complete together, on acknowledgement. Both fail with
 * {@link UnacknowledgedException} if the session ends first (the persisted stage only if it had not completed).
 *
 * <p>The futures of a session complete in the order of its sends, on its completer's thread: never on the thread that
 * reads or writes the connection, never under the session's lock (one that {@code trySend} refused is returned
 * failed). A {@link #persisted()} stage asked for once the message was saved is returned complete.
 */
public final class SendFuture extends CompletableFuture<Void> {
    private static final VarHandle PERSISTED_SEEN;

    static {
        try {
            PERSISTED_SEEN = MethodHandles.lookup().findVarHandle(SendFuture.class, "persistedSeen", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Nobody has asked for {@link #persisted()}: no action of the application depends on that stage. */
    private static final int UNSEEN = 0;
    /** Someone has: the stage completes on the session's completer. */
    private static final int SEEN = 1;
    /** The stage completed while unseen, on the thread that saved it; {@link #persisted()} is complete. */
    private static final int DONE_UNSEEN = 2;

    private final CompletableFuture<Void> persisted = new CompletableFuture<>();
    /** {@link #UNSEEN}, {@link #SEEN} or {@link #DONE_UNSEEN}; set through {@link #PERSISTED_SEEN}. */
    private volatile int persistedSeen = UNSEEN;

    SendFuture() {
    }

    static SendFuture failed(Throwable cause) {
        SendFuture f = new SendFuture();
        f.fail(cause);
        return f;
    }

    /** Completes when the message is saved where a restart of this process finds it again. */
    public CompletableFuture<Void> persisted() {
        if (PERSISTED_SEEN.compareAndSet(this, UNSEEN, SEEN) || persistedSeen != DONE_UNSEEN) {
            return persisted.copy();
        }
        return CompletableFuture.completedFuture(null);
    }

    /** The message was saved. */
    void persist() {
        persisted.complete(null);
    }

    /**
     * The message was saved: completes the {@link #persisted()} stage on this thread if nobody has asked for it
     * (then no action of the application can run here, and none will: whoever asks later gets a completed
     * stage). False if someone has: the caller completes it with {@link #persist()} where actions may run.
     */
    boolean persistUnseen() {
        if (PERSISTED_SEEN.compareAndSet(this, UNSEEN, DONE_UNSEEN)) {
            persisted.complete(null);
            return true;
        }
        return false;
    }

    /** The peer acknowledged the message (it was saved before, by then). */
    void acknowledge() {
        persisted.complete(null);
        complete(null);
    }

    void fail(Throwable cause) {
        persisted.completeExceptionally(cause);
        completeExceptionally(cause);
    }
}
