package dev.lifeline.reliable;

import java.util.concurrent.CompletableFuture;

/**
 * The result of a {@code send}: it completes when the peer has acknowledged the message, and its
 * {@link #persisted()} stage completes before, when the message will survive this process: saved in the
 * {@link ClientJournal} (or, on a server, its {@link SessionStore}). Without a journal a message survives the
 * process only once the peer has it, and both complete together, on acknowledgement. Both fail with
 * {@link UnacknowledgedException} if the session ends first (the persisted stage only if it had not completed).
 */
public final class SendFuture extends CompletableFuture<Void> {
    private final CompletableFuture<Void> persisted = new CompletableFuture<>();

    SendFuture() {
    }

    static SendFuture failed(Throwable cause) {
        SendFuture f = new SendFuture();
        f.fail(cause);
        return f;
    }

    /** Completes when the message is saved where a restart of this process finds it again. */
    public CompletableFuture<Void> persisted() {
        return persisted.copy();
    }

    /** The message was saved. */
    void persist() {
        persisted.complete(null);
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
