package dev.lifeline.interop;

import dev.lifeline.WebSocketOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/** What the interop scenarios share: bounds, options, sample payloads. */
final class Interop {
    /** The bound on every single wait of a scenario (a message, a pong, a close). */
    static final Duration WAIT = Duration.ofSeconds(5);
    /** Message size limit on both ends: above the 1 MiB messages the scenarios send. */
    static final int LIMIT = 2 << 20;
    static final int ONE_MIB = 1 << 20;
    /** Our options: room for 1 MiB messages, no keepalive (the scenarios ping explicitly), a short close bound. */
    static final WebSocketOptions OPTIONS = WebSocketOptions.DEFAULT
            .withMaxMessageSize(LIMIT)
            .withoutKeepalive()
            .withCloseTimeout(WAIT);

    /** One-, two-, three- and four-byte UTF-8 sequences. */
    static final String MULTI_BYTE = "Aé€😀 Grüße, Привет, 世界 🎉";

    private Interop() {
    }

    /** Close codes and reasons exchanged in both directions. */
    static Stream<Arguments> closeStatuses() {
        return Stream.of(
                Arguments.of(1000, "bye"),
                Arguments.of(1001, "going away"),
                Arguments.of(4000, "custom"),
                Arguments.of(4999, "adiós ✓"));
    }

    /** Exactly 1 MiB of UTF-8 mixing one- to four-byte characters, the same on every call. */
    static String oneMebibyteOfText() {
        StringBuilder text = new StringBuilder(ONE_MIB);
        Random random = new Random(6455);
        int[] alphabet = MULTI_BYTE.codePoints().toArray();
        int bytes = 0;
        while (bytes < ONE_MIB - 4) {
            int c = alphabet[random.nextInt(alphabet.length)];
            text.appendCodePoint(c);
            bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
        }
        return text.append("x".repeat(ONE_MIB - bytes)).toString();
    }

    /** {@code size} pseudo-random bytes, the same for the same size. */
    static byte[] randomBytes(int size) {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        return data;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Waits for a peer library's future, at most {@link #WAIT}. */
    static <T> T await(Future<T> future) {
        try {
            return future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("no answer within " + WAIT + ": " + e, e);
        }
    }
}
