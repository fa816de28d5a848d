package dev.lifeline.redis;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What became of a node's send futures (its echoes and its publishes), for the node-death test: how many were made,
 * how many completed, how many failed and with what (by exception class; a failure without a message counts as
 * {@code unexplained}), how many are still pending. A node prints {@link #line()} when it stops; the test reads it
 * back with {@link #parse}. Thread-safe.
 */
final class SendLedger {
    private static final Pattern LINE = Pattern.compile(
            "send futures: (\\d+) made, (\\d+) completed, (\\d+) failed \\{([^}]*)\\}, (\\d+) unexplained, (\\d+) pending");

    /** The counts of one ledger line. */
    record Counts(long made, long completed, long failed, String failures, long unexplained, long pending) {
    }

    private long made;
    private long completed;
    private long unexplained;
    private final Map<String, Long> failures = new TreeMap<>();

    /** Counts {@code future} as made now, and as completed or failed when it settles. */
    void track(CompletableFuture<Void> future) {
        synchronized (this) {
            made++;
        }
        future.whenComplete((v, failure) -> settled(failure));
    }

    private synchronized void settled(Throwable failure) {
        if (failure == null) {
            completed++;
        } else {
            Throwable cause = failure;
            while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                    && cause.getCause() != null) {
                cause = cause.getCause();
            }
            failures.merge(cause.getClass().getSimpleName(), 1L, Long::sum);
            if (cause.getMessage() == null || cause.getMessage().isBlank()) {
                unexplained++;
            }
        }
        notifyAll();
    }

    private long failed() {
        return failures.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Waits until no future is pending, at most {@code limit}. */
    synchronized void awaitSettled(Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        for (long left = limit.toMillis(); made > completed + failed() && left > 0;
                left = (deadline - System.nanoTime()) / 1_000_000) {
            wait(left);
        }
    }

    synchronized String line() {
        return "send futures: " + made + " made, " + completed + " completed, " + failed() + " failed " + failures
                + ", " + unexplained + " unexplained, " + (made - completed - failed()) + " pending";
    }

    /** The counts in what a node printed, if it printed a ledger line. */
    static Optional<Counts> parse(String output) {
        Matcher m = LINE.matcher(output);
        if (!m.find()) {
            return Optional.empty();
        }
        return Optional.of(new Counts(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)),
                Long.parseLong(m.group(3)), m.group(4), Long.parseLong(m.group(5)), Long.parseLong(m.group(6))));
    }
}
