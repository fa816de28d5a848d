package dev.lifeline.reliable;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.lifeline.Message;
import dev.lifeline.protocol.CloseCode;
import dev.lifeline.protocol.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Fuzz target for the reliable layer fed by a hostile peer: {@link Envelope#decode} of arbitrary bytes, and a
 * {@link Session} driven through sends, polls, detaches, resumes and whatever envelopes the peer's bytes decode to.
 * Properties:
 * <ul>
 *   <li>decoding ends in an envelope or a {@link ProtocolException} with 1002 (1007 for text that is not UTF-8);
 *       a decoded envelope encodes to its canonical bytes, which decode to an equal envelope and are no longer than
 *       the input (only non-minimal varints differ);
 *   <li>the session refuses a bad envelope with a {@code ProtocolException} (1002) and stays consistent; it never
 *       throws anything else at peer input;
 *   <li>the outbox never exceeds its bounds; acknowledged and last-received numbers never go back; each DATA is
 *       delivered once, in sequence order, with its payload; everything sent and not acknowledged is still in the
 *       outbox, in order.
 * </ul>
 * Run longer with {@code ./lifeline fuzz ReliablePeerFuzzTest 10m}; see docs/topics/fuzzing.md.
 */
public class ReliablePeerFuzzTest {
    private static final int STEPS = 64;

    @FuzzTest(maxDuration = "5s")
    void anyPeerEnvelopeIsDecodedOrRefusedAndTheSessionStaysConsistent(FuzzedDataProvider data) {
        fuzzerTestOneInput(data);
    }

    /** The target, as Jazzer's standalone driver calls it. */
    public static void fuzzerTestOneInput(FuzzedDataProvider data) {
        ReliableOptions options = ReliableOptions.DEFAULT.withOutbox(data.consumeInt(1, 8), data.consumeLong(1, 256))
                .withAcks(data.consumeInt(1, 4), Duration.ofNanos(data.consumeLong(0, 1000)));
        Session session = new Session(options);
        List<byte[]> sent = new ArrayList<>();
        long delivered = 0;
        long acknowledged = 0;
        long now = 0;
        for (int step = 0; step < STEPS && data.remainingBytes() > 0; step++) {
            now += data.consumeInt(0, 1000);
            switch (data.consumeInt(0, 4)) {
                case 0 -> {
                    byte[] payload = data.consumeBytes(data.consumeInt(0, 64));
                    try {
                        if (session.offer(Message.binary(payload)).isPresent()) {
                            sent.add(payload);
                        }
                    } catch (IllegalArgumentException e) {
                        assertThat((long) payload.length).isGreaterThan(options.outboxBytes());
                    }
                }
                case 1 -> {
                    for (Envelope ours : session.poll(now, data.consumeInt(1, 4))) {
                        assertThat(Envelope.decode(ByteBuffer.wrap(ours.encode()))).as("our %s", ours).isEqualTo(ours);
                    }
                }
                case 2 -> session.detach();
                case 3 -> {
                    try {
                        session.resume(data.consumeLong(0, sent.size() + 1L));
                    } catch (ProtocolException e) {
                        assertThat(e.closeCode()).isEqualTo(CloseCode.PROTOCOL_ERROR);
                    } catch (dev.lifeline.protocol.InvalidStateException e) {
                        assertThat(session.isAttached()).as("resumed while attached").isTrue();
                    }
                }
                default -> {
                    Optional<Envelope> envelope = decode(data.consumeBytes(data.consumeInt(0, 80)));
                    if (envelope.isPresent() && session.isAttached()) {
                        try {
                            Session.Received received = session.receive(envelope.get(), now);
                            if (received.delivery().isPresent()) {
                                Envelope.Data d = (Envelope.Data) envelope.get();
                                delivered++;
                                assertThat(d.seq()).as("delivered in order").isEqualTo(delivered);
                                assertThat(Session.payloadOf(received.delivery().get())).isEqualTo(d.payload());
                            }
                        } catch (ProtocolException e) {
                            assertThat(e.closeCode()).as(e.getMessage()).isEqualTo(CloseCode.PROTOCOL_ERROR);
                            session.detach(); // the connection fails; the session waits for a resume
                        }
                    }
                }
            }
            assertThat(session.outboxSize()).isLessThanOrEqualTo(options.outboxMessages());
            assertThat(session.outboxBytes()).isBetween(0L, options.outboxBytes());
            assertThat(session.acknowledged()).as("acknowledged never goes back").isGreaterThanOrEqualTo(acknowledged);
            acknowledged = session.acknowledged();
            assertThat(session.lastReceived()).as("last received is what was delivered").isEqualTo(delivered);
            List<byte[]> unacknowledged = session.unacknowledged().stream().map(Session::payloadOf).toList();
            assertThat(unacknowledged).as("the outbox holds what was sent and not acknowledged")
                    .usingElementComparator(Arrays::compare)
                    .containsExactlyElementsOf(sent.subList((int) acknowledged, sent.size()));
        }
    }

    private static Optional<Envelope> decode(byte[] bytes) {
        Envelope envelope;
        try {
            envelope = Envelope.decode(ByteBuffer.wrap(bytes));
        } catch (ProtocolException e) {
            assertThat(e.closeCode()).as(e.getMessage()).isIn(CloseCode.PROTOCOL_ERROR, CloseCode.INVALID_PAYLOAD);
            return Optional.empty();
        }
        byte[] canonical = envelope.encode();
        assertThat(canonical.length).as("canonical encoding of %s", envelope).isLessThanOrEqualTo(bytes.length);
        assertThat(Envelope.decode(ByteBuffer.wrap(canonical))).as("decoded again").isEqualTo(envelope);
        if (envelope instanceof Envelope.Data d && d.text()) {
            assertThat(new String(d.payload(), StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8))
                    .as("text payload is UTF-8").isEqualTo(d.payload());
        }
        return Optional.of(envelope);
    }
}
