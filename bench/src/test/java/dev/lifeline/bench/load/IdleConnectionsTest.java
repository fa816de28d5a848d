package dev.lifeline.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.bench.load.Connector.Target;
import dev.lifeline.bench.server.EchoServer;
import dev.lifeline.bench.server.Servers;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The connections scenario opens, measures and then proves every connection alive with one echo each. */
@Timeout(60)
class IdleConnectionsTest {

    @Test
    void measuresConnectRateAndMemoryOfConnectionsThatAllEcho() throws Exception {
        try (EchoServer server = Servers.LIFELINE.start()) {
            IdleConnections.Result r = IdleConnections.run(Target.webSocket(server.port()), 200, probe(() -> 0),
                    Duration.ofMillis(300), Duration.ofSeconds(5));

            assertThat(r.error()).isNull();
            assertThat(r.connectsPerSecond()).isPositive();
            assertThat(r.rssPerConnection()).isZero(); // the probe reports a constant resident set
            assertThat(r.warmUp()).isEqualTo(IdleConnections.WARM_UP_FACTOR * 200);
            assertThat(r.jitQuiet()).isTrue();
            assertThat(r.burstCompileMillis()).isZero();
            assertThat(r.cpuPerConnection()).isZero(); // the probe reports a constant CPU time
        }
    }

    @Test
    void theRawTcpEchoIsMeasuredTooItsConnectionsEchoingTheRequestAndThenOneFrame() throws Exception {
        try (EchoServer server = Servers.RAW_TCP.start()) {
            IdleConnections.Result r = IdleConnections.run(Target.rawTcp(server.port()), 200, probe(() -> 0),
                    Duration.ofMillis(300), Duration.ofSeconds(5));

            assertThat(r.error()).isNull();
            assertThat(r.connectsPerSecond()).isPositive();
        }
    }

    @Test
    void theServersCpuTimePerConnectionLeavesItsJitCompilersOut() throws Exception {
        AtomicLong looks = new AtomicLong();
        int count = 200;
        long perConnection = 30_000;
        long compiling = 5_000_000;
        IdleConnections.ServerProbe probe = new IdleConnections.ServerProbe() {
            @Override
            public IdleConnections.Memory memory() {
                return new IdleConnections.Memory(0, 0);
            }

            @Override
            public long compileMillis() {
                return 0;
            }

            /** Before the burst, then after it: 30 µs per connection, and 5 ms of compiling. */
            @Override
            public IdleConnections.Cpu cpu() {
                return looks.getAndIncrement() == 0 ? new IdleConnections.Cpu(1_000_000_000L, 40_000_000L)
                        : new IdleConnections.Cpu(1_000_000_000L + count * perConnection + compiling,
                                40_000_000L + compiling);
            }
        };
        try (EchoServer server = Servers.LIFELINE.start()) {
            IdleConnections.Result r = IdleConnections.run(Target.webSocket(server.port()), count, probe,
                    Duration.ofMillis(300), Duration.ofSeconds(5));

            assertThat(r.error()).isNull();
            assertThat(looks.get()).as("looks at the CPU time: before and after the burst").isEqualTo(2);
            assertThat(r.cpuPerConnection()).isEqualTo(perConnection);
        }
    }

    @Test
    void waitsForTheJitToBeQuietAndReportsWhatItCompiledDuringTheBurst() throws Exception {
        AtomicLong looks = new AtomicLong();
        AtomicLong memoryReads = new AtomicLong();
        AtomicLong looksAtTheBurst = new AtomicLong();
        IdleConnections.ServerProbe probe = new IdleConnections.ServerProbe() {
            @Override
            public IdleConnections.Memory memory() {
                memoryReads.incrementAndGet();
                return new IdleConnections.Memory(0, 0);
            }

            /** 10 ms more on each of the first five looks (the warm-up's compiles); 7 ms while the burst opens. */
            @Override
            public long compileMillis() {
                long base = Math.min(looks.getAndIncrement(), 5) * 10;
                return memoryReads.get() == 0 ? base : base + (looksAtTheBurst.getAndIncrement() == 0 ? 0 : 7);
            }

            @Override
            public IdleConnections.Cpu cpu() {
                return new IdleConnections.Cpu(0, 0);
            }
        };
        try (EchoServer server = Servers.LIFELINE.start()) {
            long start = System.nanoTime();
            IdleConnections.Result r = IdleConnections.run(Target.webSocket(server.port()), 100, probe,
                    Duration.ofMillis(1_000), Duration.ofSeconds(10));

            assertThat(r.error()).isNull();
            assertThat(r.jitQuiet()).isTrue();
            assertThat((System.nanoTime() - start) / 1_000_000).as("waited for a quiet second after the last compile")
                    .isGreaterThanOrEqualTo(1_400);
            assertThat(r.burstCompileMillis()).isEqualTo(7);
        }
    }

    @Test
    void theWaitForAQuietJitIsBounded() throws Exception {
        AtomicLong calls = new AtomicLong();
        try (EchoServer server = Servers.LIFELINE.start()) {
            IdleConnections.Result r = IdleConnections.run(Target.webSocket(server.port()), 100,
                    probe(() -> calls.getAndIncrement()), Duration.ofMillis(500), Duration.ofMillis(800));

            assertThat(r.error()).isNull();
            assertThat(r.jitQuiet()).isFalse();
        }
    }

    /** This JVM's heap, a constant resident set and CPU time, and the given compilation times. */
    private static IdleConnections.ServerProbe probe(LongSupplier compileMillis) {
        return new IdleConnections.ServerProbe() {
            @Override
            public IdleConnections.Memory memory() {
                return new IdleConnections.Memory(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), 1);
            }

            @Override
            public long compileMillis() {
                return compileMillis.getAsLong();
            }

            @Override
            public IdleConnections.Cpu cpu() {
                return new IdleConnections.Cpu(7, 3);
            }
        };
    }
}
