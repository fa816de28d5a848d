package dev.lifeline.bench.jmh;

import dev.lifeline.protocol.frame.Frame;
import dev.lifeline.protocol.frame.FrameDecoder;
import dev.lifeline.protocol.frame.FrameEncoder;
import dev.lifeline.protocol.frame.Opcode;
import java.nio.ByteBuffer;
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

/**
 * Frame parsing and serialization, RFC 6455 §5.2, in ns per frame: a server parsing a masked client frame
 * (header, then payload unmasked into the destination), a server serializing an unmasked frame, and a client
 * serializing a masked one.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FrameBenchmark {
    @Param({"16", "1024", "65536"})
    public int size;

    private ByteBuffer clientFrame;
    private Frame frame;
    private byte[] destination;
    private final FrameDecoder decoder = new FrameDecoder(true, 1 << 20);

    @Setup
    public void setUp() {
        byte[] payload = new byte[size];
        new SplittableRandom(2).nextBytes(payload);
        frame = Frame.of(Opcode.BINARY, ByteBuffer.wrap(payload));
        clientFrame = FrameEncoder.encode(frame, true, 0x1234ABCD);
        destination = new byte[size];
    }

    @Benchmark
    public byte[] parse() {
        ByteBuffer in = clientFrame.duplicate();
        if (!decoder.readHeader(in)) {
            throw new IllegalStateException("incomplete header");
        }
        int off = 0;
        while (decoder.remaining() > 0) {
            off += decoder.readPayload(in, destination, off, size - off);
        }
        return destination;
    }

    @Benchmark
    public ByteBuffer serializeServer() {
        return FrameEncoder.encode(frame, false, 0);
    }

    @Benchmark
    public ByteBuffer serializeClient() {
        return FrameEncoder.encode(frame, true, 0x1234ABCD);
    }
}
