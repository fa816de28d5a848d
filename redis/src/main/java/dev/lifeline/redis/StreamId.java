package dev.lifeline.redis;

/**
 * A Redis Stream entry id, {@code ms-n}: ordered by time, then by its number within the millisecond.
 *
 * @param millis the first part
 * @param number the second part
 */
record StreamId(long millis, long number) implements Comparable<StreamId> {
    /** Before every entry: where a node starts in a topic that has none yet. */
    static final StreamId ZERO = new StreamId(0, 0);

    static StreamId parse(String id) {
        int dash = id.indexOf('-');
        if (dash < 0) {
            throw new IllegalArgumentException("not a stream id: " + id);
        }
        return new StreamId(Long.parseLong(id, 0, dash, 10), Long.parseLong(id, dash + 1, id.length(), 10));
    }

    @Override
    public int compareTo(StreamId other) {
        int byTime = Long.compare(millis, other.millis);
        return byTime != 0 ? byTime : Long.compare(number, other.number);
    }

    @Override
    public String toString() {
        return millis + "-" + number;
    }
}
