package dev.lifeline;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Reconnection delays. The first retry waits a random delay in [0, {@code firstMax}) so that clients dropped
 * together do not come back together (RFC 6455 §7.2.3); retry {@code n ≥ 2} waits
 * {@code min(cap, initial × factor^(n-2))}, jittered down by up to half.
 *
 * @param firstMax bound of the first, uniformly random delay; 5 s
 * @param initial the second delay before jitter; 1 s
 * @param factor growth per further attempt; 2
 * @param cap the largest delay; 60 s
 */
public record Backoff(Duration firstMax, Duration initial, double factor, Duration cap) {
    public static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(5), Duration.ofSeconds(1), 2.0,
            Duration.ofSeconds(60));

    public Backoff {
        positive(firstMax, "firstMax");
        positive(initial, "initial");
        positive(cap, "cap");
        if (!(factor >= 1.0) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("factor must be at least 1: " + factor);
        }
    }

    /**
     * The delay before retry number {@code attempt} (1 for the first retry after a loss).
     *
     * @throws IllegalArgumentException if {@code attempt < 1}
     */
    public Duration delay(int attempt, RandomGenerator random) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempts count from 1: " + attempt);
        }
        if (attempt == 1) {
            return Duration.ofNanos(random.nextLong(firstMax.toNanos()));
        }
        double grown = initial.toNanos() * Math.pow(factor, attempt - 2.0);
        long ceiling = (long) Math.min(cap.toNanos(), grown);
        return Duration.ofNanos(ceiling - random.nextLong(ceiling / 2 + 1));
    }

    private static void positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
    }
}
