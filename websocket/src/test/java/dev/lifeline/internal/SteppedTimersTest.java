package dev.lifeline.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeline.testing.LogCapture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The timer queue on a stepped clock: what runs, when and in which order is decided by stepping time, never by
 * waiting. Every task here runs on the test's thread, inside {@link Timers#advance}.
 */
@Timeout(30)
class SteppedTimersTest {
    private final Timers timers = Timers.stepped();
    private final List<String> ran = new ArrayList<>();

    /** An entry that notes its name each time it runs, as a connection's keepalive does. */
    private final class Noting extends Timers.Entry {
        private final String name;

        Noting(String name) {
            this.name = name;
        }

        @Override
        void due() {
            ran.add(name + "@" + timers.nanoTime());
        }
    }

    @Test
    void aTaskRunsAtItsDeadlineAndNotBefore() {
        timers.after(() -> ran.add("task"), Duration.ofSeconds(10));

        timers.advance(Duration.ofSeconds(10).minusNanos(1));
        assertThat(ran).as("one nanosecond before the deadline").isEmpty();
        timers.advance(Duration.ofNanos(1));
        assertThat(ran).as("at the deadline").containsExactly("task");
        timers.advance(Duration.ofHours(1));
        assertThat(ran).as("a one-shot task runs once").containsExactly("task");
    }

    @Test
    void entriesDueAtTheSameInstantAllRunInDeadlineOrderThenInTheOrderArmed() {
        // armed out of order; c1, c2 and c3 share a deadline, and so do a1 and a2
        timers.arm(new Noting("c1"), Duration.ofNanos(300));
        timers.arm(new Noting("a1"), Duration.ofNanos(100));
        timers.arm(new Noting("c2"), Duration.ofNanos(300));
        timers.arm(new Noting("b"), Duration.ofNanos(200));
        timers.arm(new Noting("a2"), Duration.ofNanos(100));
        timers.arm(new Noting("c3"), Duration.ofNanos(300));
        for (int i = 0; i < 200; i++) { // enough to grow the heap past its first array
            timers.arm(new Noting("late" + i), Duration.ofNanos(1_000 + (i * 37) % 200));
        }

        timers.advance(Duration.ofNanos(300)); // one step over all three deadlines

        assertThat(ran).as("each ran with the clock at its own deadline")
                .containsExactly("a1@100", "a2@100", "b@200", "c1@300", "c2@300", "c3@300");
        ran.clear();
        timers.advance(Duration.ofNanos(1_000));
        assertThat(ran).hasSize(200);
        assertThat(ran).as("in deadline order").isSortedAccordingTo((x, y) -> Long.compare(
                Long.parseLong(x.substring(x.indexOf('@') + 1)), Long.parseLong(y.substring(y.indexOf('@') + 1))));
    }

    @Test
    void aCancelledTaskDoesNotRunAndLeavesTheQueueAtOnce() {
        Timers.Task cancelled = timers.after(() -> ran.add("cancelled"), Duration.ofSeconds(1));
        timers.after(() -> ran.add("kept"), Duration.ofSeconds(2));
        Noting entry = new Noting("entry");
        timers.arm(entry, Duration.ofSeconds(1));

        cancelled.cancel();
        timers.cancel(entry);

        assertThat(timers.isArmed(cancelled)).as("the cancelled task is out of the queue before its deadline")
                .isFalse();
        assertThat(timers.isArmed(entry)).isFalse();
        timers.advance(Duration.ofSeconds(5));
        assertThat(ran).containsExactly("kept");
    }

    @Test
    void anEntryArmedAgainMovesToItsNewDeadlineAndRunsOncePerArming() {
        Noting entry = new Noting("e");
        timers.arm(entry, Duration.ofNanos(100));
        timers.arm(entry, Duration.ofNanos(500)); // moved, not added: it runs once

        timers.advance(Duration.ofNanos(1_000));

        assertThat(ran).containsExactly("e@500");
        assertThat(timers.isArmed(entry)).as("ran: no longer armed").isFalse();
    }

    @Test
    void aRepetitionRunsEveryPeriodGoesOnAfterAFailureAndStopsWhenCancelled() {
        try (LogCapture log = new LogCapture()) {
            repeatThreeTimes();
            assertThat(log.records()).anySatisfy(r -> assertThat(r.getMessage()).contains("a timer task failed"));
        }
    }

    private void repeatThreeTimes() {
        Timers.Task[] repeating = new Timers.Task[1];
        repeating[0] = timers.every(() -> {
            ran.add("run@" + timers.nanoTime());
            if (ran.size() == 1) {
                throw new IllegalStateException("the first run fails on purpose");
            }
            if (ran.size() == 3) {
                repeating[0].cancel(); // from inside a run: not armed again
            }
        }, Duration.ofNanos(10));

        timers.advance(Duration.ofNanos(100));

        assertThat(ran).containsExactly("run@10", "run@20", "run@30");
        assertThat(timers.isArmed(repeating[0])).isFalse();
    }

    @Test
    void onlyASteppedClockCanBeAdvanced() {
        assertThatThrownBy(() -> Timers.shared().advance(Duration.ofSeconds(1)))
                .isInstanceOf(IllegalStateException.class);
    }
}
