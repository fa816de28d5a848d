package dev.lifeline.protocol.extension;

import java.nio.ByteBuffer;
import java.util.Arrays;

/** A byte array that zlib writes into and that doubles when full, never beyond a limit. Not thread-safe. */
final class GrowableBytes {
    private static final int MIN_GROWTH = 1024;

    private byte[] array;
    private int size;

    GrowableBytes(int capacity) {
        this.array = new byte[capacity];
    }

    byte[] array() {
        return array;
    }

    int size() {
        return size;
    }

    /** Free bytes after {@link #size()}. */
    int room() {
        return array.length - size;
    }

    void advance(int written) {
        size += written;
    }

    /** Doubles the capacity (at least {@value #MIN_GROWTH} bytes more), but to no more than {@code limit} bytes. */
    void grow(int limit) {
        int capacity = (int) Math.min(limit, Math.max(2L * array.length, (long) array.length + MIN_GROWTH));
        array = Arrays.copyOf(array, capacity);
    }

    /** Whether the last bytes are {@code tail}. */
    boolean endsWith(byte[] tail) {
        return size >= tail.length && Arrays.equals(array, size - tail.length, size, tail, 0, tail.length);
    }

    void append(byte b) {
        if (room() == 0) {
            grow(Integer.MAX_VALUE);
        }
        array[size++] = b;
    }

    /** Drops the last {@code n} bytes. */
    void truncate(int n) {
        size -= n;
    }

    /** The bytes written so far (not copied). */
    ByteBuffer buffer() {
        return ByteBuffer.wrap(array, 0, size);
    }
}
