package dev.lifeline.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * A connection's read buffer. Read from a stream (a blocking reader), it is a heap buffer sized by the traffic: it
 * doubles after a read that filled it (up to 64 KiB), and halves after a run of reads that used less than a quarter
 * of it (down to 512 bytes), so that a connection that goes quiet holds little memory while its reader waits.
 *
 * <p>Read from a channel (a non-blocking reader, see {@link Reader}), it is a direct buffer of 64 KiB borrowed from a
 * pool shared by every connection for one read, and given back ({@link #release}) as soon as the protocol has taken
 * what it keeps: a connection holds none between reads, so the pool needs about one buffer per carrier thread. The JDK reads into a direct buffer as is, where reading into a heap
 * array costs a copy from a temporary direct buffer of its own. Used by the reader thread only.
 */
final class ReadBuffer {
    static final int MIN = 512;
    static final int MAX = 64 * 1024;
    static final int SMALL_READS_BEFORE_SHRINKING = 4;
    /** At most this many free direct buffers wait in the pool (2 MiB); more are left to the garbage collector. */
    private static final ArrayBlockingQueue<ByteBuffer> POOL = new ArrayBlockingQueue<>(32);

    private final boolean pooled;
    private ByteBuffer buffer;
    private int smallReads;

    /** @param pooled a direct buffer borrowed from the pool, for reading from a channel; else a heap buffer */
    ReadBuffer(boolean pooled) {
        this.pooled = pooled;
        this.buffer = pooled ? null : ByteBuffer.allocate(MIN);
    }

    int capacity() {
        return buffer == null ? 0 : buffer.capacity();
    }

    /** Reads once from {@code channel} into a pooled buffer; -1 at the end of the input, 0 if nothing is there. */
    int read(ReadableByteChannel channel) throws IOException {
        if (buffer == null) {
            ByteBuffer free = POOL.poll();
            buffer = free != null ? free : ByteBuffer.allocateDirect(MAX);
        }
        buffer.clear();
        return channel.read(buffer);
    }

    /** Reads once from {@code in} into the heap buffer; -1 at the end of the input. */
    int read(InputStream in) throws IOException {
        return in.read(buffer.array(), 0, buffer.capacity());
    }

    /** The {@code n} bytes the last read brought, ready to be consumed. */
    ByteBuffer filled(int n) {
        return buffer.limit(n).position(0);
    }

    /** A pooled buffer goes back to the pool (the next read borrows one again); the bytes read are gone. */
    void release() {
        if (pooled && buffer != null) {
            POOL.offer(buffer);
            buffer = null;
        }
    }

    /** Adapts the size of a heap buffer to a read of {@code n} bytes. */
    void adapt(int n) {
        if (pooled) {
            return;
        }
        int size = buffer.capacity();
        if (n == size && size < MAX) {
            smallReads = 0;
            buffer = ByteBuffer.allocate(size * 2);
        } else if (n < size / 4 && size > MIN) {
            if (++smallReads >= SMALL_READS_BEFORE_SHRINKING) {
                smallReads = 0;
                buffer = ByteBuffer.allocate(size / 2);
            }
        } else {
            smallReads = 0;
        }
    }
}
