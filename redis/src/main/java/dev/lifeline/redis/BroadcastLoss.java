package dev.lifeline.redis;

/**
 * Entries of a topic that this node's subscribers did not get, reported by {@link RedisBroadcastHub} (to its loss
 * listener, in its log and in its health) rather than skipped in silence. Sequence numbers are the topic's.
 *
 * @param topic the topic
 * @param kind what happened
 * @param from the first sequence number concerned
 * @param to the last one concerned
 */
public record BroadcastLoss(String topic, Kind kind, long from, long to) {
    /** Why entries were not delivered. */
    public enum Kind {
        /**
         * The entries {@code from..to} had been trimmed from the topic's log (it keeps the newest {@code retain}
         * entries) before this node could read them: it was cut off from Redis, or stalled, while the others went on
         * publishing.
         */
        TRIMMED,
        /**
         * Redis's count for the topic went back from {@code from} to {@code to}: Redis restarted without the data
         * (no persistence, or persistence older than the last writes) or failed over to a replica that had not
         * received them. Publishes acknowledged by the old Redis after what it kept may have reached no subscriber.
         */
        REDIS_FORGOT
    }

    @Override
    public String toString() {
        return switch (kind) {
            case TRIMMED -> "topic '" + topic + "': entries " + from + ".." + to
                    + " were trimmed from the log before this node read them; its subscribers did not get them";
            case REDIS_FORGOT -> "topic '" + topic + "': Redis's count went back from " + from + " to " + to
                    + " (restart without the data, or failover); publishes acknowledged in between may be lost";
        };
    }
}
