package dev.lifeline.internal;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one timer thread shared by every connection: close and open timeouts, keepalive pings, and the write
 * watchdog. Tasks run here must not block; anything that writes to a socket starts a virtual thread.
 */
final class Timers {
    /**
     * How often the watchdog looks at connections with a write under way or deferred: for writes blocked past
     * their connection's write timeout, and for deferred batches to write.
     */
    static final Duration WATCHDOG_TICK = Duration.ofMillis(50);

    private static final ScheduledThreadPoolExecutor EXECUTOR = create();
    private static final Set<Connection> WATCHED = ConcurrentHashMap.newKeySet();

    static {
        repeat(Timers::watchWrites, WATCHDOG_TICK);
    }

    private Timers() {
    }

    /** Runs {@code task} once after {@code delay}; if it fails, the failure is logged (nobody reads its future). */
    static ScheduledFuture<?> schedule(Runnable task, Duration delay) {
        return EXECUTOR.schedule(() -> runLogged(task), delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Runs {@code task} every {@code period} until cancelled. A run that fails is logged and the next one comes all
     * the same: the executor would otherwise cancel the repetition for good, silently (the write watchdog of every
     * connection, say).
     */
    static ScheduledFuture<?> repeat(Runnable task, Duration period) {
        long nanos = period.toNanos();
        return EXECUTOR.scheduleWithFixedDelay(() -> runLogged(task), nanos, nanos, TimeUnit.NANOSECONDS);
    }

    private static void runLogged(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | Error e) {
            SafeLog.log(System.Logger.Level.ERROR, "lifeline-timers: a timer task failed", e);
        }
    }

    /**
     * Puts a connection under the write watchdog; it stays there while {@link Connection#checkWriteTimeout} says
     * so. Idle connections are not watched, so they cost the timer thread nothing.
     */
    static void watch(Connection connection) {
        WATCHED.add(connection);
    }

    static void unwatch(Connection connection) {
        WATCHED.remove(connection);
    }

    private static void watchWrites() {
        long now = System.nanoTime();
        for (Connection connection : WATCHED) {
            if (!connection.checkWriteTimeout(now)) {
                WATCHED.remove(connection);
                if (connection.stillWriting()) { // a write began meanwhile, and may have seen itself watched
                    WATCHED.add(connection);
                }
            }
        }
    }

    private static ScheduledThreadPoolExecutor create() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().name("lifeline-timers").daemon().factory());
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        return executor;
    }
}
