package dev.lifeline;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;

/**
 * The messages a {@link ReconnectingWebSocket} holds while it has no connection, bounded in count and bytes.
 * Not thread-safe: its owner guards it with its lock.
 */
final class SendQueue {
    private final int maxMessages;
    private final long maxBytes;
    private final ArrayDeque<Message> messages = new ArrayDeque<>();
    private long bytes;

    SendQueue(int maxMessages, long maxBytes) {
        if (maxMessages < 0 || maxBytes < 0) {
            throw new IllegalArgumentException("negative bound: " + maxMessages + " messages, " + maxBytes + " bytes");
        }
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
    }

    /** Whether sends may be queued at all (a queue of zero messages is the default: sends throw at once). */
    boolean enabled() {
        return maxMessages > 0;
    }

    /** Adds {@code message} at the end; false (nothing added) when it would exceed either bound. */
    boolean offer(Message message) {
        if (messages.size() + 1 > maxMessages || bytes + message.size() > maxBytes) {
            return false;
        }
        messages.addLast(message);
        bytes += message.size();
        return true;
    }

    Optional<Message> peek() {
        return Optional.ofNullable(messages.peekFirst());
    }

    void removeFirst() {
        bytes -= messages.removeFirst().size();
    }

    /** Takes every message out, oldest first. */
    List<Message> drain() {
        List<Message> all = List.copyOf(messages);
        messages.clear();
        bytes = 0;
        return all;
    }

    int size() {
        return messages.size();
    }

    long bytes() {
        return bytes;
    }

    @Override
    public String toString() {
        return messages.size() + " of " + maxMessages + " messages, " + bytes + " of " + maxBytes + " bytes";
    }
}
