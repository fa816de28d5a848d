package dev.lifeline.internal;

import dev.lifeline.OperationInterruptedException;
import dev.lifeline.WebSocketOptions;
import dev.lifeline.protocol.Outbound;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The write side of a connection. Bytes are queued in protocol order under the connection's lock; whoever holds
 * {@link #writeLock} writes everything queued, so concurrent small sends coalesce into few syscalls and frames
 * never interleave. A write blocked longer than {@code writeTimeout} drops the connection (see
 * {@link #checkWriteTimeout}).
 *
 * <p>Threads: a send writes on its own thread and waits for room ({@link #flush}); what must not wait (a reader's
 * Pong, a deferred batch, a TLS connection's broadcast frame) is written by a flush thread ({@link #flushIfIdle}); a
 * broadcast's writer writes many connections' frames without waiting ({@link #writeWithoutWaiting}), leaving only
 * what a non-blocking socket does not take at once to a flush thread.
 *
 * <p>Two locks, in this order: {@link #writeLock}, then the connection's (see the package documentation). A method
 * that needs the connection's lock ends in {@code Locked}, one that needs {@link #writeLock} in
 * {@code HoldingWriteLock}; each asserts it.
 */
final class Outgoing extends Timers.Watched {
    /** Queued buffers up to this size are copied into one write. */
    private static final int COALESCE_LIMIT = 64 * 1024;

    private final ProtocolGuard guard;
    private final Transport transport;
    /** The connection's timers: the write watchdog's, and the clock a write's start is read from. */
    private final Timers timers;
    private final WebSocketOptions options;
    private final ReentrantLock writeLock = new ReentrantLock();

    /** Guarded by the connection's lock. */
    private final ArrayDeque<Outbound> pending = new ArrayDeque<>(4);
    /** Bytes queued or being written. Guarded by the connection's lock. */
    private long pendingBytes;
    /**
     * Frames were queued without being written, by the thread that is receiving while more messages wait (see
     * {@link #deferLocked()}). Written under the connection's lock, read by the watchdog without it.
     */
    private volatile boolean deferred;
    /** The thread whose sends were deferred, while {@link #deferred}. */
    private volatile Thread deferrer;
    /** Bytes ever queued. Guarded by the connection's lock. */
    private long queuedTotal;
    /** Bytes ever handed to TCP successfully; never decreases. */
    private volatile long writtenTotal;
    /** When the write in progress began (on the clock of {@link #timers}), or 0. */
    private volatile long writeStarted;
    /** Whether the watchdog watches this connection: while a write is under way or deferred (see {@link #watch}). */
    private volatile boolean watched;
    /** A thread of {@link #flushIfIdle} was started and has not looked at the queue yet. */
    private volatile boolean flushStarting;
    /** Only touched while holding {@link #writeLock}. */
    private boolean eofWritten;

    Outgoing(ProtocolGuard guard, Transport transport, Timers timers, WebSocketOptions options) {
        this.guard = guard;
        this.transport = transport;
        this.timers = timers;
        this.options = options;
    }

    /** Queues the protocol's output. Caller holds the connection's lock. */
    void queueLocked(List<Outbound> items) {
        assert guard.lock.isHeldByCurrentThread();
        for (int i = 0; i < items.size(); i++) { // by index: no iterator per send
            if (items.get(i) instanceof Outbound.Data data) {
                queueLocked(data);
            } else {
                pending.add(items.get(i));
            }
        }
    }

    /**
     * Queues bytes to write; a broadcast's frame is one instance shared by many connections
     * ({@code Protocol.sendSharedFrame}), which is fine since no queued buffer's position is ever moved here (they
     * are read by absolute index, or through views). Caller holds the connection's lock.
     */
    void queueLocked(Outbound.Data frame) {
        assert guard.lock.isHeldByCurrentThread();
        pending.add(frame);
        int size = frame.bytes().remaining();
        pendingBytes += size;
        queuedTotal += size;
    }

    long pendingBytesLocked() {
        assert guard.lock.isHeldByCurrentThread();
        return pendingBytes;
    }

    /** How many bytes were ever queued: a mark for {@link #written}. Caller holds the connection's lock. */
    long queuedLocked() {
        assert guard.lock.isHeldByCurrentThread();
        return queuedTotal;
    }

    /**
     * Leaves what is queued unwritten for now: the thread that sent it is receiving and more messages wait, so its
     * next sends join the same write. It is written before that thread waits for a message, by any other write,
     * or by the watchdog within a tick. Caller holds the connection's lock.
     */
    void deferLocked() {
        assert guard.lock.isHeldByCurrentThread();
        deferrer = Thread.currentThread();
        deferred = true;
        watch();
    }

    /**
     * Puts the connection under the watchdog after a write began or was deferred. The watchdog lets go of it on a
     * tick that finds neither, then calls {@link #unwatched()}: if a write began meanwhile without registering
     * (it saw the flag still set), that call sees the write and the watchdog registers it again.
     */
    private void watch() {
        if (!watched) {
            watched = true;
            timers.watch(this);
        }
    }

    /** On the timer thread, after it let go: clears the flag; true if a write began or was deferred meanwhile. */
    @Override
    boolean unwatched() {
        watched = false;
        if (writeStarted != 0 || deferred) {
            watched = true;
            return true;
        }
        return false;
    }

    /** Whether frames that {@code thread} sent wait for a deferred write. */
    boolean deferredBy(Thread thread) {
        return deferred && deferrer == thread;
    }

    /** Whether frames wait for a deferred write. Caller holds the connection's lock. */
    boolean deferredLocked() {
        assert guard.lock.isHeldByCurrentThread();
        return deferred;
    }

    /** Whether every byte up to {@code mark} (from {@link #queuedLocked()}) was handed to TCP. */
    boolean written(long mark) {
        return writtenTotal >= mark;
    }

    /**
     * Outbound backpressure: waits while more than {@code writeLimit} bytes are waiting, at most about
     * {@code writeTimeout} (by then the watchdog has dropped a stuck connection). Caller holds the lock.
     *
     * @throws OperationInterruptedException when the thread is interrupted while it waits
     */
    void awaitRoomLocked(int size) {
        assert guard.lock.isHeldByCurrentThread();
        long remaining = options.writeTimeout().plusSeconds(1).toNanos();
        while (pendingBytes > 0 && pendingBytes + size > options.writeLimit() && guard.isOpenLocked()
                && remaining > 0) {
            try {
                remaining = guard.changed.awaitNanos(remaining);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new OperationInterruptedException("interrupted while waiting for room to send; nothing was sent",
                        e);
            }
        }
    }

    /**
     * Writes everything queued. With {@code wait}, blocks until the bytes queued so far are written (by this
     * thread or by the one already writing); without, returns at once if another thread is writing: that thread
     * writes what was queued before it releases the write lock.
     */
    void flush(boolean wait) {
        assert !guard.lock.isHeldByCurrentThread() : "writeLock is taken before the connection's lock";
        boolean block = wait;
        while (true) {
            if (block) {
                writeLock.lock();
            } else if (!writeLock.tryLock()) {
                return;
            }
            try {
                drainHoldingWriteLock(true);
            } finally {
                writeLock.unlock();
            }
            if (!hasPending()) {
                return;
            }
            block = false;
        }
    }

    /**
     * Writes what is queued now, on the calling thread, as far as TCP takes it without waiting; what it does not
     * take is left to {@link #flushIfIdle}, in order. For a broadcast's writer ({@link Broadcast}): one
     * non-blocking write per connection from one thread costs less than a thread per connection, and never waits
     * for a peer. The queued frames go through {@code scratch}, a direct buffer of the calling thread's that it
     * reuses from connection to connection: copied there, they are handed to TCP without the copy into a temporary
     * direct buffer that the JDK makes of a heap buffer, and without allocating (see
     * {@link #writeCopiedHoldingWriteLock}). A blocking transport (TLS) takes nothing without waiting
     * ({@link Transport#tryWrite}): its frames go back to the queue, as one, for a flush thread. A connection another
     * thread is writing is left to that thread, which writes what was queued before it releases the write lock (see
     * {@link #flush}).
     */
    void writeWithoutWaiting(ByteBuffer scratch) {
        assert !guard.lock.isHeldByCurrentThread() : "writeLock is taken before the connection's lock";
        if (!writeLock.tryLock()) {
            return;
        }
        boolean all;
        try {
            all = writeCopiedHoldingWriteLock(scratch);
        } finally {
            writeLock.unlock();
        }
        if (!all || hasPending()) { // a rest TCP did not take, or bytes queued while the write lock was being let go
            flushIfIdle();
        }
    }

    /**
     * Takes the frames at the head of the queue while they fit in {@code scratch}, copying them there, and writes them
     * with one non-blocking write, until nothing is queued: true then. What TCP does not take at once goes back to
     * the head of the queue (as a copy: {@code scratch} is reused), and false is returned. A head that is no frame
     * (a half-close) or does not fit, or an output already ended, is left to {@link #drainHoldingWriteLock}.
     */
    private boolean writeCopiedHoldingWriteLock(ByteBuffer scratch) {
        assert writeLock.isHeldByCurrentThread();
        while (!eofWritten) {
            scratch.clear();
            guard.lock.lock();
            try {
                deferred = false;
                deferrer = null;
                while (pending.peekFirst() instanceof Outbound.Data d && d.bytes().remaining() <= scratch.remaining()) {
                    ByteBuffer bytes = d.bytes();
                    scratch.put(scratch.position(), bytes, bytes.position(), bytes.remaining()); // leaves it as it is
                    scratch.position(scratch.position() + bytes.remaining());
                    pending.pollFirst();
                }
                if (scratch.position() == 0 && pending.isEmpty()) {
                    return true;
                }
            } finally {
                guard.lock.unlock();
            }
            if (scratch.position() == 0) {
                break;
            }
            scratch.flip();
            int size = scratch.remaining();
            boolean all = true;
            try {
                all = transport.tryWrite(scratch);
                writtenTotal += size - scratch.remaining(); // only this thread writes it, holding writeLock
            } catch (IOException e) {
                scratch.position(scratch.limit()); // accounted for, as drain does: the connection is failing
                guard.writeFailed(Transport.asSocketException(e));
            }
            guard.lock.lock();
            try {
                pendingBytes -= size - scratch.remaining();
                if (!all) {
                    byte[] rest = new byte[scratch.remaining()];
                    scratch.get(rest);
                    pending.addFirst(new Outbound.Data(ByteBuffer.wrap(rest))); // before what was queued meanwhile
                }
                guard.changed.signalAll();
            } finally {
                guard.lock.unlock();
            }
            if (!all) {
                return false;
            }
        }
        return drainHoldingWriteLock(false);
    }

    /**
     * Writes what is queued, but only if nobody is writing, from a virtual thread of its own; none is started while
     * one started before has not begun yet: that one writes what was queued meanwhile (broadcasts in a burst start
     * one thread per connection that needs one, not one per message).
     */
    void flushIfIdle() {
        if (flushStarting) {
            return;
        }
        flushStarting = true;
        Thread.ofVirtual().name("lifeline-flush-" + guard.id).start(() -> {
            flushStarting = false; // before flush looks at the queue, so what is queued after this starts another
            flush(false);
        });
    }

    /**
     * On the timer thread, {@code now} of the connection's timers: drops the connection (from a virtual thread) if a
     * write has been blocked for more than {@code writeTimeout}, and writes a deferred batch. Returns whether to keep
     * watching: a write is under way or deferred.
     */
    @Override
    boolean checkWriteTimeout(long now) {
        if (deferred) {
            flushIfIdle(); // a receiving thread deferred a write and then did something else for a while
        }
        long started = writeStarted;
        Duration limit = options.writeTimeout();
        if (started != 0 && now - started > limit.toNanos()) {
            writeStarted = 0;
            guard.telemetry.writeStalled();
            IOException timeout = new IOException("write timed out after " + limit + ": the peer is not reading");
            Thread.ofVirtual().name("lifeline-write-timeout-" + guard.id).start(() -> {
                guard.writeFailed(timeout);
                guard.log(Level.INFO, "write blocked for more than " + limit + "; dropped the connection");
            });
        }
        return started != 0 || deferred;
    }

    private boolean hasPending() {
        guard.lock.lock();
        try {
            return !pending.isEmpty();
        } finally {
            guard.lock.unlock();
        }
    }

    /**
     * Writes what is queued until nothing is. Without {@code wait}, stops at the first
     * write TCP does not take whole and puts the rest back at the head of the queue, in order: returns false then.
     */
    private boolean drainHoldingWriteLock(boolean wait) {
        assert writeLock.isHeldByCurrentThread();
        while (true) {
            ArrayList<Outbound> batch;
            guard.lock.lock();
            try {
                deferred = false;
                deferrer = null;
                if (pending.isEmpty()) {
                    return true;
                }
                batch = new ArrayList<>(pending);
                pending.clear();
            } finally {
                guard.lock.unlock();
            }
            long written = writeHoldingWriteLock(batch, wait);
            guard.lock.lock();
            try {
                pendingBytes -= written;
                for (int i = batch.size() - 1; i >= 0; i--) {
                    pending.addFirst(batch.get(i)); // before whatever was queued while this thread wrote
                }
                guard.changed.signalAll();
            } finally {
                guard.lock.unlock();
            }
            if (!batch.isEmpty()) {
                return false;
            }
        }
    }

    /**
     * Writes a batch, coalescing small buffers; returns the bytes it accounted for (all of them, even on error).
     * Without {@code wait}, a write TCP does not take whole ends it: what is left of the batch stays in
     * {@code batch} (emptied otherwise) and is not accounted for.
     */
    private long writeHoldingWriteLock(ArrayList<Outbound> batch, boolean wait) {
        assert writeLock.isHeldByCurrentThread();
        long total = 0;
        int i = 0;
        try {
            while (i < batch.size()) {
                Outbound item = batch.get(i);
                if (item instanceof Outbound.Eof) {
                    i++;
                    halfCloseHoldingWriteLock();
                    continue;
                }
                int end = i;
                int size = 0;
                while (end < batch.size() && batch.get(end) instanceof Outbound.Data d
                        && (end == i || size + d.bytes().remaining() <= COALESCE_LIMIT)) {
                    size += d.bytes().remaining();
                    end++;
                }
                if (size < COALESCE_LIMIT && end < batch.size() && batch.get(end) instanceof Outbound.Data big) {
                    // a large buffer (a lent payload) follows small ones (its header): its first bytes join them,
                    // rather than the header going out alone in a tiny segment
                    int take = COALESCE_LIMIT - size;
                    ByteBuffer bytes = big.bytes();
                    batch.set(end, new Outbound.Data(bytes.slice(bytes.position(), take)));
                    batch.add(end + 1, new Outbound.Data(bytes.slice(bytes.position() + take, bytes.remaining() - take)));
                    size += take;
                    end++;
                }
                if (eofWritten) {
                    total += size;
                    i = end;
                    continue;
                }
                ByteBuffer run = joined(batch.subList(i, end), size);
                if (wait) {
                    writeBytes(run);
                } else if (!transport.tryWrite(run)) {
                    int taken = size - run.remaining();
                    total += taken;
                    writtenTotal += taken; // only this thread writes it, holding writeLock
                    batch.subList(0, end).clear();
                    batch.add(0, new Outbound.Data(run));
                    return total;
                }
                total += size;
                writtenTotal += size;
                i = end;
            }
        } catch (IOException e) {
            for (; i < batch.size(); i++) {
                if (batch.get(i) instanceof Outbound.Data d) {
                    total += d.bytes().remaining();
                }
            }
            guard.writeFailed(Transport.asSocketException(e));
        }
        batch.clear();
        return total;
    }

    /** One buffer of {@code size} bytes with the run's bytes: the run's own buffer if it has one, else a copy. */
    private static ByteBuffer joined(List<Outbound> run, int size) {
        if (run.size() == 1) {
            return ((Outbound.Data) run.get(0)).bytes().duplicate();
        }
        byte[] joined = new byte[size];
        int p = 0;
        for (Outbound item : run) {
            ByteBuffer b = ((Outbound.Data) item).bytes();
            int n = b.remaining();
            System.arraycopy(b.array(), b.arrayOffset() + b.position(), joined, p, n);
            p += n;
        }
        return ByteBuffer.wrap(joined);
    }

    /** Hands all of {@code bytes} to TCP, waiting for room, under the write watchdog. */
    private void writeBytes(ByteBuffer bytes) throws IOException {
        writeStarted = timers.nanoTime() | 1;
        watch();
        try {
            transport.write(bytes);
        } finally {
            writeStarted = 0;
        }
    }

    /** Our FIN: the protocol asked to half-close (RFC 6455 §7.1.1: the server closes TCP first). */
    private void halfCloseHoldingWriteLock() throws IOException {
        assert writeLock.isHeldByCurrentThread();
        if (eofWritten) {
            return;
        }
        eofWritten = true;
        transport.shutdownOutput();
    }
}
