package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.WebSocketOptions;
import dev.lifeline.WebSocketServer;
import dev.lifeline.reliable.CloseReason;
import dev.lifeline.Failure;
import dev.lifeline.reliable.ReliableClient;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code lifeline connect --reliable} in a pipe, against {@code serve --reliable} in the same process. */
@Timeout(30)
class ReliableClientSessionTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private DemoServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private URI serve() throws IOException {
        ServerLog log = new ServerLog(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                true, Clock.systemDefaultZone());
        server = DemoServer.start("127.0.0.1", 0, Mode.ECHO, true, WebSocketOptions.DEFAULT, Optional.empty(), log);
        return server.endpoint();
    }

    private int run(URI uri, String input) throws InterruptedException {
        return run(uri, input, false);
    }

    private int run(URI uri, String input, boolean terminal) throws InterruptedException {
        Screen screen = new Screen(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), terminal, false, 80);
        ReliableClientSession session = new ReliableClientSession(uri, new BufferedReader(new StringReader(input)),
                screen, Duration.ofSeconds(5), Duration.ofSeconds(10));
        return session.run(ReliableClient.builder(uri));
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void eachLineIsSentAndEachEchoPrintedThenTheSessionClosesWithZero() throws Exception {
        int exit = run(serve(), "hello\nwörld\n");

        assertThat(exit).as(stderr()).isEqualTo(ExitCodes.OK);
        assertThat(stdout()).isEqualTo("hello\nwörld\n");
        assertThat(stderr()).contains("= session NEW on ws://127.0.0.1:").endsWith("= session is CLOSED\n");
    }

    @Test
    void aDroppedConnectionIsResumedAndEveryLineIsEchoedExactlyOnce() throws Exception {
        int exit = run(serve(), "one\n{\"lifeline\":\"drop\"}\ntwo\nthree\n");

        assertThat(exit).as(stderr()).isEqualTo(ExitCodes.OK);
        assertThat(stdout()).isEqualTo("one\ntwo\nthree\n");
        assertThat(stderr()).containsSubsequence("= session NEW", "= session is RECONNECTING", "= session RESUMED",
                "= session is CLOSED\n");
    }

    @Test
    void atATerminalLinesAreSentPingIsRefusedAndQuitEndsTheSessionWithZero() throws Exception {
        int exit = run(serve(), "/ping\n//slash\n/quit\n", true);

        assertThat(exit).as(stderr()).isEqualTo(ExitCodes.OK);
        assertThat(stdout() + stderr()).contains("/ping is not available with --reliable")
                .contains("session NEW on ws://127.0.0.1:").contains("; /help lists the commands")
                .contains("session is CLOSED\n").doesNotContain("CLOSED: CLOSED");
    }

    /** A reliable session has no /ping, no /latency and no close code: its /help lists only what works. */
    @Test
    void atATerminalHelpListsOnlyTheCommandsThatWorkInAReliableSession() throws Exception {
        int exit = run(serve(), "/help\n/quit\n", true);

        assertThat(exit).as(stderr()).isEqualTo(ExitCodes.OK);
        assertThat(stdout()).contains("/quit, /close", "/help", "//text").doesNotContain("/ping", "/latency",
                "CODE");
    }

    @Test
    void aServerThatCannotBeReachedExitsFour() throws Exception {
        int closedPort;
        try (ServerSocket unused = new ServerSocket(0)) {
            closedPort = unused.getLocalPort();
        }

        int exit = run(URI.create("ws://127.0.0.1:" + closedPort + "/"), "never sent\n");

        assertThat(exit).isEqualTo(ExitCodes.CONNECTION_FAILED);
        assertThat(stderr()).isEqualTo("! session is CLOSED: nothing accepts connections on 127.0.0.1:" + closedPort
                + " (connection refused); is the server running, on that port?\n");
        assertThat(stdout()).isEmpty();
    }

    @Test
    void aServerWithoutTheReliableSubprotocolExitsThree() throws Exception {
        try (WebSocketServer plain = WebSocketServer.builder(ws -> { }).start()) {
            int exit = run(URI.create("ws://127.0.0.1:" + plain.port() + "/"), "never sent\n");

            assertThat(exit).isEqualTo(ExitCodes.HANDSHAKE_REFUSED);
        }
    }

    @Test
    void theExitCodeTellsWhoEndedTheSessionAndWhetherItEverBegan() {
        Failure unreachable = new Failure.Unreachable(new IOException("refused"));
        CloseReason gaveUp = new CloseReason(CloseReason.Kind.GAVE_UP, "stopped", Optional.of(unreachable));

        assertThat(ReliableClientSession.exitCode(CloseReason.of(CloseReason.Kind.CLOSED, ""), true))
                .isEqualTo(ExitCodes.OK);
        assertThat(ReliableClientSession.exitCode(CloseReason.of(CloseReason.Kind.CLOSED_BY_PEER, ""), true))
                .isEqualTo(ExitCodes.OK);
        assertThat(ReliableClientSession.exitCode(gaveUp, false)).isEqualTo(ExitCodes.CONNECTION_FAILED);
        assertThat(ReliableClientSession.exitCode(gaveUp, true)).isEqualTo(ExitCodes.ABNORMAL_CLOSE);
        assertThat(ReliableClientSession.exitCode(CloseReason.of(CloseReason.Kind.LOST, ""), true))
                .isEqualTo(ExitCodes.ABNORMAL_CLOSE);
    }
}
