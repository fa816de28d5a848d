package dev.lifeline.protocol.frame;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The client-to-server masking of RFC 6455 §5.3: byte {@code i} of the payload is XORed with byte {@code i mod 4}
 * of the masking key. Done eight bytes at a time on the hot path.
 */
public final class Masking {
    private static final VarHandle LONGS =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private Masking() {
    }

    /**
     * Masks (or unmasks: the operation is its own inverse) {@code len} bytes of {@code data} in place.
     *
     * @param key the 4-byte masking key as a big-endian int (first key byte in the high bits)
     * @param keyOffset how many payload bytes precede {@code off} in the frame, so that a payload handled in
     *        pieces is masked as if it were whole
     */
    public static void mask(byte[] data, int off, int len, int key, long keyOffset) {
        int k = Integer.rotateLeft(key, (int) (keyOffset & 3) * 8);
        long k8 = ((long) k << 32) | (k & 0xFFFFFFFFL);
        int i = off;
        int end = off + len;
        for (int limit = end - 7; i < limit; i += 8) {
            LONGS.set(data, i, (long) LONGS.get(data, i) ^ k8);
        }
        for (int shift = 24; i < end; i++, shift = (shift - 8) & 31) {
            data[i] ^= (byte) (k >>> shift);
        }
    }
}
