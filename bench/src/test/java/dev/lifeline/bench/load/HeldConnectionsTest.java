package dev.lifeline.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.bench.load.Connector.Target;
import dev.lifeline.bench.load.IdleConnections.Cpu;
import dev.lifeline.bench.load.IdleConnections.Memory;
import dev.lifeline.bench.server.EchoServer;
import dev.lifeline.bench.server.Servers;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The held-connections scenario charges the server's growth to the connections and its CPU time to the hold. */
@Timeout(60)
class HeldConnectionsTest {

    @Test
    void theServersGrowthIsChargedPerConnectionAndItsCpuTimeAsAShareOfTheHold() throws Exception {
        int count = 100;
        AtomicInteger memoryLooks = new AtomicInteger();
        AtomicInteger cpuLooks = new AtomicInteger();
        IdleConnections.ServerProbe probe = new IdleConnections.ServerProbe() {
            @Override
            public Memory memory() {
                // the baseline, then 3 KiB of resident set and 2 KiB of heap more per connection
                return memoryLooks.getAndIncrement() == 0 ? new Memory(0, 0) : new Memory(count * 2048L,
                        count * 3072L);
            }

            @Override
            public long compileMillis() {
                return 0;
            }

            @Override
            public Cpu cpu() {
                // the second look (after the hold) finds 1 ms more CPU time, half of it the JIT's
                return cpuLooks.getAndIncrement() == 0 ? new Cpu(0, 0) : new Cpu(1_000_000, 500_000);
            }
        };
        try (EchoServer server = Servers.LIFELINE.startKeepingAlive()) {
            HeldConnections.Result r = HeldConnections.run(Target.webSocket(server.port()), count,
                    Duration.ofMillis(300), probe, Duration.ofMillis(300), Duration.ofSeconds(5));

            assertThat(r.error()).isNull();
            assertThat(r.connections()).isEqualTo(count);
            assertThat(r.rssPerConnection()).isEqualTo(3072);
            assertThat(r.heapPerConnection()).isEqualTo(2048);
            // 0.5 ms of the server's own CPU time over a hold of at least 300 ms: under 0.17 % of a core
            assertThat(r.idleCpu()).isPositive().isLessThan(0.5e6 / 300e6);
            assertThat(memoryLooks).hasValue(2);
            assertThat(cpuLooks).hasValue(2);
        }
    }
}
