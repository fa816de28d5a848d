package dev.lifeline.testing;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RecordsTest {
    record Point(int x, int y, String name) {
    }

    @Test
    void passesWhenExactlyTheNamedComponentsChanged() {
        assertThatCode(() -> Records.changedOnly(new Point(1, 2, "a"), new Point(1, 3, "a"), "y"))
                .doesNotThrowAnyException();
        assertThatCode(() -> Records.changedOnly(new Point(1, 2, "a"), new Point(5, 3, "a"), "x", "y"))
                .doesNotThrowAnyException();
    }

    @Test
    void failsWhenAnotherComponentChangedOrANamedOneDidNot() {
        assertThatThrownBy(() -> Records.changedOnly(new Point(1, 2, "a"), new Point(1, 3, "b"), "y"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("name was changed");
        assertThatThrownBy(() -> Records.changedOnly(new Point(1, 2, "a"), new Point(1, 2, "a"), "y"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("y was not changed");
        assertThatThrownBy(() -> Records.changedOnly(new Point(1, 2, "a"), new Point(1, 2, "a"), "z"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("not components");
    }
}
