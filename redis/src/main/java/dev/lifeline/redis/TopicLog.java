package dev.lifeline.redis;

import dev.lifeline.Message;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The Redis side of a broadcast topic: its keys, the one script that appends an entry, and reading entries back.
 *
 * <p>Per topic, under one hash tag (one Cluster slot): {@code lifeline:bc:{topic}:seq} (the count of entries ever
 * appended) and {@code lifeline:bc:{topic}:log} (a Redis Stream of the newest entries, at least {@code retain} of
 * them: {@code XADD MAXLEN ~}). Each entry has the fields {@code s} (sequence), {@code k} ({@code t} text, {@code b}
 * binary), {@code o} (origin: which node's publish) and {@code d} (the payload). After appending, the same script
 * publishes a notification on {@code lifeline:bc:{topic}:live}: {@code "<id> <seq> <kind> <origin>\n"} then the
 * payload. The count, the entry and the notification are one atomic step: no reader can see one without the others.
 *
 * <p>Thread-safe (stateless besides the connector).
 */
final class TopicLog {
    static final String PREFIX = "lifeline:bc:";

    /** KEYS: seq, log. ARGV: retain, kind, origin, payload, channel. Returns {id, seq}. */
    private static final String APPEND = """
            local seq = redis.call('INCR', KEYS[1])
            local id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[1], '*', 's', seq, 'k', ARGV[2], 'o', ARGV[3],
                'd', ARGV[4])
            redis.call('PUBLISH', ARGV[5], id .. ' ' .. seq .. ' ' .. ARGV[2] .. ' ' .. ARGV[3] .. '\\n' .. ARGV[4])
            return {id, seq}
            """;

    /** One entry of a topic's log. */
    record Entry(long seq, StreamId id, String origin, Message message) {
    }

    private final RedisConnector redis;
    private final long retain;

    TopicLog(RedisConnector redis, long retain) {
        this.redis = redis;
        this.retain = retain;
    }

    static String channel(String topic) {
        return PREFIX + RedisConnector.hashTag(topic) + ":live";
    }

    private static String logKey(String topic) {
        return PREFIX + RedisConnector.hashTag(topic) + ":log";
    }

    private static String seqKey(String topic) {
        return PREFIX + RedisConnector.hashTag(topic) + ":seq";
    }

    /** Appends; completes with the entry's sequence number and id once Redis has run the script. */
    CompletableFuture<Entry> append(String topic, String origin, Message message) {
        byte[][] args = {ascii(Long.toString(retain)), ascii(kind(message)), ascii(origin), payload(message),
            ascii(channel(topic))};
        CompletableFuture<List<Object>> done = redis.commands()
                .<List<Object>>eval(APPEND, ScriptOutputType.MULTI, new String[] {seqKey(topic), logKey(topic)}, args)
                .toCompletableFuture();
        return done.thenApply(reply -> new Entry((Long) reply.get(1),
                StreamId.parse(new String((byte[]) reply.get(0), StandardCharsets.US_ASCII)), origin, message));
    }

    /** The newest entry, if the topic has any. Blocks at most the connector's timeout. */
    Optional<Entry> newest(String topic) throws RedisUnavailableException {
        List<StreamMessage<String, byte[]>> last = redis.await(redis.commands()
                .xrevrange(logKey(topic), Range.create("-", "+"), Limit.from(1)));
        return last.isEmpty() ? Optional.empty() : Optional.of(entry(last.get(0)));
    }

    /** Up to {@code count} entries after {@code after}, oldest first. Blocks at most the connector's timeout. */
    List<Entry> after(String topic, StreamId after, int count) throws RedisUnavailableException {
        List<StreamMessage<String, byte[]>> read = redis.await(redis.commands().xrange(logKey(topic),
                Range.from(Range.Boundary.excluding(after.toString()), Range.Boundary.unbounded()),
                Limit.from(count)));
        List<Entry> entries = new ArrayList<>(read.size());
        read.forEach(m -> entries.add(entry(m)));
        return entries;
    }

    /** A notification's content, as the script wrote it. */
    static Entry parseNotification(byte[] body) {
        int newline = indexOf(body, (byte) '\n');
        String[] head = new String(body, 0, newline, StandardCharsets.US_ASCII).split(" ", 4);
        byte[] payload = Arrays.copyOfRange(body, newline + 1, body.length);
        return new Entry(Long.parseLong(head[1]), StreamId.parse(head[0]), head[3], message(head[2], payload));
    }

    private static Entry entry(StreamMessage<String, byte[]> m) {
        Map<String, byte[]> body = m.getBody();
        return new Entry(Long.parseLong(ascii(body.get("s"))), StreamId.parse(m.getId()), ascii(body.get("o")),
                message(ascii(body.get("k")), body.get("d")));
    }

    /** {@code t} for text, {@code b} for binary. */
    static String kind(Message message) {
        return message instanceof Message.Text ? "t" : "b";
    }

    /** The bytes of a message: UTF-8 for text. */
    static byte[] payload(Message message) {
        return switch (message) {
            case Message.Text t -> t.text().getBytes(StandardCharsets.UTF_8);
            case Message.Binary b -> b.data();
        };
    }

    static Message message(String kind, byte[] payload) {
        return message(kind.equals("t") ? (byte) 't' : (byte) 'b', payload);
    }

    /** A message saved as its kind ({@code t} text, else binary) and its payload (UTF-8 for text). */
    static Message message(byte kind, byte[] payload) {
        return kind == 't' ? Message.text(new String(payload, StandardCharsets.UTF_8)) : Message.binary(payload);
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        throw new IllegalArgumentException("not a broadcast notification (no header line)");
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static String ascii(byte[] b) {
        return new String(b, StandardCharsets.US_ASCII);
    }
}
