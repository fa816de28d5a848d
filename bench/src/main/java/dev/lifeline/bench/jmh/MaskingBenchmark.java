package dev.lifeline.bench.jmh;

import dev.lifeline.protocol.frame.Masking;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** RFC 6455 §5.3 masking in place ({@link Masking#mask}); GB/s = size / time per operation. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class MaskingBenchmark {
    @Param({"16", "1024", "65536"})
    public int size;

    private byte[] data;

    @Setup
    public void setUp() {
        data = new byte[size];
        new SplittableRandom(1).nextBytes(data);
    }

    @Benchmark
    public byte[] mask() {
        Masking.mask(data, 0, size, 0x37FA213D, 1);
        return data;
    }
}
