package dev.lifeline.protocol.frame;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * RFC 6455 §8.1 requires text to be UTF-8 as RFC 3629 defines it. {@link Utf8Validator} is held to two oracles
 * built from the JDK: its strict decoder ({@link CodingErrorAction#REPORT}) for whether a byte sequence is valid,
 * and the set of proper prefixes of every scalar value's encoding for where the first invalid byte is.
 */
@Timeout(120)
class Utf8ValidatorTest {
    /** Byte values at the edges of each UTF-8 byte class. */
    private static final int[] EDGES = {0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2,
        0xdf, 0xe0, 0xe1, 0xec, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xf7, 0xf8, 0xff};

    /** Proper prefixes (1 to 3 bytes) of the encodings of all Unicode scalar values, as {@link #key}s. */
    private static final Set<Integer> PROPER_PREFIXES = new HashSet<>();

    private final CharsetDecoder strict = UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final CharBuffer chars = CharBuffer.allocate(256);

    @BeforeAll
    static void collectProperPrefixes() {
        for (int cp = 0x80; cp <= 0x10FFFF; cp++) {
            if (cp >= 0xD800 && cp <= 0xDFFF) {
                continue;
            }
            byte[] encoded = new String(Character.toChars(cp)).getBytes(UTF_8);
            for (int k = 1; k < encoded.length; k++) {
                PROPER_PREFIXES.add(key(encoded, 0, k));
            }
        }
    }

    @Test
    void agreesWithTheJdkOnEverySequenceOfOneToThreeBytes() {
        byte[] data = new byte[3];
        Utf8Validator validator = new Utf8Validator();
        for (int n = 1; n <= 3; n++) {
            for (int v = 0; v < 1 << (8 * n); v++) {
                for (int i = 0; i < n; i++) {
                    data[i] = (byte) (v >>> (8 * (n - 1 - i)));
                }
                validator.reset();
                boolean ours = validator.feed(data, 0, n) < 0 && validator.isComplete();
                if (ours != jdkAccepts(data, 0, n)) {
                    assertThat(ours).as("valid(%s)", HexFormat.of().formatHex(data, 0, n))
                            .isEqualTo(jdkAccepts(data, 0, n));
                }
            }
        }
    }

    @Test
    void reportsTheFirstInvalidByteForEveryOneOrTwoByteSequence() {
        for (int v = 0; v < 1 << 16; v++) {
            checkAgainstOracles(new byte[] {(byte) (v >>> 8), (byte) v});
            if (v < 256) {
                checkAgainstOracles(new byte[] {(byte) v});
            }
        }
    }

    @Test
    void agreesWithTheOraclesOnEveryFourByteSequenceOfEdgeValues() {
        byte[] data = new byte[4];
        for (int a : EDGES) {
            for (int b : EDGES) {
                for (int c : EDGES) {
                    for (int d : EDGES) {
                        data[0] = (byte) a;
                        data[1] = (byte) b;
                        data[2] = (byte) c;
                        data[3] = (byte) d;
                        checkAgainstOracles(data);
                    }
                }
            }
        }
    }

    @Test
    void agreesWithTheOraclesOnRandomByteArrays() {
        Random random = new Random(6455);
        for (int run = 0; run < 100_000; run++) {
            byte[] data = new byte[random.nextInt(24)];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) switch (random.nextInt(4)) {
                    case 0 -> EDGES[random.nextInt(EDGES.length)];
                    case 1 -> random.nextInt(0x80);
                    case 2 -> 0x80 + random.nextInt(0x40);
                    default -> random.nextInt(256);
                };
            }
            checkAgainstOracles(data);
        }
    }

    @Test
    void agreesWithTheOraclesOnRandomValidTextWithOneByteChanged() {
        Random random = new Random(3629);
        for (int run = 0; run < 20_000; run++) {
            StringBuilder text = new StringBuilder();
            for (int i = random.nextInt(12); i > 0; i--) {
                int cp;
                do {
                    cp = switch (random.nextInt(4)) {
                        case 0 -> random.nextInt(0x80);
                        case 1 -> 0x80 + random.nextInt(0x800 - 0x80);
                        case 2 -> 0x800 + random.nextInt(0x10000 - 0x800);
                        default -> 0x10000 + random.nextInt(0x110000 - 0x10000);
                    };
                } while (cp >= 0xD800 && cp <= 0xDFFF);
                text.appendCodePoint(cp);
            }
            byte[] data = text.toString().getBytes(UTF_8);
            checkAgainstOracles(data);
            if (data.length > 0) {
                data[random.nextInt(data.length)] = (byte) random.nextInt(256);
                checkAgainstOracles(data);
            }
        }
    }

    @Test
    void asciiRunsLongerThanEightBytesAreCheckedOnTheFastPath() {
        byte[] data = "0123456789abcdefghijklmnopqrstuvwxyz".getBytes(UTF_8);
        assertThat(Utf8Validator.isValid(data, 0, data.length)).isTrue();
        for (int bad = 0; bad < data.length; bad++) {
            byte[] copy = data.clone();
            copy[bad] = (byte) 0x80;
            assertThat(new Utf8Validator().feed(copy, 0, copy.length)).isEqualTo(bad);
        }
    }

    @Test
    void resetForgetsAPartialCodePoint() {
        Utf8Validator validator = new Utf8Validator();
        assertThat(validator.feed(new byte[] {(byte) 0xe2}, 0, 1)).isEqualTo(-1);
        assertThat(validator.isComplete()).isFalse();
        validator.reset();
        assertThat(validator.isComplete()).isTrue();
        assertThat(validator.feed(new byte[] {0x41}, 0, 1)).isEqualTo(-1);
    }

    /**
     * Checks the validator on {@code data} fed whole, then in two pieces at every cut: the first invalid byte (or
     * none) and completeness must match what the oracles say.
     */
    private void checkAgainstOracles(byte[] data) {
        int expected = firstInvalid(data);
        boolean complete = expected < 0 && jdkAccepts(data, 0, data.length);
        String shown = HexFormat.of().formatHex(data);

        Utf8Validator whole = new Utf8Validator();
        int actual = whole.feed(data, 0, data.length);
        assertThat(actual).as("first invalid byte of %s", shown).isEqualTo(expected);
        if (expected < 0) {
            assertThat(whole.isComplete()).as("complete(%s)", shown).isEqualTo(complete);
        }
        for (int cut = 0; cut <= data.length; cut++) {
            Utf8Validator pieces = new Utf8Validator();
            int first = pieces.feed(data, 0, cut);
            int result = first >= 0 ? first : pieces.feed(data, cut, data.length - cut);
            assertThat(result).as("first invalid byte of %s cut at %d", shown, cut).isEqualTo(expected);
            if (expected < 0) {
                assertThat(pieces.isComplete()).isEqualTo(complete);
            }
        }
    }

    /**
     * The index of the first byte after which no valid continuation exists, or -1. At each position, either some
     * 1-4 bytes form a complete encoding the JDK accepts (UTF-8 is prefix-free, so at most one does), or the
     * bytes there are a proper prefix of an encoding up to the first one that is not.
     */
    private int firstInvalid(byte[] data) {
        int i = 0;
        next:
        while (i < data.length) {
            for (int len = 1; len <= 4 && i + len <= data.length; len++) {
                if (jdkAccepts(data, i, len)) {
                    i += len;
                    continue next;
                }
            }
            for (int j = i; j < data.length; j++) {
                if (j - i >= 3 || !PROPER_PREFIXES.contains(key(data, i, j - i + 1))) {
                    return j;
                }
            }
            return -1;
        }
        return -1;
    }

    private boolean jdkAccepts(byte[] data, int off, int len) {
        strict.reset();
        chars.clear();
        ByteBuffer in = ByteBuffer.wrap(data, off, len);
        CoderResult result = strict.decode(in, chars, true);
        if (result.isError()) {
            return false;
        }
        return !strict.flush(chars).isError() && !in.hasRemaining();
    }

    private static int key(byte[] data, int off, int len) {
        int key = len << 24;
        for (int i = 0; i < len; i++) {
            key |= (data[off + i] & 0xFF) << (8 * (len - 1 - i));
        }
        return key;
    }
}
