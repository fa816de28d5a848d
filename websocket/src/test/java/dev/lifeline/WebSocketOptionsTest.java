package dev.lifeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeline.protocol.extension.PerMessageDeflate;
import dev.lifeline.protocol.handshake.HeadLimits;
import dev.lifeline.testing.Records;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each {@code with} method of {@link WebSocketOptions} changes its own components and keeps every other one. */
class WebSocketOptionsTest {
    private static final WebSocketOptions DEFAULT = WebSocketOptions.DEFAULT;

    @Test
    void eachWithMethodChangesItsOwnComponentsOnly() {
        Duration d = Duration.ofMillis(1234);
        changes(DEFAULT.withOpenTimeout(d), "openTimeout");
        changes(DEFAULT.withCloseTimeout(d), "closeTimeout");
        changes(DEFAULT.withKeepalive(d, d.plusMillis(1)), "pingInterval", "pingTimeout");
        changes(DEFAULT.withoutKeepalive(), "pingInterval");
        changes(DEFAULT.withWriteTimeout(d), "writeTimeout");
        changes(DEFAULT.withWriteLimit(77), "writeLimit");
        changes(DEFAULT.withMaxMessageSize(4096), "maxMessageSize", "maxFrameSize");
        changes(DEFAULT.withMaxFrameSize(4096), "maxFrameSize");
        changes(DEFAULT.withMaxQueue(3, 300), "maxQueue", "maxQueueBytes");
        changes(DEFAULT.withHeadLimits(new HeadLimits(1024, 1024, 10, 4096)), "headLimits");
        changes(DEFAULT.withExtensions(List.of(PerMessageDeflate.DEFAULT)), "extensions");
        changes(DEFAULT.withBatchedReplies(false), "batchReplies");
        changes(DEFAULT.withMetrics(new WebSocketMetrics() { }), "metrics");
        assertThat(DEFAULT.withOpenTimeout(d).withWriteLimit(77).openTimeout()).as("changes add up").isEqualTo(d);
    }

    @Test
    void theCanonicalChecksStillApply() {
        assertThatThrownBy(() -> DEFAULT.withWriteLimit(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DEFAULT.withOpenTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DEFAULT.withKeepalive(Duration.ofSeconds(-1), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static void changes(WebSocketOptions changed, String... names) {
        Records.changedOnly(DEFAULT, changed, names);
    }
}
