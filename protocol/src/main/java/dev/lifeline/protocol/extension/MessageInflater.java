package dev.lifeline.protocol.extension;

import dev.lifeline.protocol.CloseCode;
import dev.lifeline.protocol.ProtocolException;
import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decompresses the incoming messages of one connection, RFC 7692 §7.2.2: appends {@code 00 00 ff ff} to the
 * payload and inflates it. With context takeover the inflater keeps its window from message to message; without
 * it the inflater is borrowed from the pool for one message and given back empty. The JDK's {@code Inflater}
 * always has a 2^15-byte window, so it reads streams made with any smaller window too.
 *
 * <p>Inflation is bounded while it runs: the output grows by doubling up to {@code maxSize} bytes, and one more
 * byte fails the message with 1009, so a small bomb costs at most {@code maxSize} bytes of memory, never allocated
 * up front. Not thread-safe: the protocol's owner calls it.
 */
final class MessageInflater {
    private static final int MIN_CAPACITY = 256;
    private static final int MAX_INITIAL_CAPACITY = 64 * 1024;

    private final ZlibPool pool;
    private final boolean contextTakeover;
    /** Null until a compressed message arrives; kept between messages only with context takeover. */
    private Inflater inflater;

    MessageInflater(ZlibPool pool, boolean contextTakeover) {
        this.pool = pool;
        this.contextTakeover = contextTakeover;
    }

    boolean contextTakeover() {
        return contextTakeover;
    }

    /**
     * The decompressed message.
     *
     * @throws ProtocolException 1009 as soon as the output would pass {@code maxSize}; 1007 for data that is not
     *         valid DEFLATE
     */
    ByteBuffer decode(ByteBuffer payload, int maxSize) {
        if (inflater == null) {
            inflater = pool.inflater();
        }
        try {
            GrowableBytes out = new GrowableBytes((int) Math.min(maxSize,
                    Math.max(MIN_CAPACITY, Math.min(4L * payload.remaining(), MAX_INITIAL_CAPACITY))));
            inflate(payload, out, maxSize);
            if (!inflater.finished()) {
                inflate(ByteBuffer.wrap(MessageDeflater.TAIL), out, maxSize);
            }
            if (inflater.finished()) {
                // §7.2.3.4: the sender ended the DEFLATE stream with a BFINAL block; the next message starts a new one.
                inflater.reset();
            }
            inflater.setInput(MessageDeflater.NO_INPUT);
            return out.buffer();
        } catch (DataFormatException e) {
            throw new ProtocolException(CloseCode.INVALID_PAYLOAD, "invalid compressed data: " + e.getMessage());
        } finally {
            if (!contextTakeover) {
                releaseInflater();
            }
        }
    }

    /** Gives the inflater back; called when the connection ends. */
    void release() {
        if (inflater != null) {
            releaseInflater();
        }
    }

    boolean holdsInflater() {
        return inflater != null;
    }

    private void releaseInflater() {
        pool.giveBack(inflater);
        inflater = null;
    }

    /** Inflates all of {@code input} into {@code out}, which may grow to {@code maxSize} bytes and no further. */
    private void inflate(ByteBuffer input, GrowableBytes out, int maxSize) throws DataFormatException {
        inflater.setInput(input);
        while (!inflater.finished()) {
            if (out.room() == 0) {
                if (out.size() >= maxSize) {
                    expectNoMoreOutput(maxSize);
                    return;
                }
                out.grow(maxSize);
            }
            int room = out.room();
            int n = inflater.inflate(out.array(), out.size(), room);
            out.advance(n);
            if (n < room) {
                // With room left, zlib stops only at the end of the input or of the stream.
                if (inflater.needsInput() || inflater.finished()) {
                    return;
                }
                if (n == 0) {
                    throw stalled();
                }
            }
        }
    }

    /** The output is full at {@code maxSize}: any further byte makes the message too big. */
    private void expectNoMoreOutput(int maxSize) throws DataFormatException {
        if (inflater.inflate(new byte[1]) > 0) {
            throw new ProtocolException(CloseCode.MESSAGE_TOO_BIG,
                    "compressed message inflates to more than the limit of " + maxSize + " bytes");
        }
        if (!inflater.needsInput() && !inflater.finished()) {
            throw stalled();
        }
    }

    /** Input left, room left, nothing produced: only a preset dictionary does that, which raw DEFLATE never has. */
    private static ProtocolException stalled() {
        return new ProtocolException(CloseCode.INVALID_PAYLOAD, "compressed data that cannot be inflated further");
    }
}
