package dev.lifeline.reliable;

/**
 * When the receiver owes its peer an acknowledgement, as a value (the session never reads a clock or sets a
 * timer). Acks are delayed so that a burst costs one ACK, and they ride on outgoing DATA for free.
 */
public sealed interface AckSchedule {
    /** Everything received has been acknowledged (or no connection is attached). */
    record None() implements AckSchedule {
    }

    /** An ACK should be sent now: {@code ackEvery} messages wait, or the oldest has waited {@code ackDelay}. */
    record Now() implements AckSchedule {
    }

    /** An ACK is due at {@code nanos} (on the caller's {@link System#nanoTime()} scale) unless DATA goes first. */
    record At(long nanos) implements AckSchedule {
    }
}
