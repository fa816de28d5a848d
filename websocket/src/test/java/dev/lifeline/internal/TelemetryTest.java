package dev.lifeline.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.WebSocketMetrics;
import dev.lifeline.WebSocketMetrics.Kind;
import dev.lifeline.WebSocketOptions;
import dev.lifeline.protocol.Event;
import dev.lifeline.protocol.Side;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A connection's per-message measurements: with {@link WebSocketMetrics#NONE} they allocate nothing (counted by the
 * JVM's per-thread allocation counter, not timed); with a listener, a batch of received messages is one call per
 * kind, and text is counted in UTF-8 bytes.
 */
class TelemetryTest {
    private static final int CALLS = 100_000;

    private static long allocatedByThisThread() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    @Test
    void nobodyListeningCostsNoAllocationPerMessage() {
        Telemetry telemetry = new Telemetry("s1", Side.SERVER, WebSocketOptions.DEFAULT);
        List<Event> batch = List.of(new Event.Text("héllo"), new Event.Binary(new byte[3]));
        for (int round = 0; round < 2; round++) { // the first round loads and links what the calls need
            long before = allocatedByThisThread();
            for (int i = 0; i < CALLS; i++) {
                telemetry.received(batch);
                telemetry.sent(Kind.BINARY, 1, 3);
                telemetry.sentText(1, "hello");
                telemetry.sendBlocked(telemetry.timingSends() ? System.nanoTime() : 0);
            }
            long allocated = allocatedByThisThread() - before;
            if (round == 1) {
                assertThat(allocated).as("bytes allocated by %d rounds of calls", CALLS).isLessThan(CALLS / 10);
            }
        }
        assertThat(telemetry.timingSends()).isFalse();
    }

    @Test
    void aReceivedBatchIsOneCallPerKindWithUtf8Bytes() {
        List<String> calls = new ArrayList<>();
        AtomicLong sends = new AtomicLong();
        WebSocketMetrics metrics = new WebSocketMetrics() {
            @Override
            public void received(Side side, Kind kind, int messages, long bytes) {
                calls.add(side + " " + kind + " " + messages + " " + bytes);
            }

            @Override
            public void sendBlocked(Side side, long nanos) {
                sends.incrementAndGet();
            }
        };
        Telemetry telemetry = new Telemetry("c1", Side.CLIENT, WebSocketOptions.DEFAULT.withMetrics(metrics));

        telemetry.received(List.of(new Event.Text("é"), new Event.Ping(new byte[0]), new Event.Text("😀a"),
                new Event.Binary(new byte[5])));
        telemetry.received(List.of(new Event.Ping(new byte[0])));
        telemetry.sendBlocked(System.nanoTime());

        assertThat(calls).containsExactly("client TEXT 2 7", "client BINARY 1 5");
        assertThat(sends).hasValue(1);
        assertThat(Telemetry.utf8Length("a\u00e9\u20ac\ud83d\ude00")).isEqualTo(1 + 2 + 3 + 4);
    }
}
