package dev.lifeline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.bench.load.BroadcastLoad;
import dev.lifeline.bench.load.Connector;
import dev.lifeline.bench.load.Connector.Opened;
import dev.lifeline.bench.load.Connector.Target;
import dev.lifeline.bench.load.EchoLoad;
import dev.lifeline.bench.load.KeepaliveHold;
import dev.lifeline.bench.load.LoadResult;
import dev.lifeline.bench.load.Scenario;
import dev.lifeline.bench.server.EchoMain;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Node's ws as the comparison runs it ({@code bench/node/echo.mjs} through {@link Jvm#startNode}): it holds the
 * harness's conversation and serves each scenario's traffic, verified like every other server's. Needs Node and
 * {@code npm ci} in {@code bench/node} (.ci/run does both).
 */
@Timeout(60)
class NodeEchoTest {
    private static final Duration START = Duration.ofSeconds(20);
    @TempDir
    Path logs;

    private Jvm start(List<String> mode) throws Exception {
        assertThat(Jvm.nodeScript()).as("bench/node/echo.mjs with its ws package (npm ci in bench/node)").isPresent();
        return Jvm.startNode(-1, mode, logs.resolve("node.log"));
    }

    @Test
    void echoesSmallTextAndLargeBinaryMessagesAndAnswersTheHarness() throws Exception {
        try (Jvm node = start(List.of())) {
            Target target = Target.webSocket(Integer.parseInt(node.await("READY ", START).trim()));

            assertThat(echo(target, Scenario.SMALL, 3, 20).messages()).isEqualTo(60);
            assertThat(echo(target, Scenario.LARGE, 1, 3).messages()).isEqualTo(3);
            node.send("stats");
            String[] stats = node.await("STATS ", START).trim().split(" ");
            assertThat(Long.parseLong(stats[0])).isPositive(); // heap used
            assertThat(Long.parseLong(stats[1])).isGreaterThan(Long.parseLong(stats[0])); // resident set
            node.send("cpu");
            assertThat(Long.parseLong(node.await("CPU ", START).trim().split(" ")[0])).isPositive();
        }
    }

    @Test
    void compressesWithoutContextTakeoverWhenStartedSo() throws Exception {
        try (Jvm node = start(List.of(EchoMain.DEFLATE))) {
            Target target = Target.webSocket(Integer.parseInt(node.await("READY ", START).trim())).deflating();

            assertThat(echo(target, Scenario.COMPRESSED, 2, 20).messages()).isEqualTo(40);
        }
    }

    @Test
    void broadcastsEveryMessageToEveryConnectionInOrder() throws Exception {
        try (Jvm node = start(List.of(EchoMain.BROADCAST))) {
            Target target = Target.webSocket(Integer.parseInt(node.await("READY ", START).trim()));
            Opened opened = Connector.open(target, 10, 8, START);
            try {
                BroadcastLoad.Result r = BroadcastLoad.run(opened.channels(), new BroadcastLoad.Plan(64, 50, 200,
                        Duration.ofMillis(200), Duration.ofMillis(200), Duration.ofSeconds(5)));

                assertThat(r.error()).isEmpty();
                assertThat(r.subscribers()).isEqualTo(10);
            } finally {
                opened.abort();
            }
        }
    }

    @Test
    void withKeepaliveItHoldsConnectionsAndEchoesOnEach() throws Exception {
        try (Jvm node = start(List.of(EchoMain.KEEPALIVE))) {
            Target target = Target.webSocket(Integer.parseInt(node.await("READY ", START).trim()));
            Opened opened = Connector.open(target, 5, 5, START);
            try {
                KeepaliveHold.Result r = KeepaliveHold.run(opened.channels(), Duration.ofMillis(200), START);

                assertThat(r.error()).isNull();
            } finally {
                opened.abort();
            }
        }
    }

    private static LoadResult echo(Target target, Scenario scenario, int connections, int each) throws Exception {
        Opened opened = Connector.open(target, connections, 8, START);
        try {
            LoadResult r = EchoLoad.run(opened.channels(), EchoLoad.Plan.counted(scenario, false, each));
            assertThat(r.error()).isNull();
            return r;
        } finally {
            opened.abort();
        }
    }
}
