package dev.lifeline.reliable;

import java.util.Objects;
import java.util.Optional;

/**
 * Why a session ended for good. Prints as {@code GAVE_UP: HTTP 403 (after 1 attempt)}.
 *
 * @param kind what ended it
 * @param detail a human-readable explanation
 * @param failure for a client that gave up: the failure its reconnect policy refused to retry
 */
public record CloseReason(Kind kind, String detail, Optional<Failure> failure) {
    /** What ends a session. */
    public enum Kind {
        /** This side called {@code close()}. */
        CLOSED,
        /** The peer ended the session: its side called {@code close()} (a Close frame with 1000). */
        CLOSED_BY_PEER,
        /** The client's reconnect policy stopped trying. */
        GAVE_UP,
        /** The server kept the session for the resume window and no connection came back. */
        EXPIRED,
        /** The server's session store evicted the session to make room for another. */
        EVICTED,
        /** The server no longer had the session when the client came back (a NEW outcome). */
        LOST,
        /** The server shut down. */
        SERVER_STOPPED,
        /** The server's session handler threw. */
        FAILED,
        /**
         * Another server node took the session over (its client resumed it there); this node's copy ended. The
         * session goes on there: messages this node had saved are delivered from there.
         */
        MOVED,
        /**
         * The shared session store could not save a change; this node's copy ended and its client resumes the
         * session from its last saved state (on any node) once the store answers again.
         */
        STORE_FAILED
    }

    public CloseReason {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(failure, "failure");
    }

    public static CloseReason of(Kind kind, String detail) {
        return new CloseReason(kind, detail, Optional.empty());
    }

    @Override
    public String toString() {
        return detail.isEmpty() ? kind.toString() : kind + ": " + detail;
    }
}
