package dev.lifeline.reliable;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Where a {@link ReliableClient} keeps its session on disk, so that the client process can be killed at any moment
 * and started again on the same journal, resuming the same session: its token, its numbers both ways, its outbox
 * (the sends not acknowledged) and the messages received and not yet handled.
 *
 * <p>The contract of {@link SessionJournal}, from the client's side: saved on every change, never on close. A send
 * is saved before it is transmitted (its {@link SendFuture#persisted()} completes then); a received message is
 * saved before it is acknowledged and handed to the application; its consumption is committed when the
 * application is done with it (it asks for the next message, or closes the client), in one atomic step with the
 * sends made meanwhile (consume, transform, produce). Saves apply in the order they are made.
 *
 * <p>A journal belongs to one client at a time: the client {@link #load loads} it when it is built, and closes it
 * when its session has ended. One process per journal: an implementation refuses a journal another process has
 * open, with an error that names it. {@code dev.lifeline.journal.SqliteClientJournal} keeps one in a directory.
 */
public interface ClientJournal extends SessionJournal, AutoCloseable {
    /**
     * What the journal holds, read once when the client is built.
     *
     * @param token the session's token, as issued on the wire; empty before the server's first WELCOME
     * @param state the session's numbers, its outbox and its received messages not yet handled
     */
    record Saved(Optional<byte[]> token, SessionState state) {
    }

    /** Reads what was saved (a fresh session if nothing was). */
    Saved load();

    /** Saves the token of the server's first WELCOME; the session keeps its numbers and outbox. */
    CompletionStage<Void> token(byte[] token);

    /**
     * The server no longer had the session and started a new one: forgets the old session (its numbers, outbox
     * and unhandled messages) and saves the new token, with the numbers of a new session. Applies after every save
     * made before it, and before every save made after.
     */
    CompletionStage<Void> renewed(byte[] token);

    /** The session has ended for good: forgets it, so that the next client on this journal starts a new one. */
    CompletionStage<Void> ended();

    /** Releases the journal (its files stay, with the session as last saved). */
    @Override
    void close();
}
