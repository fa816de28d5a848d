package dev.lifeline.reliable;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Message;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Two sessions joined by a simulated connection (two FIFO queues of encoded envelopes), driven through every
 * schedule of sends, writes, deliveries, passing time and reconnects up to a depth, and through many long random
 * schedules. A reconnect loses whatever was in flight; a "stale" reconnect announces the lowest last-received
 * number the protocol allows (what was last acknowledged), so the peer resends messages already delivered and
 * the receiver must drop them. After each schedule a final reconnect and a drain must deliver every message
 * exactly once and in order, both ways, with every outbox empty; during it, what each side delivered is always a
 * prefix of what the other sent and no outbox exceeds its bound.
 */
class SessionInterleavingTest {
    private static final int OUTBOX = 3;
    private static final ReliableOptions OPTIONS = ReliableOptions.DEFAULT.withOutbox(OUTBOX, 1 << 10)
            .withAcks(2, Duration.ofMillis(20));
    private static final long TICK = Duration.ofMillis(20).toNanos();
    private static final int DEPTH = 7;

    enum Op { SEND_A, SEND_B, WRITE_A, WRITE_B, DELIVER_TO_B, DELIVER_TO_A, TICK, RECONNECT, RECONNECT_STALE }

    /** One side: its session, what its application sent and what it delivered. */
    private static final class Side {
        final Session session = new Session(OPTIONS);
        final List<Message> sent = new ArrayList<>();
        final List<Message> delivered = new ArrayList<>();
        final String name;

        Side(String name) {
            this.name = name;
        }
    }

    /** Both sides and the connection between them. */
    private static final class World {
        final Side a = new Side("a");
        final Side b = new Side("b");
        final ArrayDeque<byte[]> toB = new ArrayDeque<>();
        final ArrayDeque<byte[]> toA = new ArrayDeque<>();
        long now;

        World() {
            a.session.resume(0);
            b.session.resume(0);
        }

        /** Applies an operation; false if it could do nothing (that branch equals a shorter schedule). */
        boolean apply(Op op) {
            return switch (op) {
                case SEND_A -> send(a);
                case SEND_B -> send(b);
                case WRITE_A -> write(a, toB);
                case WRITE_B -> write(b, toA);
                case DELIVER_TO_B -> deliver(toB, b);
                case DELIVER_TO_A -> deliver(toA, a);
                case TICK -> {
                    now += TICK;
                    yield true;
                }
                case RECONNECT -> reconnect(false);
                case RECONNECT_STALE -> reconnect(true);
            };
        }

        private boolean send(Side side) {
            Message m = Message.text(side.name + side.sent.size());
            if (side.session.offer(m).isEmpty()) {
                return false;
            }
            side.sent.add(m);
            return true;
        }

        private boolean write(Side side, ArrayDeque<byte[]> wire) {
            List<Envelope> out = side.session.poll(now, 1);
            out.forEach(e -> wire.add(e.encode()));
            return !out.isEmpty();
        }

        private boolean deliver(ArrayDeque<byte[]> wire, Side to) {
            if (wire.isEmpty()) {
                return false;
            }
            Envelope e = Envelope.decode(ByteBuffer.wrap(wire.poll()));
            to.session.receive(e, now).delivery().ifPresent(to.delivered::add);
            return true;
        }

        /** Loses what is in flight, then runs the resume handshake; stale: announce only what was acknowledged. */
        private boolean reconnect(boolean stale) {
            toA.clear();
            toB.clear();
            a.session.detach();
            b.session.detach();
            long aHas = stale ? b.session.acknowledged() : a.session.lastReceived();
            long bHas = stale ? a.session.acknowledged() : b.session.lastReceived();
            a.session.resume(bHas);
            b.session.resume(aHas);
            return true;
        }

        /**
         * The operations that would change something after {@code schedule}: a send with room, a write with
         * something to write, a delivery with something in flight, time passing while an ACK waits for its delay,
         * a reconnect unless nothing happened since the last one.
         */
        List<Op> useful(List<Op> schedule) {
            List<Op> ops = new ArrayList<>();
            for (Op op : Op.values()) {
                boolean useful = switch (op) {
                    case SEND_A -> a.session.hasRoomFor(3);
                    case SEND_B -> b.session.hasRoomFor(3);
                    case WRITE_A -> canWrite(a);
                    case WRITE_B -> canWrite(b);
                    case DELIVER_TO_B -> !toB.isEmpty();
                    case DELIVER_TO_A -> !toA.isEmpty();
                    case TICK -> a.session.ackSchedule(now) instanceof AckSchedule.At
                            || b.session.ackSchedule(now) instanceof AckSchedule.At;
                    case RECONNECT, RECONNECT_STALE -> !schedule.isEmpty()
                            && schedule.getLast() != Op.RECONNECT && schedule.getLast() != Op.RECONNECT_STALE;
                };
                if (useful) {
                    ops.add(op);
                }
            }
            return ops;
        }

        private boolean canWrite(Side side) {
            return side.session.hasUntransmitted() || side.session.ackSchedule(now) instanceof AckSchedule.Now;
        }

        void checkInvariants() {
            for (Side side : List.of(a, b)) {
                Side peer = side == a ? b : a;
                assertThat(side.delivered.size()).isLessThanOrEqualTo(peer.sent.size());
                assertThat(side.delivered).isEqualTo(peer.sent.subList(0, side.delivered.size()));
                assertThat(side.session.outboxSize()).isLessThanOrEqualTo(OUTBOX);
            }
        }

        /** A clean reconnect, then writes, deliveries and time until nothing moves. */
        void drain() {
            reconnect(false);
            boolean moved = true;
            for (int rounds = 0; moved; rounds++) {
                assertThat(rounds).as("drain terminates").isLessThan(1_000);
                moved = false;
                for (Op op : List.of(Op.WRITE_A, Op.WRITE_B, Op.DELIVER_TO_B, Op.DELIVER_TO_A)) {
                    while (apply(op)) {
                        moved = true;
                    }
                }
                if (!moved && (a.session.lastReceived() > b.session.acknowledged()
                        || b.session.lastReceived() > a.session.acknowledged())) {
                    now += TICK;
                    moved = true;
                }
            }
            assertThat(b.delivered).as("a → b").isEqualTo(a.sent);
            assertThat(a.delivered).as("b → a").isEqualTo(b.sent);
            assertThat(a.session.outboxSize() + b.session.outboxSize()).as("outboxes").isZero();
        }
    }

    private static World replay(List<Op> schedule) {
        World world = new World();
        for (Op op : schedule) {
            world.apply(op);
            world.checkInvariants();
        }
        return world;
    }

    /** Depth-first over every schedule whose every step does something that no shorter schedule does. */
    private static int explore(List<Op> prefix, int depth) {
        World world = replay(prefix);
        List<Op> next = prefix.size() == depth ? List.of() : world.useful(prefix);
        world.drain();
        int schedules = 1;
        for (Op op : next) {
            List<Op> longer = new ArrayList<>(prefix);
            longer.add(op);
            schedules += explore(longer, depth);
        }
        return schedules;
    }

    @Test
    void everyScheduleOfSevenStepsDeliversExactlyOnceInOrderBothWays() {
        int schedules = explore(List.of(), DEPTH);
        System.out.println("explored " + schedules + " schedules of up to " + DEPTH + " steps");
        assertThat(schedules).isGreaterThan(10_000);
    }

    @Test
    void longRandomSchedulesDeliverExactlyOnceInOrderBothWays() {
        SplittableRandom random = new SplittableRandom(20_000);
        Op[] ops = Op.values();
        for (int i = 0; i < 10_000; i++) {
            World world = new World();
            for (int step = 0; step < 60; step++) {
                world.apply(ops[random.nextInt(ops.length)]);
                world.checkInvariants();
            }
            world.drain();
        }
    }

    @Test
    void aStaleResumeMakesThePeerResendAndTheReceiverDropsTheDuplicates() {
        World world = replay(List.of(Op.SEND_A, Op.SEND_A, Op.WRITE_A, Op.WRITE_A, Op.DELIVER_TO_B,
                Op.DELIVER_TO_B, Op.RECONNECT_STALE));
        world.apply(Op.WRITE_A);
        world.apply(Op.DELIVER_TO_B);
        assertThat(world.b.session.duplicates()).isOne();
        assertThat(world.b.delivered).hasSize(2);
        assertThat(world.b.session.poll(world.now, 1)).as("ACK owed at once").containsExactly(new Envelope.Ack(2));
    }
}
