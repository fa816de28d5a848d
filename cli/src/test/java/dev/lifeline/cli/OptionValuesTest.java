package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

/** Durations and sizes as typed on the command line. */
class OptionValuesTest {
    @Test
    void durationsTakeAUnit() {
        assertThat(OptionValues.duration("20s")).isEqualTo(Duration.ofSeconds(20));
        assertThat(OptionValues.duration("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(OptionValues.duration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(OptionValues.duration("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(OptionValues.duration("2min")).isEqualTo(Duration.ofMinutes(2));
        assertThat(OptionValues.duration("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(OptionValues.duration(" 3 S ")).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void zeroNeedsNoUnitAndIso8601IsAccepted() {
        assertThat(OptionValues.duration("0")).isEqualTo(Duration.ZERO);
        assertThat(OptionValues.duration("PT20S")).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void aNumberWithoutAUnitIsRefusedRatherThanGuessed() {
        assertThatThrownBy(() -> OptionValues.duration("20"))
                .isInstanceOf(TypeConversionException.class).hasMessageContaining("needs a unit");
    }

    @Test
    void negativeAndMalformedDurationsAreRefused() {
        assertThatThrownBy(() -> OptionValues.duration("-5s")).isInstanceOf(TypeConversionException.class);
        assertThatThrownBy(() -> OptionValues.duration("PT-5S")).isInstanceOf(TypeConversionException.class);
        assertThatThrownBy(() -> OptionValues.duration("soon")).isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("20s");
    }

    @Test
    void sizesAreBytesOrBinaryMultiples() {
        assertThat(OptionValues.size("65536")).isEqualTo(65536);
        assertThat(OptionValues.size("64KiB")).isEqualTo(64 * 1024);
        assertThat(OptionValues.size("1MiB")).isEqualTo(1 << 20);
        assertThat(OptionValues.size("16m")).isEqualTo(16 << 20);
        assertThat(OptionValues.size("1G")).isEqualTo(1 << 30);
    }

    @Test
    void sizesOutsideAnIntOrBelowOneByteAreRefused() {
        assertThatThrownBy(() -> OptionValues.size("2GiB")).isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("between 1 byte");
        assertThatThrownBy(() -> OptionValues.size("0")).isInstanceOf(TypeConversionException.class);
        assertThatThrownBy(() -> OptionValues.size("99999999999999999999")).isInstanceOf(TypeConversionException.class);
        assertThatThrownBy(() -> OptionValues.size("1 TB")).isInstanceOf(TypeConversionException.class);
    }
}
