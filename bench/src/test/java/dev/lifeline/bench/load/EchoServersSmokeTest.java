package dev.lifeline.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.bench.load.Connector.Opened;
import dev.lifeline.bench.load.Connector.Target;
import dev.lifeline.bench.server.EchoServer;
import dev.lifeline.bench.server.Servers;
import java.time.Duration;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every echo server of the comparison starts and echoes what the load generator sends, verified byte for byte:
 * small text messages on several connections, and 1 MiB binary messages (the 64-bit length form, RFC 6455 §5.2).
 */
@Timeout(60)
class EchoServersSmokeTest {

    @ParameterizedTest
    @EnumSource(value = Servers.class, mode = EnumSource.Mode.EXCLUDE, names = "NODE_WS") // in NodeEchoTest
    void echoesSmallTextAndLargeBinaryMessages(Servers which) throws Exception {
        try (EchoServer server = which.start()) {
            Target target = which.raw() ? Target.rawTcp(server.port()) : Target.webSocket(server.port());
            assertThat(echo(target, Scenario.SMALL, 3, 20)).isEqualTo(60);
            assertThat(echo(target, Scenario.LARGE, 1, 3)).isEqualTo(3);
        }
    }

    private static long echo(Target target, Scenario scenario, int connections, int perConnection) throws Exception {
        Opened opened = Connector.open(target, connections, 8, Duration.ofSeconds(10));
        try {
            LoadResult result = EchoLoad.run(opened.channels(),
                    EchoLoad.Plan.counted(scenario, target.raw(), perConnection));
            assertThat(result.error()).isNull();
            return result.messages();
        } finally {
            opened.abort();
        }
    }
}
