package dev.lifeline;

import dev.lifeline.protocol.CloseCode;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Decides, after each failure, whether a reconnecting client ({@link ReconnectingWebSocket}, or the reliable
 * layer's {@code ReliableClient}) tries again and when. {@link #standard()} is the default; wrap it to add rules:
 *
 * <pre>{@code
 * ReconnectPolicy atMostTen = (failure, attempt) ->
 *         attempt > 10 ? ReconnectPolicy.stop("10 attempts") : ReconnectPolicy.standard().decide(failure, attempt);
 * }</pre>
 *
 * <p>Called on the client's own thread, never concurrently for one client.
 */
@FunctionalInterface
public interface ReconnectPolicy {
    /** Close codes after which the standard policy reconnects: going away, abnormal closure (no Close frame:
     * a dropped connection), internal error, service restart, try again later, bad gateway. */
    Set<CloseCode> RETRYABLE_CODES = Set.of(CloseCode.GOING_AWAY, CloseCode.ABNORMAL_CLOSURE,
            CloseCode.INTERNAL_ERROR, CloseCode.SERVICE_RESTART, CloseCode.TRY_AGAIN_LATER, CloseCode.BAD_GATEWAY);

    /**
     * @param failure what went wrong
     * @param attempt how many failures in a row, counting this one, since a connection last opened (for
     *        {@code ReliableClient}: since the session was last joined); 1, 2...
     */
    Decision decide(Failure failure, int attempt);

    /** Try again after a delay, or stop. */
    sealed interface Decision {
        record Retry(Duration delay) implements Decision {
            public Retry {
                Objects.requireNonNull(delay, "delay");
                if (delay.isNegative()) {
                    throw new IllegalArgumentException("negative delay " + delay);
                }
            }
        }

        record Stop(String reason) implements Decision {
            public Stop {
                Objects.requireNonNull(reason, "reason");
            }
        }
    }

    static Decision retry(Duration delay) {
        return new Decision.Retry(delay);
    }

    static Decision stop(String reason) {
        return new Decision.Stop(reason);
    }

    /** The standard policy with {@link Backoff#DEFAULT}. */
    static ReconnectPolicy standard() {
        return standard(Backoff.DEFAULT);
    }

    /**
     * Retries what {@link #isRetryable} accepts, after {@code backoff}'s delay or the server's {@code Retry-After},
     * whichever is longer; stops on anything else.
     */
    static ReconnectPolicy standard(Backoff backoff) {
        Objects.requireNonNull(backoff, "backoff");
        return (failure, attempt) -> {
            if (!isRetryable(failure)) {
                return stop("not retryable");
            }
            Duration delay = backoff.delay(attempt, ThreadLocalRandom.current());
            if (failure instanceof Failure.Refused refused) {
                Duration asked = refused.retryAfter().orElse(Duration.ZERO);
                delay = asked.compareTo(delay) > 0 ? asked : delay;
            }
            return retry(delay);
        };
    }

    /**
     * The standard classification: network errors, HTTP 429 and 5xx, and the {@link #RETRYABLE_CODES} are worth
     * retrying; other HTTP statuses (4xx: the request itself is wrong or not allowed), other close codes (1000:
     * the server ended the conversation; 1002, 1003, 1007, 1008, 1009...: retrying would fail again) and a failing
     * credentials hook are not.
     */
    static boolean isRetryable(Failure failure) {
        return switch (failure) {
            case Failure.Unreachable u -> true;
            case Failure.Refused r -> r.status() == 429 || r.status() >= 500 && r.status() <= 599;
            case Failure.Disconnected d -> RETRYABLE_CODES.contains(d.code());
            case Failure.CredentialsFailed c -> false;
        };
    }
}
