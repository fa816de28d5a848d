package dev.lifeline.internal;

import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Timers for connections: close and open timeouts, keepalive Pings and their timeouts, the write watchdog, the
 * accept back-off. One {@link #shared()} instance serves every connection from one platform thread,
 * {@code lifeline-timers}, reading {@link System#nanoTime()}; tasks run there must not block: anything that writes to
 * a socket or runs user code starts a virtual thread. A test makes its own with {@link #stepped()}: no thread, a
 * clock that moves only when {@link #advance} steps it, and due tasks run on the stepping thread. A connection (and
 * a server, for its handshakes) is given its instance when it is made, and reads time only from its
 * {@link #nanoTime()}: every bound it keeps (keepalive, closing, the write watchdog, the open timeout) moves with
 * the stepped clock in a test.
 *
 * <p>The queue is a binary heap of {@link Entry}s ordered by deadline, then by the order they were armed (so entries
 * due at the same instant run in the order they were armed). An entry is intrusive: it holds its own deadline and
 * place in the heap, so that an owner that re-arms one entry (a connection's keepalive, every round) allocates
 * nothing, and a cancelled entry leaves the heap at once. The heap's lock is a leaf, taken under a connection's lock
 * (to arm or cancel), never held while an entry runs.
 */
final class Timers {
    /**
     * How often the watchdog looks at connections with a write under way or deferred: for writes blocked past
     * their connection's write timeout, and for deferred batches to write.
     */
    static final Duration WATCHDOG_TICK = Duration.ofMillis(50);
    /** The longest delay: longer ones are cut to it, so that deadlines never overflow (about 73 years). */
    private static final long MAX_DELAY_NANOS = Long.MAX_VALUE >> 2;

    private static final Timers SHARED = new Timers(false);

    /** A connection's write side, looked at by the write watchdog while a write is under way or deferred. */
    abstract static class Watched {
        /**
         * On the timer thread, {@code now} of this instance's clock: acts on a write blocked too long or a batch
         * deferred; returns whether to keep watching (a write is under way or deferred).
         */
        abstract boolean checkWriteTimeout(long now);

        /** On the timer thread, after it let go: true if a write began or was deferred meanwhile (watch it again). */
        abstract boolean unwatched();
    }

    /**
     * Something to run at a deadline, armed on one {@link Timers} at a time; guarded by that instance's lock. An
     * entry that is armed again before it ran moves to its new deadline; it runs once per arming.
     */
    abstract static class Entry {
        private long deadline;
        private long sequence;
        /** Its place in the heap, or -1 while not armed (or taken out to run). */
        private int index = -1;

        /** The deadline passed; runs on the timer thread (or the stepping one) without the timers' lock. */
        abstract void due();
    }

    /** A task run once, or every period until cancelled; {@link #cancel()} takes it out of the queue at once. */
    static final class Task extends Entry {
        private final Timers timers;
        private final Runnable task;
        /** 0 for a one-shot task. */
        private final long periodNanos;
        /** Set under the timers' lock, so that a repetition is never armed again once cancelled. */
        private volatile boolean cancelled;

        private Task(Timers timers, Runnable task, long periodNanos) {
            this.timers = timers;
            this.task = task;
            this.periodNanos = periodNanos;
        }

        /** The task will not run again (a run under way finishes). Any thread. */
        void cancel() {
            timers.cancel(this);
        }

        @Override
        void due() {
            if (cancelled) {
                return;
            }
            try {
                task.run();
            } finally {
                // a run that fails is logged by the caller and the next one comes all the same
                if (periodNanos > 0 && !cancelled) {
                    timers.arm(this, periodNanos);
                }
            }
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when the earliest deadline moves earlier (the thread waits for it). */
    private final Condition earlier = lock.newCondition();
    private final boolean stepped;
    private Entry[] heap = new Entry[64];
    private int size;
    private long armed;
    /** The clock of a stepped instance. */
    private long steppedNanos;
    private Thread thread;
    /**
     * The write sides of the connections with a write under way or deferred: what the write watchdog looks at (see
     * {@link #watch}).
     */
    private final Set<Watched> watched = ConcurrentHashMap.newKeySet();
    /** The write watchdog, armed by the first {@link #watch}. */
    private volatile Task watchdog;

    private Timers(boolean stepped) {
        this.stepped = stepped;
    }

    /** The instance every connection and server uses unless a test gave it another. */
    static Timers shared() {
        return SHARED;
    }

    /** For tests: an instance without a thread whose clock stands still until {@link #advance} steps it. */
    static Timers stepped() {
        return new Timers(true);
    }

    /** Runs {@code task} once after {@code delay} on the shared instance; a failure is logged. */
    static Task schedule(Runnable task, Duration delay) {
        return SHARED.after(task, delay);
    }

    /** Runs {@code task} once after {@code delay}; a failure is logged. */
    Task after(Runnable task, Duration delay) {
        Task t = new Task(this, task, 0);
        arm(t, delay);
        return t;
    }

    /**
     * Runs {@code task} every {@code period} until cancelled (fixed delay: the next period starts after a run). A run
     * that fails is logged and the next one comes all the same (the write watchdog depends on it).
     */
    Task every(Runnable task, Duration period) {
        long nanos = Math.max(1, period.toNanos());
        Task t = new Task(this, task, nanos);
        arm(t, nanos);
        return t;
    }

    /** This instance's clock: {@link System#nanoTime()}, or the stepped clock. */
    long nanoTime() {
        if (!stepped) {
            return System.nanoTime();
        }
        lock.lock();
        try {
            return steppedNanos;
        } finally {
            lock.unlock();
        }
    }

    /** Arms {@code entry} to run {@code delay} from now, moving it if it was armed already. Allocates nothing. */
    void arm(Entry entry, Duration delay) {
        arm(entry, saturatedNanos(delay));
    }

    private void arm(Entry entry, long delayNanos) {
        lock.lock();
        try {
            if (entry instanceof Task t && t.cancelled) {
                return;
            }
            long deadline = nanoTime() + Math.min(Math.max(0, delayNanos), MAX_DELAY_NANOS);
            if (entry.index >= 0) {
                removeAt(entry.index);
            }
            entry.deadline = deadline;
            entry.sequence = armed++;
            if (size == heap.length) {
                heap = Arrays.copyOf(heap, size * 2);
            }
            entry.index = size;
            heap[size++] = entry;
            siftUp(entry.index);
            if (entry.index == 0) {
                if (!stepped && thread == null) {
                    thread = Thread.ofPlatform().name("lifeline-timers").daemon().start(this::runForever);
                }
                earlier.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Takes {@code entry} out of the queue at once if it is armed; it will not run for that arming. */
    void cancel(Entry entry) {
        lock.lock();
        try {
            if (entry instanceof Task t) {
                t.cancelled = true;
            }
            if (entry.index >= 0) {
                removeAt(entry.index);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Whether {@code entry} is armed and waiting for its deadline. */
    boolean isArmed(Entry entry) {
        lock.lock();
        try {
            return entry.index >= 0;
        } finally {
            lock.unlock();
        }
    }

    /**
     * For a {@link #stepped()} instance: moves the clock forward by {@code step}, stopping at each deadline on the
     * way to run what is due then, in deadline order (entries armed meanwhile included), on the calling thread.
     */
    void advance(Duration step) {
        if (!stepped) {
            throw new IllegalStateException("only a stepped instance's clock can be advanced");
        }
        long target;
        lock.lock();
        try {
            target = steppedNanos + saturatedNanos(step);
        } finally {
            lock.unlock();
        }
        for (Entry next; (next = takeDue(target)) != null; ) {
            runLogged(next);
        }
        lock.lock();
        try {
            steppedNanos = target;
        } finally {
            lock.unlock();
        }
    }

    /** The earliest entry if due by {@code until}, taken out (the stepped clock moves to its deadline); else null. */
    private Entry takeDue(long until) {
        lock.lock();
        try {
            if (size == 0 || heap[0].deadline - until > 0) {
                return null;
            }
            Entry first = heap[0];
            if (stepped) {
                steppedNanos = Math.max(steppedNanos, first.deadline);
            }
            removeAt(0);
            return first;
        } finally {
            lock.unlock();
        }
    }

    /** The shared instance's thread: waits for the earliest deadline, runs what is due, forever. */
    private void runForever() {
        while (true) {
            Entry next;
            lock.lock();
            try {
                while ((next = takeDue(System.nanoTime())) == null) {
                    if (size == 0) {
                        earlier.awaitUninterruptibly();
                    } else {
                        earlier.awaitNanos(heap[0].deadline - System.nanoTime());
                    }
                }
            } catch (InterruptedException e) {
                continue; // nobody interrupts this thread; if someone did, it goes on
            } finally {
                lock.unlock();
            }
            runLogged(next);
        }
    }

    private static void runLogged(Entry entry) {
        try {
            entry.due();
        } catch (RuntimeException | Error e) {
            SafeLog.log(System.Logger.Level.ERROR, "lifeline-timers: a timer task failed", e);
        }
    }

    private static long saturatedNanos(Duration delay) {
        return delay.compareTo(Duration.ofNanos(MAX_DELAY_NANOS)) > 0 ? MAX_DELAY_NANOS : delay.toNanos();
    }

    private static boolean before(Entry a, Entry b) {
        long d = a.deadline - b.deadline;
        return d < 0 || d == 0 && a.sequence < b.sequence;
    }

    private void removeAt(int i) {
        Entry removed = heap[i];
        removed.index = -1;
        Entry last = heap[--size];
        heap[size] = null;
        if (i < size) {
            heap[i] = last;
            last.index = i;
            siftDown(i);
            siftUp(last.index);
        }
    }

    private void siftUp(int i) {
        Entry e = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!before(e, heap[parent])) {
                break;
            }
            place(heap[parent], i);
            i = parent;
        }
        place(e, i);
    }

    private void siftDown(int i) {
        Entry e = heap[i];
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && before(heap[child + 1], heap[child])) {
                child++;
            }
            if (!before(heap[child], e)) {
                break;
            }
            place(heap[child], i);
            i = child;
        }
        place(e, i);
    }

    private void place(Entry e, int i) {
        heap[i] = e;
        e.index = i;
    }

    /**
     * Puts a connection's write side under the write watchdog, which looks at it every {@link #WATCHDOG_TICK} of
     * this instance's clock; it stays there while {@link Watched#checkWriteTimeout} says so. Idle connections are
     * not watched, so they cost the timer thread nothing. The watchdog itself is armed by the first call.
     */
    void watch(Watched outgoing) {
        watched.add(outgoing);
        if (watchdog == null) {
            lock.lock();
            try {
                if (watchdog == null) {
                    watchdog = every(this::watchWrites, WATCHDOG_TICK);
                }
            } finally {
                lock.unlock();
            }
        }
    }

    void unwatch(Watched outgoing) {
        watched.remove(outgoing);
    }

    private void watchWrites() {
        long now = nanoTime();
        for (Watched outgoing : watched) {
            if (!outgoing.checkWriteTimeout(now)) {
                watched.remove(outgoing);
                if (outgoing.unwatched()) { // a write began meanwhile, and may have seen itself watched
                    watched.add(outgoing);
                }
            }
        }
    }
}
