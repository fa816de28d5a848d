package dev.lifeline.bench.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.bench.load.LoadResult;
import dev.lifeline.bench.load.Scenario;
import dev.lifeline.bench.server.EchoServer;
import dev.lifeline.bench.server.Servers;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every client library of the comparison runs both client scenarios against the fixed server, echoes verified. */
@Timeout(60)
class ClientLibrariesSmokeTest {

    @ParameterizedTest
    @EnumSource(Clients.class)
    void runsTheSmallAndLargeScenariosWithVerifiedEchoes(Clients which) throws Exception {
        try (EchoServer server = Servers.FIXED.start(); ClientLibrary library = which.create()) {
            URI uri = URI.create("ws://127.0.0.1:" + server.port() + "/");
            for (Scenario s : new Scenario[] {Scenario.SMALL, Scenario.LARGE}) {
                // a 1 s window: under a heavy load a cold library echoed nothing within 300 ms (1 MiB messages)
                LoadResult r = ClientLoad.run(library, uri, s, Duration.ofMillis(200), Duration.ofSeconds(1));
                assertThat(r.error()).as(s.id()).isNull();
                assertThat(r.messages()).as(s.id()).isPositive();
            }
        }
    }
}
