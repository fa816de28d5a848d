package dev.lifeline.redis;

/**
 * A published message that will not reach a subscriber of this node: its entry was trimmed or forgotten by Redis
 * before this node read it, the subscriber left the topic first, or the hub closed. The message says which.
 */
public final class BroadcastLostException extends RuntimeException {
    public BroadcastLostException(String message) {
        super(message);
    }
}
