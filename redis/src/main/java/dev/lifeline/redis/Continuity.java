package dev.lifeline.redis;

/**
 * Where one node is in one topic's log, and what to do with each entry it hears of. Pure: no Redis, no threads.
 *
 * <p>An entry has two numbers: its <em>sequence</em> (1, 2, 3 ... counted by Redis in the same script that appends
 * it) and its stream <em>id</em> ({@code ms-n}, always increasing). The id says whether an entry is new to this node;
 * the sequence says whether anything was skipped. Pub/sub notifications may be lost, so a live entry is delivered
 * only if it is the very next one; otherwise the node reads the log ({@link #fromLog}). Reading the log finds what
 * was trimmed away before this node read it (sequence numbers skipped) and what Redis itself forgot (a restart
 * without persistence, a failover to a replica that missed writes: the sequence goes back).
 *
 * <p>Owned by one thread (the hub's pump).
 */
final class Continuity {
    /** What to do with an entry. */
    enum Decision {
        /** The next one: deliver it. */
        DELIVER,
        /** Seen already (or before this node started following): ignore it. */
        DUPLICATE,
        /** Something came before it that this node has not seen: read the log from where the node is. */
        REFILL
    }

    /**
     * What reading an entry from the log found besides the entry itself.
     *
     * @param skippedFrom first sequence number missing from the log (trimmed before this node read it); 0 if none
     * @param skippedTo last one missing
     * @param wentBackFrom the sequence this node had reached when Redis's count went back; 0 if it did not
     */
    record Found(long skippedFrom, long skippedTo, long wentBackFrom) {
        static final Found NOTHING = new Found(0, 0, 0);

        boolean nothing() {
            return skippedFrom == 0 && wentBackFrom == 0;
        }
    }

    private long lastSeq;
    private StreamId lastId;

    /** Starts after the entry {@code (seq, id)}: the topic's newest when this node began to follow it. */
    Continuity(long seq, StreamId id) {
        this.lastSeq = seq;
        this.lastId = id;
    }

    long lastSeq() {
        return lastSeq;
    }

    StreamId lastId() {
        return lastId;
    }

    /** A notification: deliver it (and count it as delivered) only if it is the next one. */
    Decision live(long seq, StreamId id) {
        if (id.compareTo(lastId) <= 0) {
            return Decision.DUPLICATE;
        }
        if (seq != lastSeq + 1) {
            return Decision.REFILL;
        }
        advance(seq, id);
        return Decision.DELIVER;
    }

    /**
     * An entry read from the log after {@link #lastId()}, in id order: it is delivered (and counted), and the answer
     * says what was lost before it.
     */
    Found fromLog(long seq, StreamId id) {
        if (id.compareTo(lastId) <= 0) {
            throw new IllegalArgumentException("entry " + id + " is not after " + lastId);
        }
        Found found = seq == lastSeq + 1 ? Found.NOTHING
                : seq > lastSeq + 1 ? new Found(lastSeq + 1, seq - 1, 0)
                : new Found(0, 0, lastSeq);
        advance(seq, id);
        return found;
    }

    private void advance(long seq, StreamId id) {
        lastSeq = seq;
        lastId = id;
    }
}
