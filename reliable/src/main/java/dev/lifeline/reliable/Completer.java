package dev.lifeline.reliable;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs one session's completions (its send futures' stages, and with them the application's dependent actions)
 * one after another, in the order they were handed over, on a thread of its own: never on the thread that hands
 * them over (a session thread), never under a lock (the completer's own is released while a task runs).
 *
 * <p>The thread is started with the first task, waits at most {@link #LINGER} for the next one once the queue is
 * empty, then ends: a session exchanging messages keeps one thread (one hand-over per batch, no thread start),
 * an idle session holds none. After {@link #end()} the thread ends as soon as the queue is empty. A task that
 * throws is logged; the next ones run.
 *
 * <p>Thread-safe: {@link #execute} and {@link #end} may be called from any thread, under any lock that no task
 * takes while it waits for the caller (the session calls them after releasing its lock).
 */
final class Completer {
    /**
     * How long the thread waits for more once it has nothing to do. Long enough to span the round trip of a
     * session with one message in flight (a thread start saved per message), short enough that an idle session
     * soon holds no thread (a parked virtual thread holds about 1 KB: see docs/performance.md).
     */
    static final Duration LINGER = Duration.ofSeconds(1);

    private final ThreadFactory threads;
    private final long lingerNanos;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when a task is queued, or the completer ends, while the thread waits. */
    private final Condition work = lock.newCondition();
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    /** The thread running the tasks; null when none is. */
    private Thread thread;
    private boolean ended;

    /** A completer whose virtual threads are named {@code name}. */
    Completer(String name) {
        this(Thread.ofVirtual().name(name).factory(), LINGER);
    }

    Completer(ThreadFactory threads, Duration linger) {
        this.threads = threads;
        this.lingerNanos = linger.toNanos();
    }

    /** Queues {@code task} to run after the tasks queued before it, starting the thread if none runs. */
    void execute(Runnable task) {
        lock.lock();
        try {
            queue.add(task);
            if (thread == null) {
                thread = threads.newThread(this::run);
                thread.start();
            } else {
                work.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The session has ended: the thread ends once it has run the tasks queued, without waiting for more. */
    void end() {
        lock.lock();
        try {
            ended = true;
            work.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Whether the calling thread is the one running the tasks (a task is calling). */
    boolean isCurrentThread() {
        lock.lock();
        try {
            return thread == Thread.currentThread();
        } finally {
            lock.unlock();
        }
    }

    /** The thread running the tasks, if one is: for tests. */
    Thread thread() {
        lock.lock();
        try {
            return thread;
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        Runnable task;
        while ((task = next()) != null) {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                Endpoint.LOG.log(Level.WARNING, "a send future's completion threw", e);
            }
        }
    }

    /** The next task, waiting at most the linger for one; null when the thread is to end (it is forgotten then). */
    private Runnable next() {
        lock.lock();
        try {
            long remaining = lingerNanos;
            try {
                while (queue.isEmpty() && !ended && remaining > 0) {
                    remaining = work.awaitNanos(remaining);
                }
            } catch (InterruptedException e) {
                // nobody interrupts this thread but a shutdown: it stops waiting; a later task starts another
            }
            if (queue.isEmpty()) {
                thread = null;
                return null;
            }
            return queue.poll();
        } finally {
            lock.unlock();
        }
    }
}
