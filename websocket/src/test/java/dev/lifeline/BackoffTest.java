package dev.lifeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** Reconnection delays: random first delay (RFC 6455 §7.2.3), then exponential growth with jitter, capped. */
class BackoffTest {
    private static final Backoff BACKOFF = new Backoff(Duration.ofSeconds(5), Duration.ofSeconds(1), 2.0,
            Duration.ofSeconds(60));

    @Test
    void firstDelayIsUniformlyRandomBelowFirstMax() {
        RandomGenerator random = new SplittableRandom(7);
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int i = 0; i < 2_000; i++) {
            long d = BACKOFF.delay(1, random).toMillis();
            assertThat(d).isBetween(0L, 4_999L);
            min = Math.min(min, d);
            max = Math.max(max, d);
        }
        assertThat(min).as("spread low").isLessThan(250);
        assertThat(max).as("spread high").isGreaterThan(4_750);
    }

    @Test
    void laterDelaysGrowByTheFactorJitteredDownByAtMostHalf() {
        RandomGenerator random = new SplittableRandom(8);
        for (int attempt = 2; attempt <= 7; attempt++) {
            long ceiling = 1000L << (attempt - 2);
            for (int i = 0; i < 200; i++) {
                assertThat(BACKOFF.delay(attempt, random).toMillis()).as("attempt %d", attempt)
                        .isBetween(ceiling / 2, ceiling);
            }
        }
    }

    @Test
    void delaysStopGrowingAtTheCap() {
        RandomGenerator random = new SplittableRandom(9);
        for (int attempt : new int[] {8, 20, 1_000, Integer.MAX_VALUE}) {
            assertThat(BACKOFF.delay(attempt, random)).isBetween(Duration.ofSeconds(30), Duration.ofSeconds(60));
        }
    }

    @Test
    void attemptsCountFromOne() {
        assertThatThrownBy(() -> BACKOFF.delay(0, new SplittableRandom())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void factorBelowOneIsRefused() {
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(1), 0.5, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
