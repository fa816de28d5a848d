package dev.lifeline.protocol.extension;

import dev.lifeline.protocol.frame.Frame;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.zip.Deflater;

/**
 * Compresses the outgoing messages of one connection, RFC 7692 §7.2.1: every frame is deflated and flushed with an
 * empty stored block ({@code 00 00 ff ff}), which is removed from the last frame of the message. With context
 * takeover the deflater keeps its window from message to message; without it the deflater is borrowed from the
 * pool for one message and given back empty.
 *
 * <p>The JDK's {@code Deflater} always uses a 2^15-byte window. When the peer allows a smaller one (a {@code
 * max_window_bits} below 15), a full flush empties the dictionary at least every 2^N bytes of input, so that no
 * back-reference reaches further than the peer can remember. Not thread-safe: the protocol's owner calls it.
 */
final class MessageDeflater {
    /** The empty stored block that a sync flush ends with, removed at the end of a message (§7.2.1 step 3). */
    static final byte[] TAIL = {0x00, 0x00, (byte) 0xFF, (byte) 0xFF};
    static final byte[] NO_INPUT = {};

    private final ZlibPool pool;
    private final boolean contextTakeover;
    private final int windowBits;
    private final int minSize;

    /** Null until a compressed message starts; kept between messages only with context takeover. */
    private Deflater deflater;
    /** Whether the message being sent is compressed: decided on its first frame. */
    private boolean compressing;
    /** Input bytes since the dictionary was last emptied; only counted for windows below 2^15. */
    private int sinceFullFlush;

    /**
     * @param windowBits the base-2 logarithm of the largest window the peer accepts, 8 to 15
     * @param minSize whole messages shorter than this are sent uncompressed
     */
    MessageDeflater(ZlibPool pool, boolean contextTakeover, int windowBits, int minSize) {
        this.pool = pool;
        this.contextTakeover = contextTakeover;
        this.windowBits = windowBits;
        this.minSize = minSize;
    }

    boolean contextTakeover() {
        return contextTakeover;
    }

    int windowBits() {
        return windowBits;
    }

    /**
     * What a whole message's compressed form depends on besides the message: without context takeover, the
     * deflater starts each message empty, so the level, the window and the size threshold decide every byte; with
     * it, earlier messages do too (empty).
     */
    Optional<Object> messageEncoding() {
        return contextTakeover ? Optional.empty()
                : Optional.of(new StatelessEncoding(pool.level(), windowBits, minSize));
    }

    /** The parameters that decide a message's compressed form without context takeover. */
    private record StatelessEncoding(int level, int windowBits, int minSize) {
    }

    /**
     * Compresses one outgoing data frame. §6.1: the "Per-Message Compressed" bit (RSV1) is set on the first frame
     * of a compressed message only; a message sent whole below {@code minSize} is left alone.
     */
    Frame encode(Frame frame, boolean firstOfMessage) {
        if (firstOfMessage) {
            compressing = !frame.fin() || frame.length() >= minSize;
        }
        if (!compressing) {
            return frame;
        }
        if (deflater == null) {
            deflater = pool.deflater();
        }
        GrowableBytes out = new GrowableBytes(Math.max(64, frame.length() / 2 + 16));
        deflate(frame.payload().duplicate(), out);
        ByteBuffer payload = out.buffer();
        if (frame.fin()) {
            payload = endOfMessage(out);
            if (!contextTakeover) {
                releaseDeflater();
            }
        }
        return new Frame(frame.opcode(), frame.fin(), firstOfMessage ? Frame.RSV1 : 0, payload);
    }

    /** Gives the deflater back; called when the connection ends. */
    void release() {
        if (deflater != null) {
            releaseDeflater();
        }
    }

    boolean holdsDeflater() {
        return deflater != null;
    }

    private void releaseDeflater() {
        pool.giveBack(deflater);
        deflater = null;
        sinceFullFlush = 0;
    }

    /** Deflates all of {@code input} and flushes, emptying the dictionary every 2^windowBits bytes if below 15. */
    private void deflate(ByteBuffer input, GrowableBytes out) {
        boolean smallWindow = windowBits < DeflateParameters.MAX_WINDOW_BITS;
        int window = 1 << windowBits;
        do {
            int chunk = smallWindow ? Math.min(input.remaining(), window - sinceFullFlush) : input.remaining();
            deflater.setInput(input.slice(input.position(), chunk));
            input.position(input.position() + chunk);
            boolean windowFull = smallWindow && (sinceFullFlush += chunk) == window;
            drain(out, windowFull ? Deflater.FULL_FLUSH : Deflater.SYNC_FLUSH);
            if (windowFull) {
                sinceFullFlush = 0;
            }
        } while (input.hasRemaining());
        // A deflater kept for context takeover would otherwise hold on to the message until the next one.
        deflater.setInput(NO_INPUT);
    }

    /** Calls the deflater until the flush is complete, which it is when it leaves output space unused. */
    private void drain(GrowableBytes out, int flush) {
        while (true) {
            if (out.room() == 0) {
                out.grow(Integer.MAX_VALUE);
            }
            out.advance(deflater.deflate(out.array(), out.size(), out.room(), flush));
            if (out.room() > 0) {
                return;
            }
        }
    }

    /**
     * §7.2.1 steps 2 and 3: the data must end with an empty stored block, whose 4 octets {@code 00 00 ff ff} are
     * then removed. A flush puts it there. When zlib had nothing to flush (an empty last fragment, or an empty
     * message with context takeover) its output is empty; appending an empty stored block and removing its 4 last
     * octets then leaves its first byte, {@code 00} (BFINAL 0, BTYPE 00, padding).
     */
    private static ByteBuffer endOfMessage(GrowableBytes out) {
        if (out.endsWith(TAIL)) {
            out.truncate(TAIL.length);
        } else {
            out.append((byte) 0x00);
        }
        return out.buffer();
    }
}
