package dev.lifeline.bench.load;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Compressed text messages (permessage-deflate, RFC 7692) negotiated without context takeover both ways, so that
 * every message compresses on its own. A fixed set of {@link JsonRecords} documents is compressed and masked into
 * complete client frames once (RSV1 set, §6; the final {@code 00 00 ff ff} removed, §7.2.1); message {@code seq}
 * is document {@code seq % count}, and sending it copies its prebuilt frame.
 *
 * <p>Each echo must be one compressed message (RSV1 on its first frame only): its frames' payloads are gathered,
 * {@code 00 00 ff ff} appended (§7.2.2), inflated by the connection's {@link Inflater} (reset for every message,
 * as no context takeover requires), and the result compared with the document sent. Against a raw TCP echo, our
 * own masked frames come back: they are unmasked and inflated the same way, so that reference costs the generator
 * at least as much as a real server's echoes do.
 */
public final class DeflatedTraffic implements Traffic {
    private static final int DOCUMENTS = 64;
    private static final long SEED = 7692;
    private static final int BATCH_BYTES = 64 * 1024;
    private static final byte[] TAIL = {0, 0, (byte) 0xFF, (byte) 0xFF};

    private final int size;
    private final byte[][] documents;
    private final byte[][] frames;
    private final long compressedBytes;
    private final int maxFrame;

    /** Compressible JSON documents of {@code size} bytes each. */
    public DeflatedTraffic(int size) {
        this.size = size;
        this.documents = JsonRecords.generate(DOCUMENTS, size, SEED);
        this.frames = new byte[DOCUMENTS][];
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        int max = 0;
        long total = 0;
        for (int i = 0; i < DOCUMENTS; i++) {
            byte[] masked = compress(deflater, documents[i]);
            mask(masked, masked.length);
            frames[i] = frame(masked);
            max = Math.max(max, frames[i].length);
            total += masked.length;
        }
        deflater.end();
        this.maxFrame = max;
        this.compressedBytes = total;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public boolean text() {
        return true;
    }

    /** Uncompressed bytes sent per compressed payload byte, over all documents. */
    public double ratio() {
        return (double) size * DOCUMENTS / compressedBytes;
    }

    /** Document {@code seq % count}: the text of message {@code seq}. */
    public byte[] document(long seq) {
        return documents[(int) (seq % DOCUMENTS)];
    }

    @Override
    public Connection connection(int index, boolean raw, int inFlight) {
        int batch = Math.clamp(BATCH_BYTES / maxFrame, 1, inFlight);
        return new Compressed(ByteBuffer.allocateDirect(batch * maxFrame), raw, "connection " + index);
    }

    /** Raw DEFLATE with a sync flush, without its final empty block's {@code 00 00 ff ff} (RFC 7692 §7.2.1). */
    private static byte[] compress(Deflater deflater, byte[] document) {
        deflater.reset();
        deflater.setInput(document);
        byte[] out = new byte[document.length + 64];
        int n = deflater.deflate(out, 0, out.length, Deflater.SYNC_FLUSH);
        if (n == out.length || n < TAIL.length
                || !Arrays.equals(out, n - TAIL.length, n, TAIL, 0, TAIL.length)) {
            throw new IllegalStateException("deflate did not end with a sync flush in " + out.length + " bytes");
        }
        return Arrays.copyOf(out, n - TAIL.length);
    }

    /** Masks (or unmasks) {@code b[0, len)} with {@link EchoLoad#MASK_KEY} (RFC 6455 §5.3). */
    private static void mask(byte[] b, int len) {
        for (int i = 0; i < len; i++) {
            b[i] ^= (byte) (EchoLoad.MASK_KEY >>> (24 - 8 * (i & 3)));
        }
    }

    /** A whole masked client frame: FIN, RSV1, text (RFC 6455 §5.2). */
    private static byte[] frame(byte[] maskedPayload) {
        ByteBuffer b = ByteBuffer.allocate(ClientFrames.length(maskedPayload.length));
        ClientFrames.putHeader(b, 0x80 | 0x40 | 1, maskedPayload.length);
        return b.put(maskedPayload).array();
    }

    private final class Compressed implements Connection {
        private final ByteBuffer out;
        private final boolean raw;
        private final String where;
        private final Inflater inflater = new Inflater(true);
        private final byte[] inflated = new byte[size + 1];
        private byte[] gathered = new byte[maxFrame + TAIL.length];
        private int length;
        private long seq;

        Compressed(ByteBuffer out, boolean raw, String where) {
            this.out = out;
            this.raw = raw;
            this.where = where;
        }

        @Override
        public ByteBuffer out() {
            return out;
        }

        @Override
        public int fill(long first, int max) {
            out.clear();
            int n = 0;
            while (n < max) {
                byte[] f = frames[(int) ((first + n) % DOCUMENTS)];
                if (f.length > out.remaining()) {
                    break;
                }
                out.put(f);
                n++;
            }
            out.flip();
            return n;
        }

        @Override
        public int rsv(boolean first) {
            return first ? 0x40 : 0;
        }

        @Override
        public void chunk(ByteBuffer src, int at, int len) {
            if (length + len + TAIL.length > gathered.length) {
                if (length + len > 16 * size) {
                    throw new EchoException(where + ": compressed echo of message " + seq + " exceeds "
                            + 16 * size + " bytes");
                }
                gathered = Arrays.copyOf(gathered, Math.max(2 * gathered.length, length + len + TAIL.length));
            }
            src.get(at, gathered, length, len);
            length += len;
        }

        @Override
        public long end() {
            if (raw) {
                mask(gathered, length);
            }
            System.arraycopy(TAIL, 0, gathered, length, TAIL.length);
            inflater.reset();
            inflater.setInput(gathered, 0, length + TAIL.length);
            int n;
            try {
                n = inflater.inflate(inflated);
            } catch (DataFormatException e) {
                throw new EchoException(where + ": echo of message " + seq + " is not valid DEFLATE data ("
                        + e.getMessage() + ")");
            }
            byte[] expected = document(seq);
            int m = Arrays.mismatch(inflated, 0, n, expected, 0, expected.length);
            if (m >= 0) {
                throw new EchoException(where + ": echo of message " + seq + (m < Math.min(n, expected.length)
                        ? " differs at byte " + m + " once inflated"
                        : " inflates to " + (n > expected.length ? "more than " + expected.length : n)
                                + " bytes, sent " + expected.length));
            }
            length = 0;
            return seq++;
        }

        @Override
        public long next() {
            return seq;
        }

        @Override
        public String toString() {
            return where;
        }
    }
}
