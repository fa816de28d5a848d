package dev.lifeline.bench.load;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * The content of every benchmark message: a fixed template whose first {@value #SEQ_DIGITS} bytes carry the
 * message's sequence number as lowercase hex digits, so that an echo proves both its content and its place in the
 * stream. Text payloads are ASCII; binary payloads are pseudo-random bytes from a fixed seed.
 *
 * <p>A payload may be seen through a masking key (RFC 6455 §5.3): {@link #masked(int)} gives the bytes as they sit
 * in a client frame, which is what a raw TCP echo returns. Key 0 is the plain payload. Immutable.
 */
public final class Payload {
    /** Bytes at the start of each payload that hold the sequence number. */
    public static final int SEQ_DIGITS = 16;
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FILLER = "The quick brown fox jumps over the lazy dog; "
            .getBytes(StandardCharsets.US_ASCII);

    private final byte[] template;
    private final boolean text;
    private final int maskKey;

    private Payload(byte[] template, boolean text, int maskKey) {
        this.template = template;
        this.text = text;
        this.maskKey = maskKey;
    }

    /** A payload of {@code size} bytes (at least {@value #SEQ_DIGITS}). */
    public static Payload of(int size, boolean text) {
        if (size < SEQ_DIGITS) {
            throw new IllegalArgumentException("a payload holds at least " + SEQ_DIGITS + " bytes: " + size);
        }
        byte[] t = new byte[size];
        if (text) {
            for (int i = 0; i < size; i++) {
                t[i] = FILLER[i % FILLER.length];
            }
        } else {
            new SplittableRandom(6455).nextBytes(t);
        }
        return new Payload(t, text, 0);
    }

    /** The same payload as it appears masked with {@code key} (big-endian, first key byte in the high bits). */
    public Payload masked(int key) {
        byte[] t = template.clone();
        for (int i = 0; i < t.length; i++) {
            t[i] ^= keyByte(key, i);
        }
        return new Payload(t, text, key);
    }

    public int size() {
        return template.length;
    }

    public boolean text() {
        return text;
    }

    /** Byte {@code i} of message {@code seq}. */
    public byte byteAt(long seq, int i) {
        return i < SEQ_DIGITS ? seqByte(seq, i) : template[i];
    }

    /** Writes message {@code seq}'s sequence bytes at {@code at} in {@code dst} (absolute index). */
    public void writeSeq(long seq, ByteBuffer dst, int at) {
        for (int i = 0; i < SEQ_DIGITS; i++) {
            dst.put(at + i, seqByte(seq, i));
        }
    }

    /** Writes message {@code seq}'s sequence bytes at the start of {@code dst}. */
    public void writeSeq(long seq, byte[] dst) {
        for (int i = 0; i < SEQ_DIGITS; i++) {
            dst[i] = seqByte(seq, i);
        }
    }

    /** Message {@code seq} as a new array. */
    public byte[] bytes(long seq) {
        byte[] b = template.clone();
        writeSeq(seq, b);
        return b;
    }

    /** Message {@code seq} as text (only for unmasked text payloads). */
    public String string(long seq) {
        return new String(bytes(seq), StandardCharsets.ISO_8859_1);
    }

    /** Copies template bytes {@code [from, from + len)} into {@code dst} at its position. */
    public void copyTemplate(int from, int len, ByteBuffer dst) {
        dst.put(template, from, len);
    }

    /** Compares {@code len} bytes of {@code src} at absolute index {@code at} with bytes {@code [from, ...)} of
     *  message {@code seq}; returns the offset in the message of the first difference, or -1. */
    public int mismatch(long seq, int from, ByteBuffer src, int at, int len) {
        int i = 0;
        for (; i < len && from + i < SEQ_DIGITS; i++) {
            if (src.get(at + i) != seqByte(seq, from + i)) {
                return from + i;
            }
        }
        if (i == len) {
            return -1;
        }
        int rest = len - i;
        int m;
        if (rest < 256) {
            m = -1;
            for (int j = 0; j < rest; j++) {
                if (src.get(at + i + j) != template[from + i + j]) {
                    m = j;
                    break;
                }
            }
        } else {
            m = src.slice(at + i, rest).mismatch(ByteBuffer.wrap(template, from + i, rest).slice());
        }
        return m < 0 ? -1 : from + i + m;
    }

    /** Compares a whole text message with message {@code seq}; returns the first differing index or -1. */
    public int mismatch(long seq, CharSequence s) {
        int n = Math.min(s.length(), template.length);
        for (int i = 0; i < n; i++) {
            if (s.charAt(i) != (byteAt(seq, i) & 0xFF)) {
                return i;
            }
        }
        return s.length() == template.length ? -1 : n;
    }

    private byte seqByte(long seq, int i) {
        int digit = (int) (seq >>> (4 * (SEQ_DIGITS - 1 - i))) & 0xF;
        return (byte) (HEX[digit] ^ keyByte(maskKey, i));
    }

    private static byte keyByte(int key, int i) {
        return (byte) (key >>> (24 - 8 * (i & 3)));
    }
}
