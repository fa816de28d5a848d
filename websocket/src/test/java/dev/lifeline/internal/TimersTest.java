package dev.lifeline.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.testing.LogCapture;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The one timer thread: a task that fails must not stop a repetition (the executor would cancel it for good, and
 * with it, say, the write watchdog of every connection), nor the tasks that come after it.
 */
@Timeout(30)
class TimersTest {

    @Test
    void aRepeatingTaskGoesOnAfterARunThatFails() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch threeRuns = new CountDownLatch(3);
        Timers.Task repeating = Timers.shared().every(() -> {
            threeRuns.countDown();
            if (runs.incrementAndGet() == 1) {
                throw new IllegalStateException("the first run fails on purpose");
            }
        }, Duration.ofMillis(10));
        try {
            assertThat(threeRuns.await(5, TimeUnit.SECONDS)).as("three runs, the first one failed").isTrue();
        } finally {
            repeating.cancel();
        }
    }

    @Test
    void aOneShotTaskThatFailsIsLoggedWithItsCauseAndTheNextOnesRun() throws Exception {
        Error failure = new Error("a one-shot task fails on purpose");
        CountDownLatch next = new CountDownLatch(1);
        try (LogCapture log = new LogCapture()) {
            Timers.schedule(() -> {
                throw failure;
            }, Duration.ZERO);
            Timers.schedule(next::countDown, Duration.ofMillis(5));

            assertThat(next.await(5, TimeUnit.SECONDS)).as("the task after the failed one ran").isTrue();
            assertThat(log.records()).as("what was logged (the executor would have kept the failure in a future"
                    + " nobody reads)").anySatisfy(r -> {
                        assertThat(r.getMessage()).contains("a timer task failed");
                        assertThat(r.getThrown()).isSameAs(failure);
                    });
        }
    }
}
