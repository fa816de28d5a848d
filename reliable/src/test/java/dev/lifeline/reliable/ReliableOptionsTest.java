package dev.lifeline.reliable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeline.testing.Records;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Each {@code with} method of {@link ReliableOptions} changes its own components and keeps every other one. */
class ReliableOptionsTest {
    private static final ReliableOptions DEFAULT = ReliableOptions.DEFAULT;

    @Test
    void eachWithMethodChangesItsOwnComponentsOnly() {
        Duration d = Duration.ofMillis(1234);
        changes(DEFAULT.withOutbox(7, 700), "outboxMessages", "outboxBytes");
        changes(DEFAULT.withInbox(8, 800), "inboxMessages", "inboxBytes");
        changes(DEFAULT.withAcks(5, d), "ackEvery", "ackDelay");
        changes(DEFAULT.withSendTimeout(d), "sendTimeout");
        changes(DEFAULT.withCloseTimeout(d), "closeTimeout");
        changes(DEFAULT.withMetrics(new SessionMetrics() { }), "metrics");
        assertThat(DEFAULT.withOutbox(7, 700).withSendTimeout(d).outboxMessages()).as("changes add up").isEqualTo(7);
    }

    @Test
    void theCanonicalChecksStillApply() {
        assertThatThrownBy(() -> DEFAULT.withOutbox(0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DEFAULT.withAcks(1, Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static void changes(ReliableOptions changed, String... names) {
        Records.changedOnly(DEFAULT, changed, names);
    }
}
