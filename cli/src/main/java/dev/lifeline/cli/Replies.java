package dev.lifeline.cli;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The messages that came back to {@code lifeline connect}, counted by the thread that prints them, so that at the end
 * of piped input the thread that sent the lines can wait (bounded) for their replies.
 */
final class Replies {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private long received;
    private boolean ended;

    /** One more message arrived. */
    void arrived() {
        update(() -> received++);
    }

    /** No more will arrive: the connection or session is over. */
    void end() {
        update(() -> ended = true);
    }

    /** Waits until {@code expected} messages have arrived, none more can, or {@code linger} passes. */
    void await(long expected, Duration linger) {
        long deadline = System.nanoTime() + linger.toNanos();
        lock.lock();
        try {
            while (received < expected && !ended) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !changed.await(left, TimeUnit.NANOSECONDS)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    private void update(Runnable change) {
        lock.lock();
        try {
            change.run();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
