package dev.lifeline.protocol.frame;

import java.nio.ByteBuffer;

/**
 * Serializes frames, RFC 6455 §5.2: the shortest of the 7-, 16- and 64-bit length forms (§5.2 "the minimal
 * number of bytes MUST be used"), then the masking key and the masked payload when masking.
 */
public final class FrameEncoder {
    private FrameEncoder() {
    }

    /** Bytes the header takes for a payload of {@code length} bytes. */
    public static int headerLength(int length, boolean masked) {
        int base = length <= 125 ? 2 : length <= 0xFFFF ? 4 : 10;
        return masked ? base + 4 : base;
    }

    /**
     * Writes {@code frame} into a new heap buffer, header and payload together, flipped for reading.
     *
     * @param masked whether to mask (clients MUST, servers MUST NOT, §5.1)
     * @param maskKey the masking key as a big-endian int; ignored when not masking
     */
    public static ByteBuffer encode(Frame frame, boolean masked, int maskKey) {
        ByteBuffer payload = frame.payload();
        int length = payload.remaining();
        int headerLength = headerLength(length, masked);
        byte[] out = new byte[headerLength + length];
        int p = writeHeader(out, frame.opcode(), frame.fin(), frame.rsv(), length, masked, maskKey);
        payload.duplicate().get(out, p, length);
        if (masked) {
            Masking.mask(out, p, length, maskKey, 0);
        }
        return ByteBuffer.wrap(out);
    }

    /** The header alone of an unmasked (server) frame, for a payload written separately. */
    public static ByteBuffer encodeHeader(Frame frame) {
        int length = frame.payload().remaining();
        byte[] out = new byte[headerLength(length, false)];
        writeHeader(out, frame.opcode(), frame.fin(), frame.rsv(), length, false, 0);
        return ByteBuffer.wrap(out);
    }

    /** Writes a frame header at the start of {@code out}; returns its length. */
    static int writeHeader(byte[] out, Opcode opcode, boolean fin, int rsv, int length, boolean masked, int maskKey) {
        out[0] = (byte) ((fin ? 0x80 : 0) | rsv | opcode.wire());
        int maskBit = masked ? 0x80 : 0;
        int p;
        if (length <= 125) {
            out[1] = (byte) (maskBit | length);
            p = 2;
        } else if (length <= 0xFFFF) {
            out[1] = (byte) (maskBit | 126);
            out[2] = (byte) (length >>> 8);
            out[3] = (byte) length;
            p = 4;
        } else {
            out[1] = (byte) (maskBit | 127);
            long len = length;
            for (int i = 0; i < 8; i++) {
                out[2 + i] = (byte) (len >>> (56 - 8 * i));
            }
            p = 10;
        }
        if (masked) {
            out[p] = (byte) (maskKey >>> 24);
            out[p + 1] = (byte) (maskKey >>> 16);
            out[p + 2] = (byte) (maskKey >>> 8);
            out[p + 3] = (byte) maskKey;
            p += 4;
        }
        return p;
    }
}
