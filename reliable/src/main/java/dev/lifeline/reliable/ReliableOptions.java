package dev.lifeline.reliable;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Bounds and timings of a reliable session, the same for clients and servers. Start from {@link #DEFAULT}:
 * {@code ReliableOptions.DEFAULT.withOutbox(256, 1 << 20)}.
 *
 * @param outboxMessages unacknowledged messages kept for resending; {@code send} blocks beyond it; 1024
 * @param outboxBytes unacknowledged payload bytes kept for resending; {@code send} blocks beyond it; 4 MiB
 * @param inboxMessages received messages waiting for the application; beyond it the session stops reading
 *        its connection, so that TCP pushes back on the sender; 1024
 * @param inboxBytes received payload bytes waiting for the application, likewise; 4 MiB
 * @param ackEvery an ACK is sent at once when this many received messages are unacknowledged; 32
 * @param ackDelay otherwise an ACK is sent this long after the first unacknowledged message, unless outgoing DATA
 *        carried it first; 20 ms
 * @param sendTimeout how long {@code send} may block on a full outbox before it throws
 *        {@link OutboxFullException}; 30 s
 * @param closeTimeout how long a graceful {@code close()} waits for the peer to acknowledge what was sent; 10 s
 * @param metrics told about sessions joined, expired, resends, the outbox and acknowledgements (see
 *        {@link SessionMetrics}); {@link SessionMetrics#NONE} by default
 */
public record ReliableOptions(
        int outboxMessages,
        long outboxBytes,
        int inboxMessages,
        long inboxBytes,
        int ackEvery,
        Duration ackDelay,
        Duration sendTimeout,
        Duration closeTimeout,
        SessionMetrics metrics) {

    public static final ReliableOptions DEFAULT = new ReliableOptions(1024, 4L << 20, 1024, 4L << 20, 32,
            Duration.ofMillis(20), Duration.ofSeconds(30), Duration.ofSeconds(10), SessionMetrics.NONE);

    public ReliableOptions {
        if (outboxMessages <= 0 || outboxBytes <= 0 || inboxMessages <= 0 || inboxBytes <= 0 || ackEvery <= 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
        Objects.requireNonNull(ackDelay, "ackDelay");
        if (ackDelay.isNegative()) {
            throw new IllegalArgumentException("ackDelay must not be negative");
        }
        positive(sendTimeout, "sendTimeout");
        positive(closeTimeout, "closeTimeout");
        Objects.requireNonNull(metrics, "metrics");
    }

    /** Bounds the unacknowledged messages kept for resending (the replay buffer). */
    public ReliableOptions withOutbox(int messages, long bytes) {
        return with(o -> {
            o.outboxMessages = messages;
            o.outboxBytes = bytes;
        });
    }

    /** Bounds the received messages waiting for the application. */
    public ReliableOptions withInbox(int messages, long bytes) {
        return with(o -> {
            o.inboxMessages = messages;
            o.inboxBytes = bytes;
        });
    }

    /** Acknowledge after {@code every} messages or {@code delay}, whichever comes first. */
    public ReliableOptions withAcks(int every, Duration delay) {
        return with(o -> {
            o.ackEvery = every;
            o.ackDelay = delay;
        });
    }

    public ReliableOptions withSendTimeout(Duration d) {
        return with(o -> o.sendTimeout = d);
    }

    public ReliableOptions withCloseTimeout(Duration d) {
        return with(o -> o.closeTimeout = d);
    }

    /** Sessions made with these options tell {@code metrics} what happens to them. */
    public ReliableOptions withMetrics(SessionMetrics metrics) {
        return with(o -> o.metrics = metrics);
    }

    /** These options with what {@code change} sets in a copy of them. */
    private ReliableOptions with(Consumer<Draft> change) {
        Draft draft = new Draft(this);
        change.accept(draft);
        return draft.options();
    }

    /** A copy of options being changed by one of the {@code with} methods: the record's components, settable. */
    private static final class Draft {
        int outboxMessages;
        long outboxBytes;
        int inboxMessages;
        long inboxBytes;
        int ackEvery;
        Duration ackDelay;
        Duration sendTimeout;
        Duration closeTimeout;
        SessionMetrics metrics;

        Draft(ReliableOptions from) {
            outboxMessages = from.outboxMessages;
            outboxBytes = from.outboxBytes;
            inboxMessages = from.inboxMessages;
            inboxBytes = from.inboxBytes;
            ackEvery = from.ackEvery;
            ackDelay = from.ackDelay;
            sendTimeout = from.sendTimeout;
            closeTimeout = from.closeTimeout;
            metrics = from.metrics;
        }

        ReliableOptions options() {
            return new ReliableOptions(outboxMessages, outboxBytes, inboxMessages, inboxBytes, ackEvery, ackDelay,
                    sendTimeout, closeTimeout, metrics);
        }
    }

    private static void positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
    }
}
