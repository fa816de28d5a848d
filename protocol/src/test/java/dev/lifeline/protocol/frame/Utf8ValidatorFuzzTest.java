package dev.lifeline.protocol.frame;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Fuzz target for {@link Utf8Validator} (RFC 3629, as RFC 6455 §8.1 requires of text), against the JDK's UTF-8
 * decoder as the oracle. Properties, for every byte sequence fed in pieces cut at the fuzzer's points (fragment
 * boundaries, which may fall inside a code point):
 * <ul>
 *   <li>valid and complete exactly when the JDK decodes it without error;
 *   <li>when invalid, the byte reported is the one where the JDK's decoder finds the malformed sequence, or one of
 *       the at most three bytes after its start (the validator rejects a sequence at its first impossible byte; the
 *       JDK reports where the sequence began);
 *   <li>when it ends inside a code point, the JDK reports an incomplete sequence at the end;
 *   <li>the pieces give the same verdict as the whole, and as {@link Utf8Validator#isValid}.
 * </ul>
 * Run longer with {@code ./lifeline fuzz Utf8ValidatorFuzzTest 10m}; see docs/topics/fuzzing.md.
 */
public class Utf8ValidatorFuzzTest {
    private static final int MAX_CUTS = 6;

    @FuzzTest(maxDuration = "5s")
    void incrementalValidationAgreesWithTheJdkDecoder(FuzzedDataProvider data) {
        fuzzerTestOneInput(data);
    }

    /** The target, as Jazzer's standalone driver calls it. */
    public static void fuzzerTestOneInput(FuzzedDataProvider data) {
        int[] cuts = new int[data.consumeInt(0, MAX_CUTS)];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = data.consumeInt(0, 1 << 12);
        }
        Arrays.sort(cuts);
        byte[] bytes = data.consumeRemainingAsBytes();

        int invalidAt = -1;
        Utf8Validator validator = new Utf8Validator();
        int from = 0;
        for (int p = 0; p <= cuts.length && invalidAt < 0; p++) {
            int to = p < cuts.length ? Math.min(Math.max(cuts[p], from), bytes.length) : bytes.length;
            invalidAt = validator.feed(bytes, from, to - from);
            if (invalidAt >= 0) {
                assertThat(invalidAt).as("reported index within the piece fed").isBetween(from, to - 1);
            }
            from = to;
        }
        boolean valid = invalidAt < 0 && validator.isComplete();

        CharsetDecoder jdk = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        CoderResult result = jdk.decode(in, out, true);
        boolean jdkValid = !result.isError() && !jdk.flush(out).isError();
        assertThat(valid).as("valid per the validator vs the JDK, malformed at %d", in.position()).isEqualTo(jdkValid);
        assertThat(Utf8Validator.isValid(bytes, 0, bytes.length)).as("isValid").isEqualTo(valid);
        if (!jdkValid) {
            int malformedAt = in.position();
            if (invalidAt >= 0) {
                assertThat(invalidAt).as("first invalid byte vs the JDK's malformed sequence at %d", malformedAt)
                        .isBetween(malformedAt, malformedAt + 3);
            } else {
                assertThat(malformedAt + result.length()).as("incomplete code point at the end")
                        .isEqualTo(bytes.length);
            }
        }
    }
}
