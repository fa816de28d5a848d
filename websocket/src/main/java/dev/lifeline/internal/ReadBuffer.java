package dev.lifeline.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * A connection's read buffer, sized by the traffic: it doubles after a read that filled it (up to 64 KiB), and
 * halves after a run of reads that used less than a quarter of it (down to 512 bytes), so that a connection that
 * goes quiet holds little memory while its reader waits. Read through a channel, it is a direct buffer: the JDK
 * then reads into it as is, where reading into a heap array costs a copy from a temporary direct buffer of its own.
 * Used by the reader thread only.
 */
final class ReadBuffer {
    static final int MIN = 512;
    static final int MAX = 64 * 1024;
    static final int SMALL_READS_BEFORE_SHRINKING = 4;

    private final boolean direct;
    private ByteBuffer buffer;
    private int smallReads;

    /** A heap buffer, for reading from a stream. */
    ReadBuffer() {
        this(false);
    }

    ReadBuffer(boolean direct) {
        this.direct = direct;
        this.buffer = allocate(MIN);
    }

    int capacity() {
        return buffer.capacity();
    }

    boolean isDirect() {
        return buffer.isDirect();
    }

    /** Reads once from {@code channel} if there is one, else from {@code in}; -1 at the end of the input. */
    int read(ReadableByteChannel channel, InputStream in) throws IOException {
        buffer.clear();
        return channel != null ? channel.read(buffer) : in.read(buffer.array(), 0, buffer.capacity());
    }

    /** The {@code n} bytes the last read brought, ready to be consumed. */
    ByteBuffer filled(int n) {
        return buffer.limit(n).position(0);
    }

    /** Adapts the size to a read of {@code n} bytes. */
    void adapt(int n) {
        int size = buffer.capacity();
        if (n == size && size < MAX) {
            smallReads = 0;
            buffer = allocate(size * 2);
        } else if (n < size / 4 && size > MIN) {
            if (++smallReads >= SMALL_READS_BEFORE_SHRINKING) {
                smallReads = 0;
                buffer = allocate(size / 2);
            }
        } else {
            smallReads = 0;
        }
    }

    private ByteBuffer allocate(int size) {
        return direct ? ByteBuffer.allocateDirect(size) : ByteBuffer.allocate(size);
    }
}
