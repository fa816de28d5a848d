package dev.lifeline.reliable;

import dev.lifeline.protocol.WebSocketException;
import java.util.Objects;

/**
 * The session has ended for good: nothing more can be sent, and every message received before the end has been
 * returned. Carries the {@link CloseReason}.
 */
public class SessionClosedException extends WebSocketException {
    private final CloseReason reason;

    public SessionClosedException(CloseReason reason) {
        this("session closed: " + reason, reason);
    }

    SessionClosedException(String message, CloseReason reason) {
        super(message, null);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public CloseReason reason() {
        return reason;
    }
}
