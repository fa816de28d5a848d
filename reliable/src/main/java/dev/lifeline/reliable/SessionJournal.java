package dev.lifeline.reliable;

import dev.lifeline.Message;
import java.util.List;
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
 */
public interface SessionJournal {
    /**
     * Saves messages received from the client, in order: {@code firstSeq} is the last received before them plus
     * one. (While a save is under way, the messages that arrive meanwhile wait and are saved together after it.)
     */
    CompletionStage<Void> received(long firstSeq, List<Message> messages);

    /**
     * Saves, atomically, that the received messages through {@code consumed} were handled (unchanged if equal to
     * {@code consumedBefore}) and the server's messages {@code sends}, numbered from {@code firstSeq}. (While a
     * commit is under way, those asked for meanwhile wait and are merged into one after it.)
     *
     * @param consumedBefore what the previous commit saved as consumed, checked by the store
     * @param firstSeq the next sequence number the previous commit left, checked by the store
     */
    CompletionStage<Void> commit(long consumedBefore, long consumed, long firstSeq, List<Message> sends);

    /** Saves that the client acknowledged the server's messages through {@code ack}; the store may forget them. */
    CompletionStage<Void> acknowledged(long ack);
}
