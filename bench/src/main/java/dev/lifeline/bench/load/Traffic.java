package dev.lifeline.bench.load;

import java.nio.ByteBuffer;

/**
 * The messages a run sends and how their echoes are checked: plain messages patched with their sequence number
 * ({@link PlainTraffic}), or compressed ones ({@link DeflatedTraffic}). The load generator only frames the bytes a
 * {@link Connection} lays out and hands it the payload of every echo frame.
 */
public interface Traffic {
    /** Payload bytes of each message as the application sees it (uncompressed). */
    int size();

    /** Whether messages are text (opcode 1) rather than binary (opcode 2). */
    boolean text();

    /**
     * One connection's share of the traffic.
     *
     * @param index names the connection in error messages
     * @param raw the target is a raw TCP echo: echoes are our own masked frames
     * @param inFlight messages in flight at most, hence in one batch at most
     */
    Connection connection(int index, boolean raw, int inFlight);

    /** One connection's outgoing frames and echo check. Not thread-safe: driven by one thread. */
    interface Connection {
        /** The direct buffer the generator writes from; {@link #fill} lays frames out in it. */
        ByteBuffer out();

        /**
         * Lays out the masked client frames of messages {@code seq, seq + 1, ...}, at most {@code max} of them, in
         * {@link #out()} from position 0 to its limit; returns how many.
         */
        int fill(long seq, int max);

        /** The RSV bits (RFC 6455 §5.2, as in the first header byte) an echo's first or later frame must carry. */
        int rsv(boolean first);

        /** Checks (or keeps) {@code len} more payload bytes of the current echo, at absolute index {@code at}. */
        void chunk(ByteBuffer src, int at, int len);

        /** Ends the current echo, which must be complete and right; returns its sequence number. */
        long end();

        /** Sequence number of the next echo expected. */
        long next();
    }
}
