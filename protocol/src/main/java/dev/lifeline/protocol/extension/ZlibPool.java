package dev.lifeline.protocol.extension;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Idle zlib streams shared by the connections of one {@link PerMessageDeflate}, so that a connection without
 * context takeover holds none between messages. A stream is borrowed for one message (or, with context takeover,
 * from the first compressed message to the end of the connection) and given back reset. At most {@code capacity}
 * idle streams of each kind are kept; more are ended at once, so a burst does not pin native memory.
 *
 * <p>Thread-safe.
 */
final class ZlibPool {
    private final int level;
    private final int capacity;
    private final ArrayBlockingQueue<Deflater> deflaters;
    private final ArrayBlockingQueue<Inflater> inflaters;

    /**
     * @param level the compression level of the deflaters, 0-9 or {@link Deflater#DEFAULT_COMPRESSION}
     * @param capacity idle streams kept of each kind; 0 ends every stream when it is given back
     */
    ZlibPool(int level, int capacity) {
        this.level = level;
        this.capacity = capacity;
        this.deflaters = new ArrayBlockingQueue<>(Math.max(1, capacity));
        this.inflaters = new ArrayBlockingQueue<>(Math.max(1, capacity));
    }

    /** An idle deflater producing raw DEFLATE (RFC 1951, no zlib header), or a new one. */
    Deflater deflater() {
        Deflater deflater = deflaters.poll();
        return deflater != null ? deflater : new Deflater(level, true);
    }

    /** An idle inflater for raw DEFLATE, or a new one. */
    Inflater inflater() {
        Inflater inflater = inflaters.poll();
        return inflater != null ? inflater : new Inflater(true);
    }

    /** Takes a deflater back, reset to an empty window; ends it if the pool is full. */
    void giveBack(Deflater deflater) {
        deflater.reset();
        if (capacity == 0 || !deflaters.offer(deflater)) {
            deflater.end();
        }
    }

    /** Takes an inflater back, reset to an empty window; ends it if the pool is full. */
    void giveBack(Inflater inflater) {
        inflater.reset();
        if (capacity == 0 || !inflaters.offer(inflater)) {
            inflater.end();
        }
    }

    /** The compression level of its deflaters. */
    int level() {
        return level;
    }

    int idleDeflaters() {
        return deflaters.size();
    }

    int idleInflaters() {
        return inflaters.size();
    }
}
