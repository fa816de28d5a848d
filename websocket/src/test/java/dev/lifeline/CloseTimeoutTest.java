package dev.lifeline;

import static dev.lifeline.Peers.PATIENCE;
import static dev.lifeline.Peers.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.protocol.CloseCode;
import dev.lifeline.protocol.CloseStatus;
import dev.lifeline.protocol.ConnectionClosedErrorException;
import dev.lifeline.protocol.State;
import java.time.Duration;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Acceptance test 7: every close is bounded. RFC 6455 §7.1.2 starts the closing handshake; a peer that never
 * answers it does not keep {@code close()} waiting past {@code closeTimeout}: then TCP is dropped (§7.1.1). And
 * {@code abort()} drops TCP at once, with no closing handshake.
 */
@Timeout(30)
class CloseTimeoutTest {
    private static final Duration CLOSE_TIMEOUT = Duration.ofMillis(500);
    private static final WebSocketOptions OPTIONS = WebSocketOptions.DEFAULT.withCloseTimeout(CLOSE_TIMEOUT);

    @ParameterizedTest(name = "ours is the server: {0}")
    @ValueSource(booleans = {false, true})
    void closeAgainstAPeerThatNeverAnswersWaitsOutCloseTimeoutAndDropsTcp(boolean oursIsServer)
            throws Exception {
        try (AgainstRaw raw = AgainstRaw.open(oursIsServer, OPTIONS)) {
            long start = System.nanoTime();

            raw.ours.close();

            assertThat(Peers.millisSince(start)).as("milliseconds close() took: it waited out its timeout")
                    .isGreaterThanOrEqualTo(CLOSE_TIMEOUT.toMillis());
            assertThat(raw.peer.readFrame(PATIENCE).closeCode()).as("the Close frame sent").isEqualTo(1000);
            assertThat(raw.peer.awaitEnd(PATIENCE)).as("TCP dropped").isTrue();
            assertThat(raw.ours.state()).isEqualTo(State.CLOSED);
            assertThat(raw.ours.closed()).isCompletedWithValue(new CloseStatus(CloseCode.ABNORMAL_CLOSURE, ""));
            assertThat(raw.ours.closedException()).hasValueSatisfying(e -> {
                assertThat(e).isInstanceOf(ConnectionClosedErrorException.class);
                assertThat(e.sent()).contains(new CloseStatus(CloseCode.NORMAL_CLOSURE, ""));
                assertThat(e.received()).isEmpty();
            });
        }
    }

    @ParameterizedTest(name = "ours is the server: {0}")
    @ValueSource(booleans = {false, true})
    void abortDropsTcpAtOnceWithoutACloseFrame(boolean oursIsServer) throws Exception {
        try (AgainstRaw raw = AgainstRaw.open(oursIsServer, OPTIONS)) {
            raw.ours.abort();

            assertThat(raw.ours.state()).isEqualTo(State.CLOSED);
            assertThat(raw.ours.closed()).isCompletedWithValue(new CloseStatus(CloseCode.ABNORMAL_CLOSURE, ""));
            assertThat(raw.peer.readToEnd(PATIENCE)).as("bytes sent before TCP ended").isEmpty();
            assertThat(raw.ours.closedException()).hasValueSatisfying(e -> {
                assertThat(e.sent()).isEmpty();
                assertThat(e.received()).isEmpty();
            });
            assertThat(await(raw.ours.closed()).code()).isEqualTo(CloseCode.ABNORMAL_CLOSURE);
        }
    }
}
