package dev.lifeline.bench.jmh;

import dev.lifeline.protocol.frame.Utf8Validator;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * UTF-8 validation of text payloads (RFC 6455 §8.1) over 64 KiB, ASCII and multi-byte (Latin, Cyrillic, CJK and
 * emoji mixed); GB/s = size / time per operation. The JDK's strict decoder is the reference: validating without
 * decoding should beat it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class Utf8Benchmark {
    /** Bytes per operation (to within the last code point). */
    static final int SIZE = 64 * 1024;

    @Param({"ascii", "multibyte"})
    public String text;

    private byte[] data;
    private final Utf8Validator validator = new Utf8Validator();
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);

    @Setup
    public void setUp() {
        String unit = text.equals("ascii") ? "The quick brown fox jumps over the lazy dog. 0123456789 "
                : "Grüße, Привет мир, 你好世界, こんにちは 🌍🚀 ";
        StringBuilder sb = new StringBuilder();
        while (sb.toString().getBytes(StandardCharsets.UTF_8).length < SIZE) {
            sb.append(unit);
        }
        byte[] all = sb.toString().getBytes(StandardCharsets.UTF_8);
        int end = SIZE;
        while (!Utf8Validator.isValid(all, 0, end)) {
            end--; // cut on a code point boundary
        }
        data = java.util.Arrays.copyOf(all, end);
    }

    @Benchmark
    public int lifelineValidate() {
        validator.reset();
        int bad = validator.feed(data, 0, data.length);
        if (bad >= 0 || !validator.isComplete()) {
            throw new IllegalStateException("valid UTF-8 rejected");
        }
        return bad;
    }

    @Benchmark
    public Object jdkDecode() throws CharacterCodingException {
        return decoder.decode(ByteBuffer.wrap(data));
    }
}
