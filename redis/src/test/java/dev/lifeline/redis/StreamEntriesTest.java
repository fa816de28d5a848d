package dev.lifeline.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Message;
import dev.lifeline.redis.testing.RedisProcess;
import dev.lifeline.reliable.SessionState;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.XTrimArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A session's stream holds one entry per save, with several messages each, named after its last
 * ({@link RedisScripts}): reading a range of sequence numbers skips the messages of its first entry below the range
 * (acknowledged, kept until their whole entry is) and those of its last entry above it, across pages of entries;
 * trimming through a number ({@code XTRIM MINID n+1}) keeps the entry that holds the next one whole; an entry
 * written before 2026-12-04 (one message, a field named by its kind alone) still reads.
 */
@Timeout(60)
class StreamEntriesTest {
    private static final String KEY = "lifeline:{test}:out";
    private static final byte[] KEY_BYTES = KEY.getBytes(StandardCharsets.UTF_8);

    private RedisProcess process;
    private RedisSessionStore store;
    private RedisClient lettuce;
    private StatefulRedisConnection<String, String> connection;
    private RedisCommands<String, String> redis;

    /** A Redis of its own for each test, the store that reads it, and a connection to write it as a script would. */
    @BeforeEach
    void startRedis() throws Exception {
        process = RedisProcess.start();
        store = RedisSessionStore.create(process.url());
        lettuce = RedisClient.create(process.url());
        connection = lettuce.connect();
        redis = connection.sync();
    }

    @AfterEach
    void stopRedis() throws Exception {
        connection.close();
        lettuce.shutdown();
        store.close();
        process.close();
    }

    /** Entries of {@code per} messages each, numbered from 1 to {@code count}; message n is text "m<n>". */
    private static void write(RedisCommands<String, String> redis, long count, int per) {
        for (long first = 1; first <= count; first += per) {
            Map<String, String> fields = new LinkedHashMap<>();
            long seq = first;
            for (; seq < first + per && seq <= count; seq++) {
                fields.put("t" + seq, "m" + seq);
            }
            redis.xadd(KEY, new XAddArgs().id((seq - 1) + "-0"), fields);
        }
    }

    private static List<String> texts(List<SessionState.Saved> saved) {
        List<String> texts = new ArrayList<>();
        for (SessionState.Saved s : saved) {
            assertThat(s.message()).isEqualTo(Message.text("m" + s.seq()));
            texts.add("m" + s.seq());
        }
        return texts;
    }

    private static List<String> expected(long first, long last) {
        return LongStream.rangeClosed(first, last).mapToObj(n -> "m" + n).toList();
    }

    @Test
    void aRangeStartsAndEndsInsideEntriesAndCrossesPages() {
        write(redis, 2_000, 7); // 286 entries: more than one page of 256

        assertThat(texts(store.range(KEY_BYTES, 1, 2_000))).isEqualTo(expected(1, 2_000));
        assertThat(texts(store.range(KEY_BYTES, 5, 1_795))).isEqualTo(expected(5, 1_795));
        assertThat(texts(store.range(KEY_BYTES, 9, 12))).isEqualTo(expected(9, 12));
        assertThat(store.range(KEY_BYTES, 2_001, 2_000)).isEmpty();
    }

    @Test
    void trimmingThroughANumberKeepsTheEntryHoldingTheNextWholeAndOldEntriesStillRead() {
        write(redis, 20, 5); // entries 5, 10, 15, 20 (1-5, 6-10, 11-15, 16-20)

        redis.xtrim(KEY, new XTrimArgs().minId("8-0")); // through 7, as a script acknowledges it
        assertThat(redis.xrange(KEY, Range.create("-", "+"))).extracting(StreamMessage::getId)
                .containsExactly("10-0", "15-0", "20-0");
        assertThat(texts(store.range(KEY_BYTES, 8, 20))).isEqualTo(expected(8, 20));

        redis.xtrim(KEY, new XTrimArgs().minId("16-0"));
        assertThat(redis.xrange(KEY, Range.create("-", "+"))).extracting(StreamMessage::getId)
                .containsExactly("20-0");
        redis.xadd(KEY, new XAddArgs().id("21-0"), Map.of("t", "m21")); // the layout before 2026-12-04
        assertThat(texts(store.range(KEY_BYTES, 16, 21))).isEqualTo(expected(16, 21));

        redis.xtrim(KEY, new XTrimArgs().minId("22-0"));
        assertThat(redis.xlen(KEY)).isZero();
    }

    /** A save of more than {@link RedisScripts#PER_ENTRY} messages takes several entries, each named after its last. */
    @Test
    void aLargeSaveIsSplitIntoEntriesOfAtMostTheBound() {
        String[] keys = {"lifeline:{test}:s", KEY, "lifeline:{test}:in", "lifeline:{test}:mail"};
        redis.hset(keys[0], Map.of("epoch", "1", "owner", "node-a", "next", "1", "acked", "0", "recv", "0",
                "used", "0"));
        int count = 2 * RedisScripts.PER_ENTRY + 88;
        List<String> args = new ArrayList<>(List.of("1", "node-a", "60000", "0", "1"));
        for (int n = 1; n <= count; n++) {
            args.add("t" + n);
            args.add("m" + n);
        }
        Object saved = redis.eval(new String(RedisScripts.RECEIVED, StandardCharsets.UTF_8),
                ScriptOutputType.INTEGER, keys, args.toArray(String[]::new));

        assertThat(saved).isEqualTo(1L);
        assertThat(redis.hget(keys[0], "recv")).isEqualTo(Integer.toString(count));
        assertThat(redis.xrange(keys[2], Range.create("-", "+"))).extracting(StreamMessage::getId)
                .containsExactly(RedisScripts.PER_ENTRY + "-0", 2 * RedisScripts.PER_ENTRY + "-0",
                        count + "-0");
        assertThat(texts(store.range(keys[2].getBytes(StandardCharsets.UTF_8), 1, count)))
                .isEqualTo(expected(1, count));
    }
}
