package dev.lifeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.protocol.CloseStatus;
import dev.lifeline.protocol.handshake.Headers;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The standard reconnect policy: network errors, HTTP 429 and 5xx, and close codes 1001, 1006, 1011, 1012, 1013,
 * 1014 are retried; every other HTTP status and close code stops; {@code Retry-After} (RFC 9110 §10.2.3) is
 * honoured.
 */
class ReconnectPolicyTest {
    private static final Backoff TINY = new Backoff(Duration.ofMillis(1), Duration.ofMillis(1), 2.0,
            Duration.ofMillis(1));
    private static final ReconnectPolicy POLICY = ReconnectPolicy.standard(TINY);

    private static Failure refused(int status, String... headers) {
        return new Failure.Refused(status, "refused", Headers.of(headers));
    }

    private static Failure closed(int code, boolean byPeer) {
        return new Failure.Disconnected(CloseStatus.of(code, ""), byPeer, Optional.empty());
    }

    @Test
    void networkErrorsAreRetried() {
        Failure f = new Failure.Unreachable(new ConnectException("refused"));
        assertThat(POLICY.decide(f, 1)).isInstanceOf(ReconnectPolicy.Decision.Retry.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {429, 500, 502, 503, 504, 599})
    void overloadAndServerErrorsAreRetried(int status) {
        assertThat(POLICY.decide(refused(status), 3)).isInstanceOf(ReconnectPolicy.Decision.Retry.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 301, 400, 401, 403, 404, 426, 431})
    void otherStatusesStop(int status) {
        assertThat(POLICY.decide(refused(status), 1)).isInstanceOf(ReconnectPolicy.Decision.Stop.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {1001, 1006, 1011, 1012, 1013, 1014})
    void transientCloseCodesAreRetried(int code) {
        assertThat(POLICY.decide(closed(code, true), 1)).isInstanceOf(ReconnectPolicy.Decision.Retry.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {1000, 1002, 1003, 1007, 1008, 1009, 1010, 4000})
    void otherCloseCodesStop(int code) {
        assertThat(POLICY.decide(closed(code, true), 1)).isInstanceOf(ReconnectPolicy.Decision.Stop.class);
    }

    @Test
    void keepaliveTimeoutWeSentIsRetried() {
        assertThat(POLICY.decide(closed(1011, false), 1)).isInstanceOf(ReconnectPolicy.Decision.Retry.class);
    }

    @Test
    void failingCredentialsHookStops() {
        Failure f = new Failure.CredentialsFailed(new IllegalStateException("vault down"));
        assertThat(POLICY.decide(f, 1)).isEqualTo(ReconnectPolicy.stop("not retryable"));
    }

    @Test
    void retryAfterInSecondsIsHonoured() {
        assertThat(POLICY.decide(refused(503, "Retry-After", "7"), 1))
                .isEqualTo(ReconnectPolicy.retry(Duration.ofSeconds(7)));
    }

    @Test
    void retryAfterAsAnHttpDateIsTheTimeUntilThen() {
        Failure.Refused f = (Failure.Refused) refused(429, "Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT");
        assertThat(f.retryAfter(Instant.parse("2015-10-21T07:27:30Z"))).contains(Duration.ofSeconds(30));
        assertThat(f.retryAfter(Instant.parse("2015-10-21T08:00:00Z"))).contains(Duration.ZERO);
    }

    @Test
    void unreadableRetryAfterIsIgnored() {
        assertThat(((Failure.Refused) refused(503, "Retry-After", "soon")).retryAfter()).isEmpty();
        assertThat(((Failure.Refused) refused(503)).retryAfter()).isEmpty();
    }

    @Test
    void retryAfterShorterThanTheBackoffDoesNotShortenIt() {
        ReconnectPolicy slow = ReconnectPolicy.standard(new Backoff(Duration.ofSeconds(10), Duration.ofSeconds(10),
                2.0, Duration.ofSeconds(10)));
        ReconnectPolicy.Decision d = slow.decide(refused(503, "Retry-After", "1"), 2);
        assertThat(((ReconnectPolicy.Decision.Retry) d).delay()).isGreaterThanOrEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void aPolicyCanWrapTheStandardOne() throws IOException {
        ReconnectPolicy atMostThree = (failure, attempt) -> attempt > 3 ? ReconnectPolicy.stop("3 attempts")
                : POLICY.decide(failure, attempt);
        Failure f = new Failure.Unreachable(new IOException("reset"));
        assertThat(atMostThree.decide(f, 3)).isInstanceOf(ReconnectPolicy.Decision.Retry.class);
        assertThat(atMostThree.decide(f, 4)).isEqualTo(ReconnectPolicy.stop("3 attempts"));
    }
}
