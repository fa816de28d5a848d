package dev.lifeline.internal;

/**
 * A connection's read buffer, sized by the traffic: it doubles after a read that filled it (up to 64 KiB), and
 * halves after a run of reads that used less than a quarter of it (down to 512 bytes), so that a connection that
 * goes quiet holds little memory while its reader waits. Used by the reader thread only.
 */
final class ReadBuffer {
    static final int MIN = 512;
    static final int MAX = 64 * 1024;
    static final int SMALL_READS_BEFORE_SHRINKING = 4;

    private byte[] array = new byte[MIN];
    private int smallReads;

    byte[] array() {
        return array;
    }

    /** Adapts the size to a read of {@code n} bytes into {@link #array()}. */
    void adapt(int n) {
        if (n == array.length && array.length < MAX) {
            smallReads = 0;
            array = new byte[array.length * 2];
        } else if (n < array.length / 4 && array.length > MIN) {
            if (++smallReads >= SMALL_READS_BEFORE_SHRINKING) {
                smallReads = 0;
                array = new byte[array.length / 2];
            }
        } else {
            smallReads = 0;
        }
    }
}
