package dev.lifeline.reliable;

/**
 * A shared {@link SessionStore} could not do what was asked (unreachable, restarting, refused the write). The
 * server refuses new sessions with 1013 meanwhile; the sessions whose state could not be saved end on this node
 * (kind {@link CloseReason.Kind#STORE_FAILED}) and their clients resume them, from their last saved state, once
 * the store answers again.
 */
public class SessionStoreException extends RuntimeException {
    public SessionStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
