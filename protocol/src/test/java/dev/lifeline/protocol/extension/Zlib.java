package dev.lifeline.protocol.extension;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.zip.Deflater;

/**
 * Test helpers that compress the way RFC 7692 §7.2.1 says, with the JDK's zlib used directly (not through the code
 * under test), so that tests can feed the protocol compressed payloads of their choosing.
 */
public final class Zlib {
    private Zlib() {
    }

    /** One message: raw DEFLATE, sync-flushed, with the trailing {@code 00 00 ff ff} removed. */
    public static byte[] compress(byte[] data) {
        return stripTail(syncFlushed(new Deflater(Deflater.DEFAULT_COMPRESSION, true), data));
    }

    /** Deflates {@code data} with a sync flush, keeping the trailing empty stored block; ends the deflater. */
    public static byte[] syncFlushed(Deflater deflater, byte[] data) {
        deflater.setInput(data);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        int n;
        do {
            n = deflater.deflate(chunk, 0, chunk.length, Deflater.SYNC_FLUSH);
            out.write(chunk, 0, n);
        } while (n == chunk.length);
        deflater.end();
        return out.toByteArray();
    }

    /** Removes the 4 octets {@code 00 00 ff ff} that a sync flush ends with (§7.2.1 step 3). */
    public static byte[] stripTail(byte[] flushed) {
        byte[] tail = {0, 0, (byte) 0xff, (byte) 0xff};
        if (!Arrays.equals(flushed, flushed.length - 4, flushed.length, tail, 0, 4)) {
            throw new IllegalArgumentException("not sync-flushed");
        }
        return Arrays.copyOf(flushed, flushed.length - 4);
    }

    /** {@code copies} times {@code block}: a stream of self-contained sync-flushed pieces is one valid stream. */
    public static byte[] repeat(byte[] block, int copies) {
        byte[] out = new byte[block.length * copies];
        for (int i = 0; i < copies; i++) {
            System.arraycopy(block, 0, out, i * block.length, block.length);
        }
        return out;
    }
}
