package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.ReconnectingWebSocket;
import dev.lifeline.WebSocketOptions;
import dev.lifeline.WebSocketServer;
import dev.lifeline.protocol.handshake.HttpResponse;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PipedReader;
import java.io.PipedWriter;
import java.io.PrintStream;
import java.io.StringReader;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code lifeline connect --reconnect} against the plain echo server of {@code serve}, in the same process. */
@Timeout(30)
class ReconnectingClientSessionTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private DemoServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private URI serve() throws Exception {
        ServerLog log = new ServerLog(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                true, Clock.systemDefaultZone());
        server = DemoServer.start("127.0.0.1", 0, Mode.ECHO, false, WebSocketOptions.DEFAULT, Optional.empty(),
                log);
        return server.endpoint();
    }

    private int run(URI uri, BufferedReader input, boolean terminal) throws InterruptedException {
        Screen screen = new Screen(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), terminal, false, 80);
        return new ReconnectingClientSession(uri, input, screen, Duration.ofSeconds(5), Duration.ofSeconds(10))
                .run(ReconnectingWebSocket.builder(uri));
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** What standard error holds after its last {@code = client is RECONNECTING}. */
    private Supplier<String> afterReconnecting() {
        return () -> {
            String s = stderr();
            int at = s.lastIndexOf("= client is RECONNECTING");
            return at < 0 ? "" : s.substring(at);
        };
    }

    @Test
    void aDroppedConnectionIsReopenedAndTheLinesAfterItAreEchoed() throws Exception {
        URI uri = serve();
        PipedWriter feed = new PipedWriter();
        BufferedReader input = new BufferedReader(new PipedReader(feed));
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                exit.complete(run(uri, input, false));
            } catch (Throwable t) {
                exit.completeExceptionally(t);
            }
        });
        feed.write("one\n");
        feed.flush();
        Eventually.contains(Eventually.text(out), "one\n");
        feed.write("{\"lifeline\":\"drop\"}\n");
        feed.flush();
        Eventually.contains(afterReconnecting(), "= client is OPEN");
        feed.write("two\n");
        feed.close();

        assertThat(exit.get(20, TimeUnit.SECONDS)).as(stderr()).isEqualTo(ExitCodes.OK);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("one\ntwo\n");
        assertThat(stderr()).containsSubsequence("= client is OPEN: ws://127.0.0.1:", "disconnected: 1006",
                "reconnecting in ", "= client is RECONNECTING", "= client is OPEN", "= client is CLOSED\n");
    }

    @Test
    void atATerminalPingIsAnsweredAndQuitClosesWithZero() throws Exception {
        int exit = run(serve(), new BufferedReader(new StringReader("/latency\n/quit\n")), true);

        assertThat(exit).as(stderr()).isEqualTo(ExitCodes.OK);
        assertThat(out.toString(StandardCharsets.UTF_8) + stderr()).contains("client is OPEN: ws://127.0.0.1:")
                .contains("; /help lists the commands")
                .contains("no Ping answered yet").contains("client is CLOSED\n").doesNotContain("CLOSED: CLOSED");
    }

    @Test
    void aServerThatCannotBeReachedExitsFour() throws Exception {
        int closedPort;
        try (ServerSocket unused = new ServerSocket(0)) {
            closedPort = unused.getLocalPort();
        }

        int exit = run(URI.create("ws://127.0.0.1:" + closedPort + "/"),
                new BufferedReader(new StringReader("never sent\n")), false);

        assertThat(exit).isEqualTo(ExitCodes.CONNECTION_FAILED);
        assertThat(stderr()).contains("client is CLOSED: nothing accepts connections on 127.0.0.1:" + closedPort
                + " (connection refused)").doesNotContain("Exception").doesNotContain("unreachable:");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void aRefusedHandshakeExitsThree() throws Exception {
        try (WebSocketServer refusing = WebSocketServer.builder(ws -> { })
                .processRequest(request -> Optional.of(HttpResponse.of(403, "no"))).port(0).start()) {
            int exit = run(URI.create("ws://127.0.0.1:" + refusing.port() + "/"),
                    new BufferedReader(new StringReader("never sent\n")), false);

            assertThat(exit).isEqualTo(ExitCodes.HANDSHAKE_REFUSED);
            assertThat(stderr()).contains("client is CLOSED: the server refused the handshake: HTTP 403")
                    .doesNotContain("GAVE_UP");
        }
    }

    @Test
    void reconnectIsAnOptionOfConnectAndCannotBeCombinedWithReliable() {
        ConnectCommand connect = (ConnectCommand) Main.commandLine()
                .parseArgs("connect", "--reconnect", "ws://127.0.0.1:8765/").subcommand().commandSpec().userObject();
        assertThat(connect.reconnect).isTrue();

        java.io.StringWriter usage = new java.io.StringWriter();
        picocli.CommandLine cli = Main.commandLine();
        cli.setErr(new java.io.PrintWriter(usage, true));
        assertThat(cli.execute("connect", "--reconnect", "--reliable", "ws://127.0.0.1:8765/"))
                .isEqualTo(ExitCodes.USAGE);
        assertThat(usage.toString()).contains("--reconnect cannot be used with --reliable");
    }
}
