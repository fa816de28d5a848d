package dev.lifeline.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The bounded waits: they return once the condition holds, and fail, naming what they waited for, once not. */
@Timeout(20)
class AwaitTest {
    @Test
    void untilReturnsOnceAnotherThreadMakesTheConditionTrue() throws InterruptedException {
        AtomicBoolean done = new AtomicBoolean();
        CountDownLatch polled = new CountDownLatch(3);
        Thread.ofVirtual().start(() -> {
            try {
                polled.await();
            } catch (InterruptedException e) {
                return;
            }
            done.set(true);
        });

        Await.until("done", () -> {
            polled.countDown();
            return done.get();
        });

        assertThat(polled.getCount()).as("polled until another thread set it").isZero();
    }

    @Test
    void untilFailsNamingWhatItWaitedFor() {
        assertThatThrownBy(() -> Await.until("the impossible", Duration.ofMillis(20), () -> false))
                .isInstanceOf(AssertionError.class).hasMessageContaining("the impossible")
                .hasMessageContaining("20 ms");
    }

    @Test
    void holdsTellsWhetherTheConditionHeld() throws InterruptedException {
        assertThat(Await.holds(Duration.ofMillis(20), () -> true)).isTrue();
        assertThat(Await.holds(Duration.ofMillis(20), () -> false)).isFalse();
    }

    @Test
    void steadyReturnsTheValueItSettledAt() throws InterruptedException {
        AtomicLong counter = new AtomicLong();
        assertThat(Await.steady("a counter that stopped", () -> Math.min(counter.incrementAndGet(), 3),
                Duration.ofMillis(1), Duration.ofSeconds(10))).isEqualTo(3);
    }

    @Test
    void steadyFailsWhileTheValueKeepsChanging() {
        AtomicLong counter = new AtomicLong();
        assertThatThrownBy(() -> Await.steady("a counter that never stops", counter::incrementAndGet,
                Duration.ofMillis(1), Duration.ofMillis(30)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("a counter that never stops");
    }
}
