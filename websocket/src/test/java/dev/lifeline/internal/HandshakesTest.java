package dev.lifeline.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.SocketTimeoutException;
import org.junit.jupiter.api.Test;

/** The deadline arithmetic of the opening handshake's socket timeouts. */
class HandshakesTest {

    @Test
    void socketTimeoutsRoundUpSoThatAReadNeverEndsBeforeTheDeadline() throws Exception {
        long deadline = System.nanoTime() + 10_500_000; // 10.5 ms: truncated, 10 ms would end half a ms early
        int millis = Handshakes.millisUntil(deadline);
        long leftAfter = deadline - System.nanoTime();

        assertThat(millis * 1_000_000L).as("timeout, ns, against what was left").isGreaterThanOrEqualTo(leftAfter);
        assertThat(millis).isLessThanOrEqualTo(11);
    }

    @Test
    void aDeadlineThatHasPassedIsATimeout() {
        assertThatThrownBy(() -> Handshakes.millisUntil(System.nanoTime() - 1))
                .isInstanceOf(SocketTimeoutException.class).hasMessageContaining("timed out");
    }
}
