package dev.lifeline.reliable;

import java.lang.System.Logger.Level;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs one session's completions (its send futures' stages, and with them the application's dependent actions)
 * one after another, in the order they were handed over, on a virtual thread of its own: never on the thread that
 * hands them over (a session thread), never under a lock (it takes none).
 *
 * <p>A thread is started when a task arrives and none is running; it runs every task queued, including those
 * queued meanwhile, and ends when none is left. So a session holds no thread while its completions are done (an
 * idle or ended session holds none), and a burst of completions takes one thread. Keeping a thread parked for the
 * next task instead would cost about 800 bytes per session and, measured, more CPU per hand-over than starting a
 * virtual thread (docs/performance.md). A task that throws is logged; the next ones run.
 *
 * <p>Thread-safe: {@link #execute} may be called from any thread, holding any lock.
 */
final class Completer {
    private static final VarHandle THREAD;

    static {
        try {
            THREAD = MethodHandles.lookup().findVarHandle(Completer.class, "thread", Thread.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ThreadFactory threads;
    private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
    /** Tasks queued and not yet run: a thread runs while this is above 0, and only the one that raised it from 0. */
    private final AtomicInteger queued = new AtomicInteger();
    /** The thread running the tasks; null when none is. Set through {@link #THREAD}. */
    private volatile Thread thread;

    /** A completer whose virtual threads are named {@code name}. */
    Completer(String name) {
        this(Thread.ofVirtual().name(name).factory());
    }

    Completer(ThreadFactory threads) {
        this.threads = threads;
    }

    /** Queues {@code task} to run after the tasks queued before it, starting a thread if none runs. */
    void execute(Runnable task) {
        queue.add(task); // before counting it: a thread that finds the count above 0 finds the task
        if (queued.getAndIncrement() == 0) {
            threads.newThread(this::run).start();
        }
    }

    /** Whether the calling thread is the one running the tasks (a task is calling). */
    boolean isCurrentThread() {
        return thread == Thread.currentThread();
    }

    /** The thread running the tasks, if one is: for tests. */
    Thread thread() {
        return thread;
    }

    private void run() {
        Thread self = Thread.currentThread();
        thread = self;
        do {
            try {
                queue.poll().run();
            } catch (RuntimeException | Error e) {
                Endpoint.LOG.log(Level.WARNING, "a send future's completion threw", e);
            }
        } while (queued.decrementAndGet() > 0);
        THREAD.compareAndSet(this, self, null); // unless the next task's thread has started already
    }
}
