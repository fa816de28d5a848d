package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Message;
import dev.lifeline.WebSocket;
import dev.lifeline.WebSocketClient;
import dev.lifeline.WebSocketOptions;
import dev.lifeline.protocol.CloseCode;
import dev.lifeline.protocol.CloseStatus;
import dev.lifeline.protocol.State;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What {@code lifeline serve} does with messages, and what it logs, over real loopback connections. */
@Timeout(30)
class RelayTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    private DemoServer server;
    private ServerLog log;

    private DemoServer start(Mode mode) throws Exception {
        log = new ServerLog(new PrintStream(logged, true, StandardCharsets.UTF_8), false,
                Clock.systemDefaultZone());
        server = DemoServer.start("127.0.0.1", 0, mode, false, WebSocketOptions.DEFAULT, Optional.empty(), log);
        return server;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private WebSocket connect() throws Exception {
        return WebSocketClient.connect(server.endpoint());
    }

    private static Message receive(WebSocket ws) {
        return ws.receive(WAIT).orElseThrow(() -> new AssertionError("no message within " + WAIT));
    }

    @Test
    void echoModeSendsEveryTextAndBinaryMessageBack() throws Exception {
        start(Mode.ECHO);
        try (WebSocket ws = connect()) {
            ws.send("hello");
            ws.send(new byte[] {0, 1, 2});

            assertThat(receive(ws)).isEqualTo(Message.text("hello"));
            assertThat(receive(ws)).isEqualTo(Message.binary(new byte[] {0, 1, 2}));
        }
    }

    @Test
    void chatModeSendsEveryMessageToEveryClientTheSenderIncluded() throws Exception {
        start(Mode.CHAT);
        try (WebSocket alice = connect(); WebSocket bob = connect()) {
            Eventually.contains(Eventually.text(logged), "(2 open)");
            alice.send("hi bob");

            assertThat(receive(bob)).isEqualTo(Message.text("hi bob"));
            assertThat(receive(alice)).isEqualTo(Message.text("hi bob"));
        }
    }

    @Test
    void aPingControlMessageIsAnsweredToItsSenderAloneEvenInChatMode() throws Exception {
        start(Mode.CHAT);
        try (WebSocket alice = connect(); WebSocket bob = connect()) {
            Eventually.contains(Eventually.text(logged), "(2 open)");
            alice.send("{\"lifeline\":\"ping\",\"t\":42}");

            assertThat(receive(alice)).isEqualTo(Message.text("{\"lifeline\":\"pong\",\"t\":42}"));
            assertThat(bob.receive(Duration.ofMillis(300))).isEmpty();
        }
    }

    @Test
    void aDropControlMessageDropsTheConnectionWithoutAClosingHandshake() throws Exception {
        start(Mode.ECHO);
        try (WebSocket ws = connect()) {
            ws.send("{\"lifeline\":\"drop\"}");

            CloseStatus status = ws.closed().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(status.code()).isEqualTo(CloseCode.ABNORMAL_CLOSURE);
        }
        Eventually.contains(Eventually.text(logged), "no close frame received or sent");
    }

    @Test
    void aCloseControlMessageClosesTheSendersConnectionFirstWithTheCodeAndReasonAsked() throws Exception {
        start(Mode.CHAT);
        try (WebSocket asker = connect(); WebSocket other = connect()) {
            Eventually.contains(Eventually.text(logged), "(2 open)");
            asker.send("{\"lifeline\":\"close\",\"code\":4000,\"reason\":\"as asked\",\"delay\":200}");

            CloseStatus status = asker.closed().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(status).isEqualTo(CloseStatus.of(4000, "as asked"));
            assertThat(asker.closedException().orElseThrow().getMessage())
                    .isEqualTo("received 4000 (private use) \"as asked\"; then sent 4000 (private use)");
            assertThat(other.state()).isEqualTo(State.OPEN);
        }
        Eventually.contains(Eventually.text(logged), "sent 4000 (private use) \"as asked\"; then received 4000");
    }

    @Test
    void aCloseControlMessageWithACodeThatMayNotBeSentClosesWith1008SayingWhy() throws Exception {
        start(Mode.ECHO);
        try (WebSocket ws = connect()) {
            ws.send("{\"lifeline\":\"close\",\"code\":1005}");

            assertThat(ws.closed().get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(CloseStatus.of(1008,
                    "close code 1005 may not be sent in a Close frame (RFC 6455 §7.4)"));
        }
    }

    @Test
    void eachConnectionIsLoggedWhenItOpensAndWhenItCloses() throws Exception {
        start(Mode.ECHO);
        String local;
        try (WebSocket ws = connect()) {
            local = ServerLog.address(ws.localAddress());
            ws.send("one");
            receive(ws);
            ws.close(CloseCode.NORMAL_CLOSURE, "bye");
        }
        String log = Eventually.contains(Eventually.text(logged), "(0 open)");

        assertThat(log).containsPattern("\\d\\d:\\d\\d:\\d\\d s\\w+ opened from " + local + " / \\(1 open\\)");
        assertThat(log).containsPattern("s\\w+ closed from " + local + " after [0-9.]+ m?s, 1 message: received 1000"
                + " \\(normal\\) \"bye\"; then sent 1000 \\(normal\\) \\(0 open\\)");
    }

    @Test
    void closingTheServerSends1001ToEveryClientAndTheSummaryCountsWhatWasServed() throws Exception {
        ServerLog log = new ServerLog(new PrintStream(logged, true, StandardCharsets.UTF_8), true,
                Clock.systemDefaultZone());
        server = DemoServer.start("127.0.0.1", 0, Mode.ECHO, false, WebSocketOptions.DEFAULT, Optional.empty(), log);
        try (WebSocket ws = connect()) {
            ws.send("x");
            receive(ws);
            server.close();

            CloseStatus status = ws.closed().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(status).isEqualTo(CloseStatus.of(1001, "server shutting down"));
        }
        assertThat(log.summary()).matches("1 connection served \\(0 open\\) in .*; 1 message received, 1 sent");
        assertThat(logged.toString(StandardCharsets.UTF_8)).as("--quiet logs no connection").isEmpty();
    }

    @Test
    void onceTheServerIsClosedEveryClosingLineIsPrintedBeforeAwaitAllClosedReturns() throws Exception {
        start(Mode.ECHO);
        try (WebSocket ws = connect()) {
            Eventually.contains(Eventually.text(logged), "(1 open)");
            server.close();

            assertThat(log.awaitAllClosed(WAIT)).isTrue();
            assertThat(logged.toString(StandardCharsets.UTF_8))
                    .contains("sent 1001 (going away) \"server shutting down\"; then received 1001");
        }
    }

    @Test
    void thePageAndTheHealthCheckAreServedOverPlainHttpOnTheSamePort() throws Exception {
        start(Mode.ECHO);
        try (WebSocket ws = connect()) {
            Eventually.contains(Eventually.text(logged), "(1 open)");
            Http page = Http.get(server.page());
            Http health = Http.get(server.page().resolve("/healthz"));

            assertThat(page.status()).isEqualTo(200);
            assertThat(page.contentType()).isEqualTo("text/html; charset=utf-8");
            assertThat(page.body()).contains("<title>Lifeline demo</title>");
            assertThat(health.body())
                    .isEqualTo("{\"status\":\"ok\",\"mode\":\"echo\",\"reliable\":false,\"connections\":1}");
        }
    }

    @Test
    void theUrlsNameTheBoundPort() throws Exception {
        start(Mode.ECHO);

        assertThat(server.endpoint()).isEqualTo(URI.create("ws://127.0.0.1:" + server.endpoint().getPort() + "/"));
        assertThat(server.endpoint().getPort()).isPositive();
        assertThat(server.page()).isEqualTo(URI.create("http://127.0.0.1:" + server.endpoint().getPort() + "/"));
    }
}
