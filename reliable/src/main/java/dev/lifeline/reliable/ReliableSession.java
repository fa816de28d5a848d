package dev.lifeline.reliable;

import dev.lifeline.Message;
import java.time.Duration;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One logical session that outlives its connections: messages sent are numbered, acknowledged by the peer,
 * kept until then and resent after a reconnect; messages received reach the application exactly once and in
 * order. {@link ReliableClient} is one; a {@link ReliableServer} hands one to its handler per session.
 *
 * <p><b>Threads.</b> {@code send} and the getters may be called from any thread; sends from several threads are
 * numbered in the order they enter. {@code receive} and iteration allow one thread at a time (a second concurrent
 * caller gets {@link dev.lifeline.ConcurrencyException}).
 *
 * <p><b>Blocking.</b> {@code send} returns as soon as the message is in the outbox, whether or not a connection
 * is open; it blocks only while the outbox is full, at most {@code sendTimeout}. The future it returns completes
 * when the peer acknowledges the message, and fails with {@link UnacknowledgedException} only when the session
 * ends for good first. Its {@link SendFuture#persisted()} stage completes before, once the message survives a
 * restart of this process: once saved in a {@link ClientJournal} (or a server's shared store), else with the
 * acknowledgement.
 */
public interface ReliableSession extends Iterable<Message>, AutoCloseable {
    /**
     * Sends a text message.
     *
     * @throws OutboxFullException if the outbox stayed full for {@code sendTimeout}
     * @throws SessionClosedException if the session has ended
     */
    SendFuture send(String text);

    /** Sends a binary message. The array is kept (not copied) until acknowledged: do not change it. */
    SendFuture send(byte[] data);

    /** Sends a text or binary message. */
    SendFuture send(Message message);

    /**
     * Sends without waiting: a full outbox (or an ended session) fails the returned future at once with
     * {@link OutboxFullException} (or {@link SessionClosedException}). For broadcasts, where one slow peer must
     * not hold up the others.
     */
    SendFuture trySend(Message message);

    /**
     * Waits for the next message.
     *
     * @throws SessionClosedException once the session has ended and every message received before has been
     *         returned
     */
    Message receive();

    /** Waits at most {@code timeout} for the next message; empty if none came in time. */
    Optional<Message> receive(Duration timeout);

    /**
     * The messages until the session ends. The loop ends quietly when either side closed the session
     * ({@link CloseReason.Kind#CLOSED}, {@link CloseReason.Kind#CLOSED_BY_PEER}) and throws
     * {@link SessionClosedException} when it ended otherwise (gave up, expired, lost...).
     */
    @Override
    Iterator<Message> iterator();

    /** The session's token once the server has issued it (a client before its first connection has none). */
    Optional<String> token();

    /** Messages sent and not yet acknowledged (the outbox, which is also the replay buffer). */
    int outboxSize();

    /** Payload bytes of the messages sent and not yet acknowledged. */
    long outboxBytes();

    /**
     * Ends the session for good: waits at most {@code closeTimeout} for the peer to acknowledge what was sent (and,
     * while disconnected, for a connection to come back), then closes the connection with 1000, which tells the
     * peer the session is over. Sends still unacknowledged then fail with {@link UnacknowledgedException}; a peer
     * that could not be told finds the session gone when it comes back (a client gets NEW; a server's session
     * expires).
     */
    @Override
    void close();

    /** Completes with the reason once the session has ended for good; never completes exceptionally. */
    CompletableFuture<CloseReason> closed();

    /** Why the session ended, once it has. */
    Optional<CloseReason> closeReason();
}
