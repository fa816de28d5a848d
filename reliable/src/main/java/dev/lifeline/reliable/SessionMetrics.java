package dev.lifeline.reliable;

/**
 * Told what happens to reliable sessions, for counters: set it with {@link ReliableOptions#withMetrics}; the
 * {@code lifeline-micrometer} module binds it to a Micrometer {@code MeterRegistry}. Every method does nothing by
 * default; with {@link #NONE} (the default) sessions skip their measurements.
 *
 * <p>Threading: called on the sessions' threads, concurrently for different sessions and sometimes while a
 * session's lock is held: an implementation must be thread-safe, fast and non-blocking, must not throw and must not
 * call back into the session.
 */
public interface SessionMetrics {
    /** Listens to nothing. */
    SessionMetrics NONE = new SessionMetrics() {
        @Override
        public String toString() {
            return "SessionMetrics.NONE";
        }
    };

    /**
     * A server joined a connection to a session: {@code RESUMED} an existing one, or started a {@code NEW} one.
     *
     * @param resumeAsked whether the client presented a token: a NEW outcome then means the server no longer had
     *        the session (expired, evicted, restarted) and what was unacknowledged may be lost
     */
    default void joined(SessionOutcome.Kind outcome, boolean resumeAsked) { }

    /** A server ended a session whose client did not come back within the resume window. */
    default void expired(int unacknowledged) { }

    /** After a resume, {@code messages} unacknowledged messages are transmitted again. */
    default void resent(int messages) { }

    /** A message entered the outbox, which now holds {@code messages} unacknowledged ones. */
    default void outboxDepth(int messages) { }

    /** The peer acknowledged a message {@code nanos} after its {@code send}. */
    default void acknowledged(long nanos) { }
}
