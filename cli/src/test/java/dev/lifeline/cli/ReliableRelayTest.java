package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Message;
import dev.lifeline.WebSocketOptions;
import dev.lifeline.Backoff;
import dev.lifeline.ReconnectPolicy;
import dev.lifeline.reliable.ReliableClient;
import dev.lifeline.reliable.SessionOutcome;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What {@code lifeline serve --reliable} does with messages: reliable sessions over real loopback connections, echo
 * and chat, the control messages, and the log lines per session.
 */
@Timeout(30)
class ReliableRelayTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final ReconnectPolicy FAST = ReconnectPolicy.standard(new Backoff(Duration.ofMillis(5),
            Duration.ofMillis(5), 2.0, Duration.ofMillis(50)));

    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    private final List<ReliableClient> clients = new ArrayList<>();
    private final List<SessionOutcome> outcomes = new CopyOnWriteArrayList<>();
    private DemoServer server;

    private void start(Mode mode) throws Exception {
        ServerLog log = new ServerLog(new PrintStream(logged, true, StandardCharsets.UTF_8), false,
                Clock.systemDefaultZone());
        server = DemoServer.start("127.0.0.1", 0, mode, true, WebSocketOptions.DEFAULT, Optional.empty(), log);
    }

    private ReliableClient connect() {
        ReliableClient client = ReliableClient.builder(server.endpoint()).reconnect(FAST)
                .listener(new ReliableClient.Listener() {
                    @Override
                    public void sessionJoined(SessionOutcome outcome) {
                        outcomes.add(outcome);
                    }
                })
                .connect();
        clients.add(client);
        return client;
    }

    @AfterEach
    void stop() {
        clients.forEach(ReliableClient::close);
        if (server != null) {
            server.close();
        }
    }

    private static Message receive(ReliableClient client) {
        return client.receive(WAIT).orElseThrow(() -> new AssertionError("no message within " + WAIT));
    }

    @Test
    void echoModeSendsEachMessageBackAcknowledged() throws Exception {
        start(Mode.ECHO);
        ReliableClient client = connect();

        client.send("hello").get(5, TimeUnit.SECONDS);
        client.send(new byte[] {0, 1, 2}).get(5, TimeUnit.SECONDS);

        assertThat(receive(client)).isEqualTo(Message.text("hello"));
        assertThat(receive(client)).isEqualTo(Message.binary(new byte[] {0, 1, 2}));
    }

    @Test
    void chatModePublishesEachMessageToEverySessionOnce() throws Exception {
        start(Mode.CHAT);
        ReliableClient first = connect();
        ReliableClient second = connect();
        Eventually.contains(Eventually.text(logged), "(2 open)");

        first.send("hello all").get(5, TimeUnit.SECONDS);

        assertThat(receive(first)).isEqualTo(Message.text("hello all"));
        assertThat(receive(second)).isEqualTo(Message.text("hello all"));
        assertThat(second.receive(Duration.ofMillis(200))).isEmpty();
    }

    @Test
    void dropCutsTheConnectionAndTheSessionResumesWithNothingLostOrRepeated() throws Exception {
        start(Mode.ECHO);
        ReliableClient client = connect();
        client.send("before").get(5, TimeUnit.SECONDS);

        client.send("{\"lifeline\":\"drop\"}");
        client.send("after");

        assertThat(receive(client)).isEqualTo(Message.text("before"));
        assertThat(receive(client)).isEqualTo(Message.text("after"));
        assertThat(client.receive(Duration.ofMillis(200))).isEmpty();
        assertThat(outcomes).extracting(SessionOutcome::kind)
                .containsExactly(SessionOutcome.Kind.NEW, SessionOutcome.Kind.RESUMED);
    }

    @Test
    void aCloseClosesTheConnectionWithTheCodeAskedAndTheClientResumesOrGivesUpAsItsPolicySays() throws Exception {
        start(Mode.ECHO);
        ReliableClient client = connect();

        client.send("{\"lifeline\":\"close\",\"code\":1001}").get(5, TimeUnit.SECONDS); // worth retrying
        Eventually.contains(() -> outcomes.stream().map(o -> o.kind().name()).toList().toString(), "RESUMED");
        client.send("{\"lifeline\":\"close\",\"code\":4000,\"reason\":\"bye\"}"); // not worth retrying

        var reason = client.closed().get(5, TimeUnit.SECONDS);
        assertThat(reason.kind().name()).isEqualTo("GAVE_UP");
        assertThat(reason.detail()).startsWith("disconnected: 4000 (private use) \"bye\" (received)");
        assertThat(outcomes).extracting(SessionOutcome::kind)
                .containsExactly(SessionOutcome.Kind.NEW, SessionOutcome.Kind.RESUMED);
    }

    @Test
    void aPingIsAnsweredToTheSenderWithAPong() throws Exception {
        start(Mode.CHAT);
        ReliableClient client = connect();

        client.send("{\"lifeline\":\"ping\",\"t\":1.5}");

        assertThat(receive(client)).isEqualTo(Message.text("{\"lifeline\":\"pong\",\"t\":1.5}"));
    }

    @Test
    void eachSessionGetsALineWhenItStartsAndWhenItEndsAndTheHealthCheckSaysReliable() throws Exception {
        start(Mode.ECHO);
        ReliableClient client = connect();
        client.send("one").get(5, TimeUnit.SECONDS);
        Eventually.contains(Eventually.text(logged), "r1 session started from 127.0.0.1:");
        assertThat(Http.get(server.page().resolve("/healthz")).body())
                .isEqualTo("{\"status\":\"ok\",\"mode\":\"echo\",\"reliable\":true,\"connections\":1}");

        client.close();

        Eventually.contains(Eventually.text(logged), "r1 session ended after ");
        assertThat(Eventually.text(logged).get()).contains(", 1 message: CLOSED_BY_PEER");
    }
}
