package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Message;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Messages print on one line with control characters escaped; durations print as people read them. */
class TextTest {
    @Test
    void plainTextIsPrintedAsIs() {
        assertThat(Text.escape("héllo wörld ✓ \\ \"q\"")).isEqualTo("héllo wörld ✓ \\ \"q\"");
    }

    @Test
    void lineBreaksAndTabsAreEscapedSoThatAMessageStaysOnOneLine() {
        assertThat(Text.escape("a\nb\r\nc\td")).isEqualTo("a\\nb\\r\\nc\\td");
    }

    @Test
    void terminalEscapeSequencesCannotReachTheTerminal() {
        assertThat(Text.escape("\u001b[31mred\u0007\u007f")).isEqualTo("\\x1b[31mred\\x07\\x7f");
    }

    @Test
    void c1ControlsAndUnicodeLineSeparatorsAreEscaped() {
        assertThat(Text.escape("a\u0085b\u2028c\u2029d")).isEqualTo("a\\u0085b\\u2028c\\u2029d");
    }

    @Test
    void binaryMessagesShowTheirSizeAndAtMost32BytesInHex() {
        assertThat(Text.message(Message.binary(new byte[] {1, 0x7f, (byte) 0xff})))
                .isEqualTo("(binary, 3 bytes) 017fff");
        assertThat(Text.message(Message.binary(new byte[40])))
                .isEqualTo("(binary, 40 bytes) " + "00".repeat(32) + "…");
        assertThat(Text.message(Message.binary(new byte[1]))).isEqualTo("(binary, 1 byte) 00");
    }

    @Test
    void textMessagesAreEscaped() {
        assertThat(Text.message(Message.text("x\ny"))).isEqualTo("x\\ny");
    }

    @Test
    void durationsUseTheUnitThatReadsBest() {
        assertThat(Text.duration(Duration.ofNanos(420_000))).isEqualTo("0.42 ms");
        assertThat(Text.duration(Duration.ofNanos(2_340_000))).isEqualTo("2.3 ms");
        assertThat(Text.duration(Duration.ofMillis(850))).isEqualTo("850 ms");
        assertThat(Text.duration(Duration.ofMillis(4_240))).isEqualTo("4.2 s");
        assertThat(Text.duration(Duration.ofSeconds(192))).isEqualTo("3 min 12 s");
        assertThat(Text.duration(Duration.ofMinutes(123))).isEqualTo("2 h 3 min");
    }

    @Test
    void countsAgreeWithTheirNoun() {
        assertThat(Text.count(1, "message")).isEqualTo("1 message");
        assertThat(Text.count(0, "message")).isEqualTo("0 messages");
    }
}
