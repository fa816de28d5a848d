package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

/** How {@code lifeline} prints the library's log records: one line each, but a warning keeps its stack trace. */
class LogsTest {
    private final Logs.OneLine formatter = new Logs.OneLine();

    private static LogRecord record(Level level, String message, Throwable thrown) {
        LogRecord record = new LogRecord(level, message);
        record.setLoggerName("dev.lifeline");
        record.setThrown(thrown);
        return record;
    }

    @Test
    void anInfoRecordIsOneLineEvenWithAnExceptionOrALineBreak() {
        String line = formatter.format(record(Level.INFO, "[s1] closing:\n  the reason",
                new IOException("Broken pipe")));

        assertThat(line).matches("\\d\\d:\\d\\d:\\d\\d INFO dev\\.lifeline: \\[s1\\] closing: / the reason: Broken"
                + " pipe\\R");
    }

    @Test
    void aWarningKeepsItsStackTraceToSayWhereTheBugIs() {
        String text = formatter.format(record(Level.WARNING, "[s1] handler failed", new IllegalStateException("x")));

        assertThat(text.lines().findFirst()).hasValueSatisfying(first -> assertThat(first)
                .endsWith(" WARNING dev.lifeline: [s1] handler failed"));
        assertThat(text).contains("java.lang.IllegalStateException: x", "at dev.lifeline.cli.LogsTest");
    }
}
