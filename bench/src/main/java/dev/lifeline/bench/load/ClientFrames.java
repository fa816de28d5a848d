package dev.lifeline.bench.load;

import java.nio.ByteBuffer;

/** Prebuilt client frames (RFC 6455 §5.2, masked as §5.3 requires) for the load generator. */
final class ClientFrames {
    private ClientFrames() {
    }

    /** Bytes one masked frame with a payload of {@code size} bytes takes. */
    static int length(int size) {
        return header(size) + size;
    }

    private static int header(int size) {
        return (size <= 125 ? 2 : size <= 0xFFFF ? 4 : 10) + 4;
    }

    /**
     * {@code copies} frames of {@code masked} (the payload already masked with {@link EchoLoad#MASK_KEY}) in a direct
     * buffer, back to back; the sequence numbers are patched in when sending. Returned with limit 0: nothing to send.
     */
    static ByteBuffer build(Payload masked, boolean text, int copies) {
        int size = masked.size();
        ByteBuffer b = ByteBuffer.allocateDirect(length(size) * copies);
        for (int c = 0; c < copies; c++) {
            putHeader(b, 0x80 | (text ? 1 : 2), size);
            masked.copyTemplate(0, size, b);
        }
        return b.clear().limit(0);
    }

    /** One masked frame (FIN set) of {@code opcode} with {@code payload}, ready to write. */
    static ByteBuffer frame(int opcode, byte[] payload) {
        ByteBuffer frame = ByteBuffer.allocate(length(payload.length));
        putHeader(frame, 0x80 | opcode, payload.length);
        for (int i = 0; i < payload.length; i++) {
            frame.put((byte) (payload[i] ^ EchoLoad.MASK_KEY >>> 8 * (3 - i % 4)));
        }
        return frame.flip();
    }

    /** Puts the header of a masked frame: {@code b0} (FIN, RSV, opcode), the length, {@link EchoLoad#MASK_KEY}. */
    static void putHeader(ByteBuffer b, int b0, int size) {
        b.put((byte) b0);
        if (size <= 125) {
            b.put((byte) (0x80 | size));
        } else if (size <= 0xFFFF) {
            b.put((byte) (0x80 | 126)).putShort((short) size);
        } else {
            b.put((byte) (0x80 | 127)).putLong(size);
        }
        b.putInt(EchoLoad.MASK_KEY);
    }
}
