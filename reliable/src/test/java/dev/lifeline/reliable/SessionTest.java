package dev.lifeline.reliable;

import static dev.lifeline.Message.binary;
import static dev.lifeline.Message.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeline.Message;
import dev.lifeline.protocol.CloseCode;
import dev.lifeline.protocol.InvalidStateException;
import dev.lifeline.protocol.ProtocolException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One side of a session on its own, no sockets and no clock: numbering, the bounded outbox, cumulative
 * acknowledgements, duplicates, the acknowledgement schedule and what a resume resends.
 */
class SessionTest {
    private static final long MS = 1_000_000;
    private static final ReliableOptions OPTIONS = ReliableOptions.DEFAULT.withOutbox(3, 10)
            .withAcks(4, Duration.ofMillis(20));

    private final Session session = new Session(OPTIONS);

    private static Envelope.Data data(long seq, long ack, String text) {
        return new Envelope.Data(seq, ack, true, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static ProtocolException protocolError(Runnable r) {
        try {
            r.run();
        } catch (ProtocolException e) {
            assertThat(e.closeCode()).isEqualTo(CloseCode.PROTOCOL_ERROR);
            return e;
        }
        throw new AssertionError("no ProtocolException");
    }

    @Test
    void messagesAreNumberedFromOneAndCarryTheCurrentAck() {
        session.resume(0);
        assertThat(session.send(text("a"))).isEqualTo(1);
        assertThat(session.send(binary(new byte[] {9}))).isEqualTo(2);
        session.receive(data(1, 0, "x"), 0);
        assertThat(session.poll(0, 10)).containsExactly(data(1, 1, "a"),
                new Envelope.Data(2, 1, false, new byte[] {9}));
    }

    @Test
    void nothingIsTransmittedWhileDetached() {
        session.send(text("a"));
        assertThat(session.poll(0, 10)).isEmpty();
        assertThat(session.outboxSize()).isOne();
        session.resume(0);
        assertThat(session.poll(0, 10)).containsExactly(data(1, 0, "a"));
    }

    @Test
    void pollTakesAtMostTheBatchSize() {
        session.resume(0);
        session.send(text("a"));
        session.send(text("b"));
        assertThat(session.poll(0, 1)).containsExactly(data(1, 0, "a"));
        assertThat(session.poll(0, 1)).containsExactly(data(2, 0, "b"));
        assertThat(session.poll(0, 1)).isEmpty();
    }

    @Test
    void cumulativeAckEmptiesTheOutboxUpToIt() {
        session.resume(0);
        session.send(text("a"));
        session.send(text("b"));
        session.send(text("c"));
        session.poll(0, 10);
        assertThat(session.receive(new Envelope.Ack(2), 0).acknowledged()).isEqualTo(2);
        assertThat(session.outboxSize()).isOne();
        assertThat(session.outboxBytes()).isOne();
        assertThat(session.unacknowledged()).containsExactly(text("c"));
    }

    @Test
    void staleAckIsIgnored() {
        session.resume(0);
        session.send(text("a"));
        session.send(text("b"));
        session.poll(0, 10);
        session.receive(new Envelope.Ack(2), 0);
        assertThat(session.receive(new Envelope.Ack(1), 0).acknowledged()).isEqualTo(2);
    }

    @Test
    void ackOfSomethingNeverSentIsAProtocolError() {
        session.resume(0);
        session.send(text("a"));
        assertThat(protocolError(() -> session.receive(new Envelope.Ack(1), 0)).getMessage())
                .contains("acknowledgement of 1 but only 0 were sent");
    }

    @Test
    void duplicateIsDroppedButItsAckCounts() {
        session.resume(0);
        session.send(text("a"));
        session.poll(0, 10);
        assertThat(session.receive(data(1, 0, "x"), 0).delivery()).contains(text("x"));
        Session.Received again = session.receive(data(1, 1, "x"), 0);
        assertThat(again.delivery()).isEmpty();
        assertThat(again.acknowledged()).isEqualTo(1);
        assertThat(session.duplicates()).isOne();
        assertThat(session.ackSchedule(0)).isEqualTo(new AckSchedule.Now());
    }

    @Test
    void gapInSequenceNumbersIsAProtocolError() {
        session.resume(0);
        assertThat(protocolError(() -> session.receive(data(2, 0, "x"), 0)).getMessage())
                .contains("expected 1, received 2");
    }

    @Test
    void handshakeEnvelopesAfterTheHandshakeAreProtocolErrors() {
        session.resume(0);
        protocolError(() -> session.receive(new Envelope.Hello(0, new byte[0]), 0));
        protocolError(() -> session.receive(new Envelope.Welcome(SessionOutcome.Kind.NEW, 0, new byte[] {1}), 0));
    }

    @Test
    void receivingWhileDetachedIsMisuse() {
        assertThatThrownBy(() -> session.receive(new Envelope.Ack(0), 0)).isInstanceOf(InvalidStateException.class);
    }

    @Test
    void outboxIsBoundedByMessages() {
        session.send(text("a"));
        session.send(text("b"));
        session.send(text("c"));
        assertThat(session.hasRoomFor(0)).isFalse();
        assertThat(session.offer(text("d"))).isEmpty();
        assertThatThrownBy(() -> session.send(text("d"))).isInstanceOf(InvalidStateException.class)
                .hasMessageContaining("outbox full");
    }

    @Test
    void outboxIsBoundedByBytes() {
        session.send(text("123456"));
        assertThat(session.offer(text("12345"))).isEmpty();
        assertThat(session.offer(text("1234"))).hasValue(2);
        assertThat(session.outboxBytes()).isEqualTo(10);
    }

    @Test
    void messageLargerThanTheWholeOutboxIsRefused() {
        assertThatThrownBy(() -> session.offer(text("12345678901"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exceeds the outbox bound of 10 bytes");
    }

    @Test
    void textIsCountedInUtf8Bytes() {
        session.send(text("é€"));
        assertThat(session.outboxBytes()).isEqualTo(5);
    }

    @Test
    void ackIsDueAfterTheDelayUnlessDataCarriesIt() {
        session.resume(0);
        assertThat(session.ackSchedule(0)).isEqualTo(new AckSchedule.None());
        session.receive(data(1, 0, "x"), 100 * MS);
        assertThat(session.ackSchedule(110 * MS)).isEqualTo(new AckSchedule.At(120 * MS));
        assertThat(session.poll(110 * MS, 10)).isEmpty();
        assertThat(session.ackSchedule(120 * MS)).isEqualTo(new AckSchedule.Now());
        assertThat(session.poll(120 * MS, 10)).containsExactly(new Envelope.Ack(1));
        assertThat(session.ackSchedule(120 * MS)).isEqualTo(new AckSchedule.None());
    }

    @Test
    void ackIsDueAtOnceAfterAckEveryMessages() {
        session.resume(0);
        for (int i = 1; i <= 3; i++) {
            session.receive(data(i, 0, "x"), 0);
        }
        assertThat(session.ackSchedule(0)).isInstanceOf(AckSchedule.At.class);
        session.receive(data(4, 0, "x"), 0);
        assertThat(session.ackSchedule(0)).isEqualTo(new AckSchedule.Now());
    }

    @Test
    void outgoingDataCarriesThePendingAck() {
        session.resume(0);
        session.receive(data(1, 0, "x"), 0);
        session.send(text("a"));
        assertThat(session.poll(0, 10)).containsExactly(data(1, 1, "a"));
        assertThat(session.ackSchedule(50 * MS)).isEqualTo(new AckSchedule.None());
    }

    @Test
    void theDelayCountsFromTheFirstUnacknowledgedMessage() {
        session.resume(0);
        session.receive(data(1, 0, "x"), 0);
        session.receive(data(2, 0, "x"), 15 * MS);
        assertThat(session.ackSchedule(15 * MS)).isEqualTo(new AckSchedule.At(20 * MS));
    }

    @Test
    void ackNowAcknowledgesEverythingReceivedOnce() {
        session.resume(0);
        assertThat(session.ackNow()).isEmpty();
        session.receive(data(1, 0, "x"), 0);
        assertThat(session.ackNow()).contains(new Envelope.Ack(1));
        assertThat(session.ackNow()).isEmpty();
    }

    @Test
    void resumeResendsEverythingAfterWhatThePeerReceivedInOrder() {
        session.resume(0);
        session.send(text("a"));
        session.send(text("b"));
        session.poll(0, 10);
        session.detach();
        session.send(text("c"));
        session.resume(1);
        assertThat(session.acknowledged()).isEqualTo(1);
        assertThat(session.poll(0, 10)).containsExactly(data(2, 0, "b"), data(3, 0, "c"));
    }

    @Test
    void resumeCountsAsTheAckThatTheHandshakeCarried() {
        session.resume(0);
        session.receive(data(1, 0, "x"), 0);
        session.detach();
        session.resume(0);
        assertThat(session.ackSchedule(Long.MAX_VALUE / 2)).isEqualTo(new AckSchedule.None());
    }

    @Test
    void peerClaimingMessagesNeverSentCannotResume() {
        session.resume(0);
        session.send(text("a"));
        session.poll(0, 10);
        session.detach();
        assertThat(protocolError(() -> session.resume(2)).getMessage()).contains("only 1 were sent");
        assertThat(session.isAttached()).isFalse();
    }

    @Test
    void peerThatLostWhatItAcknowledgedCannotResume() {
        session.resume(0);
        session.send(text("a"));
        session.send(text("b"));
        session.poll(0, 10);
        session.receive(new Envelope.Ack(2), 0);
        session.detach();
        assertThat(protocolError(() -> session.resume(1)).getMessage()).contains("had acknowledged 2");
    }

    @Test
    void resumingTwiceWithoutDetachingIsMisuse() {
        session.resume(0);
        assertThatThrownBy(() -> session.resume(0)).isInstanceOf(InvalidStateException.class);
    }

    @Test
    void unacknowledgedKeepsTextAndBinaryApart() {
        session.send(text("a"));
        session.send(binary(new byte[] {1}));
        List<Message> pending = session.unacknowledged();
        assertThat(pending).containsExactly(text("a"), binary(new byte[] {1}));
    }
}
