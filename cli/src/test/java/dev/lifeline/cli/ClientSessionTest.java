package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Message;
import dev.lifeline.WebSocket;
import dev.lifeline.WebSocketClient;
import dev.lifeline.WebSocketServer;
import dev.lifeline.protocol.ConnectionClosedException;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A {@code lifeline connect} session over a real loopback connection, in a pipe and at a (simulated) terminal. */
@Timeout(30)
class ClientSessionTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private WebSocketServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private WebSocket connect(WebSocketServer.Handler handler) throws IOException {
        server = WebSocketServer.builder(handler).start();
        return WebSocketClient.connect("ws://127.0.0.1:" + server.port() + "/");
    }

    private static void echo(WebSocket ws) {
        try {
            for (Message m : ws) {
                ws.send(m);
            }
        } catch (ConnectionClosedException e) {
            // closed with another code than 1000 or 1001: the client reports it
        }
    }

    private ClientSession session(WebSocket ws, BufferedReader input, boolean terminal, Duration linger) {
        Screen screen = new Screen(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), terminal, false, 80);
        return new ClientSession(ws, input, screen, linger);
    }

    private static BufferedReader lines(String text) {
        return new BufferedReader(new StringReader(text));
    }

    @Test
    void inAPipeEachLineIsSentAndEachReplyPrintedThenTheSessionClosesNormallyWithZero() throws Exception {
        WebSocket ws = connect(ClientSessionTest::echo);

        int exit = session(ws, lines("hello\nwörld\n\ntab\there\n"), false, Duration.ofSeconds(5)).run();

        assertThat(exit).isEqualTo(ExitCodes.OK);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("hello\nwörld\n\ntab\\there\n");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("= connection is OPEN: / on 127.0.0.1:")
                .contains("= connection is CLOSED with 1000 (normal): sent 1000 (normal); then received 1000");
    }

    @Test
    void inAPipeTheWaitForRepliesThatNeverComeIsBounded() throws Exception {
        WebSocket ws = connect(peer -> peer.forEach(ignored -> { }));
        long start = System.nanoTime();

        int exit = session(ws, lines("a\nb\n"), false, Duration.ofMillis(300)).run();

        assertThat(exit).isEqualTo(ExitCodes.OK);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void aConnectionDroppedByTheServerEndsTheSessionWithOne() throws Exception {
        WebSocket ws = connect(peer -> {
            peer.receive();
            peer.abort();
        });

        int exit = session(ws, lines("bye\n"), false, Duration.ofSeconds(5)).run();

        assertThat(exit).isEqualTo(ExitCodes.ABNORMAL_CLOSE);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("! connection is CLOSED with 1006 (abnormal closure): no close frame received or sent");
    }

    @Test
    void atATerminalTheServerClosingIsReportedAtOnceWithoutWaitingForInput() throws Exception {
        CompletableFuture<Void> closeNow = new CompletableFuture<>();
        WebSocket ws = connect(peer -> closeNow.get(10, TimeUnit.SECONDS));
        PipedOutputStream typing = new PipedOutputStream();
        BufferedReader keyboard = new BufferedReader(new InputStreamReader(new PipedInputStream(typing),
                StandardCharsets.UTF_8));
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> run(session(ws, keyboard, true,
                Duration.ZERO)));
        Eventually.contains(Eventually.text(out), "> ");

        closeNow.complete(null); // the handler returns: the server closes with 1000; nobody types anything

        assertThat(exit.get(10, TimeUnit.SECONDS)).isEqualTo(ExitCodes.OK);
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("= connection is CLOSED with 1000 (normal): received 1000 (normal); then sent 1000");
        typing.close();
    }

    @Test
    void atATerminalCommandsPingShowLatencyAndCloseWithACode() throws Exception {
        WebSocket ws = connect(ClientSessionTest::echo);
        PipedOutputStream typing = new PipedOutputStream();
        BufferedReader keyboard = new BufferedReader(new InputStreamReader(new PipedInputStream(typing),
                StandardCharsets.UTF_8));
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> run(session(ws, keyboard, true,
                Duration.ZERO)));

        type(typing, "hello\n");
        Eventually.contains(Eventually.text(out), "< hello");
        type(typing, "//slash\n");
        Eventually.contains(Eventually.text(out), "< /slash");
        type(typing, "/ping\n");
        Eventually.contains(Eventually.text(out), "= pong after ");
        type(typing, "/latency\n");
        Eventually.contains(Eventually.text(out), "= latency ");
        type(typing, "/nonsense\n");
        Eventually.contains(Eventually.text(out), "! unknown command /nonsense");
        type(typing, "/close 4000 done\n");

        assertThat(exit.get(10, TimeUnit.SECONDS)).as("4000 is not a normal close").isEqualTo(
                ExitCodes.ABNORMAL_CLOSE);
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("! connection is CLOSED with 4000 (private use): sent 4000 (private use) \"done\"; then"
                        + " received 4000 (private use)");
        typing.close();
    }

    private static void type(PipedOutputStream keyboard, String text) throws IOException {
        keyboard.write(text.getBytes(StandardCharsets.UTF_8));
        keyboard.flush();
    }

    private static int run(ClientSession session) {
        try {
            return session.run();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
