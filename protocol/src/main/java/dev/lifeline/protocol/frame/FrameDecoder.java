package dev.lifeline.protocol.frame;

import dev.lifeline.protocol.CloseCode;
import dev.lifeline.protocol.ProtocolException;
import java.nio.ByteBuffer;

/**
 * Incremental frame parser, RFC 6455 §5.2: decodes a header, then hands out the unmasked payload in whatever
 * pieces the bytes arrive in, so that large frames stream into their destination without being buffered twice.
 * Every rule that a header alone can break is checked as soon as the bytes that break it arrive:
 * reserved opcodes, unnegotiated RSV bits (§5.2) and RSV bits on control frames (RFC 7692 §6.1), masking by side
 * (§5.1), control frames that are fragmented or longer than 125 bytes (§5.5), a 64-bit length with its most
 * significant bit set (§5.2), and frames above the size limit (1009, before any payload is buffered).
 *
 * <p>Use: {@link #readHeader} until it returns true, then {@link #readPayload} until {@link #remaining()} is 0,
 * then {@code readHeader} again. Not thread-safe.
 */
public final class FrameDecoder {
    private static final int MAX_HEADER = 14;

    private final boolean expectMasked;
    private final long maxFrameSize;
    private int allowedRsv;
    /** Bytes a data frame may exceed {@link #maxFrameSize} by: an extension's encoding overhead (see {@link #allowExpansion}). */
    private long expansion;

    private final byte[] header = new byte[MAX_HEADER];
    private int headerCount;
    private boolean inPayload;

    private Opcode opcode;
    private boolean fin;
    private int rsv;
    private long length;
    private boolean masked;
    private int maskKey;
    private long payloadRead;

    /**
     * @param expectMasked true on the server side (client frames MUST be masked), false on the client side (server
     *        frames MUST NOT be masked)
     * @param maxFrameSize the largest payload accepted in one frame; beyond it the frame fails with 1009
     */
    public FrameDecoder(boolean expectMasked, long maxFrameSize) {
        this.expectMasked = expectMasked;
        this.maxFrameSize = maxFrameSize;
    }

    /** Sets the RSV bits that negotiated extensions give a meaning to (§5.2: others MUST fail the connection). */
    public void allowRsv(int bits) {
        this.allowedRsv = bits;
    }

    /**
     * Lets data frames exceed the size limit by {@code bytes}, the overhead a negotiated extension's encoding may add
     * (permessage-deflate on incompressible data). A frame of a message that is not encoded is then held to the
     * limit exactly by whoever reassembles it, who knows the message's RSV bits.
     */
    public void allowExpansion(long bytes) {
        this.expansion = bytes;
    }

    /**
     * Consumes header bytes from {@code in}.
     *
     * @return true when a complete header has been decoded; its fields are then readable
     * @throws ProtocolException as soon as the bytes seen break a rule
     * @throws IllegalStateException if the previous frame's payload has not been read
     */
    public boolean readHeader(ByteBuffer in) {
        if (inPayload) {
            throw new IllegalStateException("payload of the previous frame not read: " + remaining() + " bytes");
        }
        if (!fill(in, 2)) {
            return false;
        }
        int b0 = header[0] & 0xFF;
        int b1 = header[1] & 0xFF;
        int len7 = b1 & 0x7F;
        checkFirstBytes(b0, b1, len7);
        int extra = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
        int need = 2 + extra + ((b1 & 0x80) != 0 ? 4 : 0);
        if (!fill(in, need)) {
            return false;
        }
        long len = len7;
        if (extra == 2) {
            len = ((header[2] & 0xFF) << 8) | (header[3] & 0xFF);
        } else if (extra == 8) {
            len = 0;
            for (int i = 2; i < 10; i++) {
                len = (len << 8) | (header[i] & 0xFF);
            }
            if (len < 0) {
                throw new ProtocolException(CloseCode.PROTOCOL_ERROR,
                        "64-bit payload length with the most significant bit set");
            }
        }
        if (len - expansion > maxFrameSize && (b0 & 0x08) == 0) { // control frames are bounded at 125 bytes instead
            throw frameTooBig(len, maxFrameSize);
        }
        masked = (b1 & 0x80) != 0;
        if (masked) {
            int p = 2 + extra;
            maskKey = ((header[p] & 0xFF) << 24) | ((header[p + 1] & 0xFF) << 16)
                    | ((header[p + 2] & 0xFF) << 8) | (header[p + 3] & 0xFF);
        }
        opcode = Opcode.fromWire(b0);
        fin = (b0 & 0x80) != 0;
        rsv = b0 & 0x70;
        length = len;
        payloadRead = 0;
        headerCount = 0;
        inPayload = len > 0;
        return true;
    }

    /**
     * Copies up to {@code max} payload bytes of the current frame from {@code in} into {@code dst}, unmasked.
     *
     * @return the number of bytes copied
     */
    public int readPayload(ByteBuffer in, byte[] dst, int off, int max) {
        int n = (int) Math.min(Math.min(max, in.remaining()), length - payloadRead);
        if (n <= 0) {
            return 0;
        }
        in.get(dst, off, n);
        if (masked) {
            Masking.mask(dst, off, n, maskKey, payloadRead);
        }
        payloadRead += n;
        inPayload = payloadRead < length;
        return n;
    }

    /** Payload bytes of the current frame not yet read. */
    public long remaining() {
        return length - payloadRead;
    }

    public Opcode opcode() {
        return opcode;
    }

    public boolean fin() {
        return fin;
    }

    public int rsv() {
        return rsv;
    }

    public long length() {
        return length;
    }

    /** 1009 for a data frame of {@code length} bytes above {@code limit} (RFC 6455 §7.4.1). */
    public static ProtocolException frameTooBig(long length, long limit) {
        return new ProtocolException(CloseCode.MESSAGE_TOO_BIG,
                "frame of " + length + " bytes exceeds the limit of " + limit + " bytes");
    }

    private void checkFirstBytes(int b0, int b1, int len7) {
        Opcode op = Opcode.fromWire(b0);
        if (op == null) {
            throw new ProtocolException(CloseCode.PROTOCOL_ERROR, "reserved opcode 0x" + Integer.toHexString(b0 & 0xF));
        }
        int rsvBits = b0 & 0x70;
        if ((rsvBits & ~allowedRsv) != 0) {
            throw new ProtocolException(CloseCode.PROTOCOL_ERROR,
                    "reserved bits 0b" + Integer.toBinaryString(rsvBits >> 4) + " set without a negotiated extension");
        }
        boolean isMasked = (b1 & 0x80) != 0;
        if (isMasked != expectMasked) {
            throw new ProtocolException(CloseCode.PROTOCOL_ERROR,
                    expectMasked ? "client frame is not masked" : "server frame is masked");
        }
        if (op.isControl()) {
            // RFC 7692 §6.1: "An endpoint MUST NOT set the "Per-Message Compressed" bit of control frames"; no
            // extension gives RSV bits a meaning on control frames, which the core handles by itself.
            if (rsvBits != 0) {
                throw new ProtocolException(CloseCode.PROTOCOL_ERROR, "reserved bits set on a " + op + " frame");
            }
            if ((b0 & 0x80) == 0) {
                throw new ProtocolException(CloseCode.PROTOCOL_ERROR, "fragmented " + op + " frame");
            }
            if (len7 > 125) {
                throw new ProtocolException(CloseCode.PROTOCOL_ERROR, op + " frame longer than 125 bytes");
            }
        }
    }

    private boolean fill(ByteBuffer in, int need) {
        int n = Math.min(need - headerCount, in.remaining());
        if (n > 0) {
            in.get(header, headerCount, n);
            headerCount += n;
        }
        return headerCount >= need;
    }
}
