package dev.lifeline.reliable;

import static dev.lifeline.Message.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A journaled session (kept in a shared store) transmits only what its store saved and acknowledges only what its
 * store saved, and a session restored from saved state goes on where the other node left it.
 */
class JournaledSessionTest {
    private static final ReliableOptions OPTIONS = ReliableOptions.DEFAULT.withAcks(1, Duration.ZERO);

    private static Envelope.Data data(long seq, long ack, String text) {
        return new Envelope.Data(seq, ack, true, text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void sendsAreTransmittedOnlyOnceSaved() {
        Session session = new Session(OPTIONS, true);
        session.resume(0);
        session.send(text("a"));
        session.send(text("b"));
        assertThat(session.poll(0, 10)).isEmpty();
        assertThat(session.hasUntransmitted()).isFalse();
        session.savedThrough(1);
        assertThat(session.poll(0, 10)).containsExactly(data(1, 0, "a"));
        session.savedThrough(2);
        assertThat(session.poll(0, 10)).containsExactly(data(2, 0, "b"));
    }

    @Test
    void receivedMessagesAreAcknowledgedOnlyOnceSaved() {
        Session session = new Session(OPTIONS, true);
        session.resume(0);
        session.receive(data(1, 0, "x"), 0);
        session.receive(data(2, 0, "y"), 0);
        assertThat(session.lastReceived()).isEqualTo(2);
        assertThat(session.acknowledgeable()).isZero();
        assertThat(session.ackSchedule(0)).isInstanceOf(AckSchedule.None.class);
        assertThat(session.ackNow()).isEmpty();
        session.receivedSavedThrough(1);
        assertThat(session.poll(0, 10)).containsExactly(new Envelope.Ack(1));
        session.receivedSavedThrough(5);
        assertThat(session.acknowledgeable()).isEqualTo(2);
        assertThat(session.poll(0, 10)).containsExactly(new Envelope.Ack(2));
    }

    @Test
    void anUnjournaledSessionAcknowledgesWhatItReceivedAtOnce() {
        Session session = new Session(OPTIONS);
        session.resume(0);
        session.receive(data(1, 0, "x"), 0);
        assertThat(session.acknowledgeable()).isOne();
    }

    @Test
    void restoredSessionResendsItsSavedOutboxAndNumbersOn() {
        SessionState state = new SessionState(4, 1, 7, 5,
                List.of(new SessionState.Saved(2, text("b")), new SessionState.Saved(3, text("c"))),
                List.of(new SessionState.Saved(6, text("f")), new SessionState.Saved(7, text("g"))));
        Session session = new Session(OPTIONS, state);
        session.resume(2);
        assertThat(session.send(text("d"))).isEqualTo(4);
        assertThat(session.poll(0, 10)).containsExactly(data(3, 7, "c"));
        session.savedThrough(4);
        assertThat(session.poll(0, 10)).containsExactly(data(4, 7, "d"));
        assertThat(session.receive(data(7, 0, "g"), 0).delivery()).isEmpty();
        assertThat(session.receive(data(8, 0, "h"), 0).delivery()).contains(text("h"));
    }

    @Test
    void stateWithMissingMessagesIsRefused() {
        assertThatThrownBy(() -> new SessionState(4, 1, 0, 0, List.of(new SessionState.Saved(3, text("c"))),
                List.of())).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 expected");
        assertThatThrownBy(() -> new SessionState(1, 0, 3, 4, List.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
