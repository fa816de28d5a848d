package dev.lifeline.protocol.frame;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Incremental UTF-8 validation (RFC 3629 §4, as RFC 6455 §8.1 requires for text): bytes may arrive in pieces,
 * split anywhere, and the first invalid byte is reported as soon as it is seen, not at the end of the message.
 * Rejects overlong forms, surrogates (U+D800-DFFF) and code points above U+10FFFF. ASCII runs are checked eight
 * bytes at a time.
 */
public final class Utf8Validator {
    private static final VarHandle LONGS =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080808080808080L;

    /** Continuation bytes still expected for the current code point. */
    private int pending;
    /** Bounds for the next continuation byte (they narrow after E0, ED, F0 and F4). */
    private int low = 0x80;
    private int high = 0xBF;

    /**
     * Checks {@code len} more bytes of the stream.
     *
     * @return the index in {@code data} of the first invalid byte, or -1 when all are valid so far
     */
    public int feed(byte[] data, int off, int len) {
        int i = off;
        int end = off + len;
        while (i < end) {
            if (pending == 0) {
                while (i + 8 <= end && ((long) LONGS.get(data, i) & HIGH_BITS) == 0) {
                    i += 8;
                }
                if (i == end) {
                    break;
                }
                int b = data[i] & 0xFF;
                if (b < 0x80) {
                    i++;
                    continue;
                }
                if (!lead(b)) {
                    return i;
                }
                i++;
            } else {
                int b = data[i] & 0xFF;
                if (b < low || b > high) {
                    return i;
                }
                low = 0x80;
                high = 0xBF;
                pending--;
                i++;
            }
        }
        return -1;
    }

    /** True when the bytes fed so far end on a code point boundary. */
    public boolean isComplete() {
        return pending == 0;
    }

    /** Forgets a partial code point, ready for the next message. */
    public void reset() {
        pending = 0;
        low = 0x80;
        high = 0xBF;
    }

    /** Checks a whole byte sequence at once. */
    public static boolean isValid(byte[] data, int off, int len) {
        Utf8Validator v = new Utf8Validator();
        return v.feed(data, off, len) < 0 && v.isComplete();
    }

    private boolean lead(int b) {
        if (b >= 0xC2 && b <= 0xDF) {
            pending = 1;
        } else if (b >= 0xE0 && b <= 0xEF) {
            pending = 2;
            if (b == 0xE0) {
                low = 0xA0; // overlong
            } else if (b == 0xED) {
                high = 0x9F; // surrogates
            }
        } else if (b >= 0xF0 && b <= 0xF4) {
            pending = 3;
            if (b == 0xF0) {
                low = 0x90; // overlong
            } else if (b == 0xF4) {
                high = 0x8F; // above U+10FFFF
            }
        } else {
            return false; // continuation byte without a lead, C0/C1 overlong, or F5..FF
        }
        return true;
    }
}
