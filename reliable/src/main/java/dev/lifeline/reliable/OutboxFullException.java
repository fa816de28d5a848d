package dev.lifeline.reliable;

/**
 * {@code send} waited {@code sendTimeout} for room in the outbox and found none: the peer has not acknowledged
 * enough of what was sent before (it is slow or away). Nothing was sent; the session goes on.
 */
public final class OutboxFullException extends RuntimeException {
    public OutboxFullException(String message) {
        super(message);
    }
}
