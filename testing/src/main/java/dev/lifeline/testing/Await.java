package dev.lifeline.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * A bounded wait for a condition that no event announces (a count another thread updates, a connection the server
 * has let go of): it polls, first every millisecond, then less often (up to every 100 ms, for conditions that
 * are costly to look at, such as a thread dump), and fails with an {@link AssertionError} naming what it waited
 * for once the limit has passed. Where an event can be awaited (a latch, a future, a queue), await that instead.
 * The limits are generous bounds for a loaded machine, never the subject of an assertion.
 */
public final class Await {
    /** The limit of {@link #until(String, BooleanSupplier)}. */
    public static final Duration PATIENCE = Duration.ofSeconds(10);

    private static final long FIRST_POLL_MILLIS = 1;
    private static final long LAST_POLL_MILLIS = 100;

    private Await() {
    }

    /** Waits at most {@link #PATIENCE} until {@code condition} holds. */
    public static void until(String what, BooleanSupplier condition) throws InterruptedException {
        until(what, PATIENCE, condition);
    }

    /**
     * Waits at most {@code limit} until {@code condition} holds.
     *
     * @throws AssertionError if it does not hold within {@code limit}
     */
    public static void until(String what, Duration limit, BooleanSupplier condition) throws InterruptedException {
        if (!holds(limit, condition)) {
            throw new AssertionError("not within " + limit.toMillis() + " ms: " + what);
        }
    }

    /**
     * Waits at most {@code limit} until {@code condition} holds, for a test that then states in detail what it
     * found.
     *
     * @return whether the condition held within {@code limit}
     */
    public static boolean holds(Duration limit, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        long poll = FIRST_POLL_MILLIS;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(poll);
            poll = Math.min(poll * 2, LAST_POLL_MILLIS);
        }
        return true;
    }

    /**
     * Waits, at most {@code limit}, until {@code value} stays the same for a whole {@code window}: the end of
     * progress that no event announces (a sender blocked by TCP's full buffers, a peer that stopped writing).
     *
     * @return the value it settled at
     * @throws AssertionError if it still changes after {@code limit}
     */
    public static long steady(String what, LongSupplier value, Duration window, Duration limit)
            throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        long last = value.getAsLong();
        while (true) {
            Thread.sleep(window);
            long now = value.getAsLong();
            if (now == last) {
                return now;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("still changing after " + limit.toMillis() + " ms: " + what + " at " + now);
            }
            last = now;
        }
    }

    /**
     * Lets {@code duration} pass, for a test whose subject is what happens meanwhile (keepalive rounds while
     * nobody reads, a handler that works slowly, a peer that stays silent); never to wait for something to happen,
     * which {@link #until} does. {@code why} says what the time is for, in the test's words.
     */
    public static void timeToPass(Duration duration, String why) throws InterruptedException {
        Thread.sleep(duration);
    }
}
