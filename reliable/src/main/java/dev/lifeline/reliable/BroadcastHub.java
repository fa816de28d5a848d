package dev.lifeline.reliable;

import dev.lifeline.Message;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Topics that sessions subscribe to, and reliable publishing to every subscriber of a topic. A
 * {@link ReliableServer} unsubscribes a session from everything when it ends.
 *
 * <p>{@link InMemoryBroadcastHub} is the default; the interface is the seam for a hub shared by several server
 * nodes (publishing on one node reaches subscribers on all). Implementations must be thread-safe.
 */
public interface BroadcastHub extends AutoCloseable {
    void subscribe(String topic, ReliableSession session);

    void unsubscribe(String topic, ReliableSession session);

    /** Removes the session from every topic. */
    void unsubscribeAll(ReliableSession session);

    /** The sessions subscribed to {@code topic} now. */
    Set<ReliableSession> subscribers(String topic);

    /**
     * Sends the message to every subscriber of {@code topic}, without waiting for any of them
     * ({@link ReliableSession#trySend}): each future completes when that subscriber acknowledges the message, or
     * fails at once with {@link OutboxFullException} for a subscriber whose outbox is full (a slow or absent
     * reader), rather than stall the others. Nothing is dropped silently.
     */
    Map<ReliableSession, CompletableFuture<Void>> publish(String topic, Message message);

    @Override
    void close();
}
