package dev.lifeline.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The package's lock contract ({@code package-info.java}) is checked by assertions in every {@code ...Locked}
 * method: they only check anything when the tests run with {@code -ea}, as surefire runs them.
 */
class LockContractTest {
    @Test
    void theTestsRunWithTheConnectionLayersAssertionsOn() {
        assertThat(Connection.class.desiredAssertionStatus()).as("-ea for dev.lifeline.internal").isTrue();
    }
}
