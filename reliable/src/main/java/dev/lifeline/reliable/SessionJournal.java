package dev.lifeline.reliable;

import dev.lifeline.Message;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletionStage;

/**
 * Where a shared {@link SessionStore} saves one server session as it changes, so that another node can resume it
 * ({@link ServerSession#restore}). Saved on every change, never on close: a node killed at any moment leaves
 * the session as of its last completed save.
 *
 * <p>Every save is fenced: it applies only if this node still owns the session (no other node took it over since
 * the journal was opened); otherwise it fails with {@link SessionMovedException}, and changes nothing. Any other
 * failure (the store is unreachable) fails the stage with a {@link SessionStoreException}. The session calls the
 * methods under its lock, in the order the changes happen; saves must apply in that order (a store pipelines them
 * on one connection), and each must check that it follows the previous one (a save that failed makes every later
 * one fail too).
 *
 * <p><b>Consume, transform, produce.</b> A message the client sent is first saved by {@link #received} (only then is
 * it acknowledged, and handed to the handler). When the handler has handled it, {@link #commit} saves in one atomic
 * step that it was consumed and the messages sent while handling it; only then are those messages transmitted. A
 * node that dies in between leaves the message unconsumed and its answers unsaved: the node that resumes the
 * session hands it to its handler again.
 *
 * <p><b>Acknowledgements ride along.</b> The peer's acknowledgement is saved with the next {@link #received} or
 * {@link #commit} when one is due (the overloads that take one), and on its own ({@link #acknowledged}) only when
 * none is: it only lets the store forget messages, so it may lag behind, never go first. A store that can save
 * several things in one step overrides those overloads; by default they make the saves one after the other.
 */
public interface SessionJournal {
    /**
     * Saves messages received from the client, in order: {@code firstSeq} is the last received before them plus
     * one. (While a save is under way, the messages that arrive meanwhile wait and are saved together after it.)
     */
    CompletionStage<Void> received(long firstSeq, List<Message> messages);

    /**
     * {@link #received}, then {@link #acknowledged} if {@code ack} is present: in one step where the store can.
     */
    default CompletionStage<Void> received(long firstSeq, List<Message> messages, OptionalLong ack) {
        return withAck(received(firstSeq, messages), ack);
    }

    /**
     * Saves, atomically, that the received messages through {@code consumed} were handled (unchanged if equal to
     * {@code consumedBefore}) and the server's messages {@code sends}, numbered from {@code firstSeq}. (While a
     * commit is under way, those asked for meanwhile wait and are merged into one after it.)
     *
     * @param consumedBefore what the previous commit saved as consumed, checked by the store
     * @param firstSeq the next sequence number the previous commit left, checked by the store
     */
    CompletionStage<Void> commit(long consumedBefore, long consumed, long firstSeq, List<Message> sends);

    /** {@link #commit}, then {@link #acknowledged} if {@code ack} is present: in one step where the store can. */
    default CompletionStage<Void> commit(long consumedBefore, long consumed, long firstSeq, List<Message> sends,
            OptionalLong ack) {
        return withAck(commit(consumedBefore, consumed, firstSeq, sends), ack);
    }

    /** Saves that the client acknowledged the server's messages through {@code ack}; the store may forget them. */
    CompletionStage<Void> acknowledged(long ack);

    private CompletionStage<Void> withAck(CompletionStage<Void> save, OptionalLong ack) {
        return ack.isEmpty() ? save : save.thenCombine(acknowledged(ack.getAsLong()), (a, b) -> null);
    }
}
