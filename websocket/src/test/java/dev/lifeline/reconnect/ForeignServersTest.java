package dev.lifeline.reconnect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Failure;
import dev.lifeline.Message;
import dev.lifeline.ReconnectingWebSocket;
import dev.lifeline.ReconnectingWebSocket.State;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A {@link ReconnectingWebSocket} against servers no one here wrote, python3-websockets and Node's ws, each killed
 * and started again on the same port: the client reconnects, its onOpen hook runs again, and the same
 * {@code receive()} goes on with the new server's messages.
 */
@Timeout(60)
class ForeignServersTest {
    private static String text(ReconnectingWebSocket ws) {
        return ((Message.Text) ws.receive(Duration.ofSeconds(20)).orElseThrow()).text();
    }

    @ParameterizedTest
    @EnumSource(ForeignServer.Kind.class)
    void reconnectsToAServerStoppedAndStartedAgain(ForeignServer.Kind kind) throws Exception {
        int port = ReconnectingWebSocketTest.freePort();
        Recorder recorder = new Recorder();
        AtomicInteger hooks = new AtomicInteger();
        ReconnectingWebSocket ws;
        try (ForeignServer first = ForeignServer.start(kind, port, "first")) {
            ws = ReconnectingWebSocket.builder(URI.create("ws://127.0.0.1:" + port + "/"))
                    .reconnect(Recorder.QUICK).listener(recorder)
                    .onOpen(connection -> connection.send("hello " + hooks.incrementAndGet()))
                    .connect();
            assertThat(text(ws)).isEqualTo("first:hello 1");
            ws.send("one");
            assertThat(text(ws)).isEqualTo("first:one");
        }
        recorder.awaitState(State.RECONNECTING, 1);
        try (ForeignServer second = ForeignServer.start(kind, port, "second")) {
            assertThat(text(ws)).as("the same receive(), from the restarted server").isEqualTo("second:hello 2");
            ws.send("two");
            assertThat(text(ws)).isEqualTo("second:two");
            assertThat(ws.state()).isEqualTo(State.OPEN);
            ws.close();
        }
        assertThat(hooks).hasValue(2);
        assertThat(recorder.states).containsExactly(State.OPEN, State.RECONNECTING, State.OPEN, State.CLOSED);
        assertThat(recorder.failures.get(0)).as("killed: no Close frame").isInstanceOfSatisfying(
                Failure.Disconnected.class, d -> assertThat(d.code().value()).isEqualTo(1006));
        assertThat(recorder.failures.subList(1, recorder.failures.size()))
                .as("refused while it was down, and retried").allSatisfy(f -> assertThat(f)
                        .isInstanceOf(Failure.Unreachable.class));
        assertThat(ws.closed().join().kind()).isEqualTo(ReconnectingWebSocket.CloseReason.Kind.CLOSED);
    }
}
