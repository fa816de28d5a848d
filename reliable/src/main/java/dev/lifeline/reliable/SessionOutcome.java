package dev.lifeline.reliable;

import dev.lifeline.Message;
import java.util.List;
import java.util.Objects;

/**
 * How a connection joined its session, as the resume handshake decided.
 *
 * @param kind {@link Kind#RESUMED}: the server still had the session and both sides resend what the other missed;
 *        {@link Kind#NEW}: a fresh session (the first connection, or the server no longer had the old one)
 * @param token the session's token
 * @param unacknowledged for a NEW outcome that replaced an earlier session: the messages this side sent in that
 *        session that the peer never acknowledged, in order. Each may or may not have reached the peer's
 *        application; their {@code send} futures failed with {@link UnacknowledgedException}. Empty otherwise.
 */
public record SessionOutcome(Kind kind, String token, List<Message> unacknowledged) {
    /** The two outcomes of the resume handshake. */
    public enum Kind { NEW, RESUMED }

    public SessionOutcome {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(token, "token");
        unacknowledged = List.copyOf(unacknowledged);
    }

    @Override
    public String toString() {
        return kind + (unacknowledged.isEmpty() ? "" : " (" + unacknowledged.size() + " unacknowledged)");
    }
}
