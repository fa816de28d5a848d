package dev.lifeline.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.bench.load.Connector.Target;
import dev.lifeline.bench.server.EchoServer;
import dev.lifeline.bench.server.Servers;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The connections scenario opens, measures and then proves every connection alive with one echo each. */
@Timeout(60)
class IdleConnectionsTest {

    @Test
    void measuresConnectRateAndMemoryOfConnectionsThatAllEcho() throws Exception {
        try (EchoServer server = Servers.LIFELINE.start()) {
            IdleConnections.Result r = IdleConnections.run(Target.webSocket(server.port()), 200,
                    () -> new IdleConnections.Memory(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(),
                            1));
            assertThat(r.error()).isNull();
            assertThat(r.connectsPerSecond()).isPositive();
            assertThat(r.rssPerConnection()).isZero(); // the probe above reports a constant resident set
        }
    }
}
