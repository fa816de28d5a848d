package dev.lifeline.reliable;

import dev.lifeline.Message;
import java.util.Objects;

/**
 * A {@code send} future's failure: the session ended before the peer acknowledged this message. The message may or
 * may not have reached the peer's application; resend it in a new session if it must arrive.
 */
public final class UnacknowledgedException extends SessionClosedException {
    private final transient Message unacknowledged;
    private final long seq;

    public UnacknowledgedException(Message message, long seq, CloseReason reason) {
        super("message " + seq + " was never acknowledged; session ended: " + reason, reason);
        this.unacknowledged = Objects.requireNonNull(message, "message");
        this.seq = seq;
    }

    /** The message that was not acknowledged. */
    public Message unacknowledged() {
        return unacknowledged;
    }

    /** Its sequence number in the session that ended. */
    public long seq() {
        return seq;
    }
}
