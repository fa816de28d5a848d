package dev.lifeline.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The library's own log records (java.util.logging, through {@code System.Logger}) as {@code lifeline} prints them:
 * one line each, {@code 12:00:01 INFO dev.lifeline: [s3] failed the connection: ...}, on standard error. A record
 * below WARNING is one line even with an exception attached (its message only); a WARNING or worse keeps its stack
 * trace, which says where a bug is. Left alone when the user configured logging themselves.
 */
final class Logs {
    /** The library's loggers: {@code dev.lifeline}, {@code dev.lifeline.reliable}... */
    static final String LIBRARY = "dev.lifeline";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
    /** Held so that the level set on it stays: java.util.logging keeps its loggers weakly. */
    private static final Logger LIBRARY_LOGGER = Logger.getLogger(LIBRARY);

    private Logs() {
    }

    /** Formats the root handlers' records on one line, unless a logging configuration was given. */
    static void configure() {
        if (System.getProperty("java.util.logging.config.file") != null
                || System.getProperty("java.util.logging.config.class") != null) {
            return;
        }
        for (Handler handler : Logger.getLogger("").getHandlers()) {
            handler.setFormatter(new OneLine());
        }
    }

    /**
     * Shows only the library's warnings and errors: for {@code connect}, whose own lines already report what the
     * library's INFO records say (a connection failed, a session was lost), and must not be said twice.
     */
    static void libraryWarningsOnly() {
        if (System.getProperty("java.util.logging.config.file") == null) {
            LIBRARY_LOGGER.setLevel(Level.WARNING);
        }
    }

    /** {@code HH:mm:ss LEVEL logger: message}, one line below WARNING. */
    static final class OneLine extends Formatter {
        @Override
        public String format(LogRecord record) {
            StringBuilder line = new StringBuilder()
                    .append(LocalTime.ofInstant(record.getInstant(), ZoneId.systemDefault()).format(TIME))
                    .append(' ').append(record.getLevel().getName())
                    .append(' ').append(record.getLoggerName())
                    .append(": ").append(oneLine(formatMessage(record)));
            Throwable thrown = record.getThrown();
            if (thrown != null && record.getLevel().intValue() < Level.WARNING.intValue()) {
                line.append(": ").append(oneLine(String.valueOf(thrown.getMessage())));
            }
            line.append(System.lineSeparator());
            if (thrown != null && record.getLevel().intValue() >= Level.WARNING.intValue()) {
                StringWriter trace = new StringWriter();
                thrown.printStackTrace(new PrintWriter(trace));
                line.append(trace);
            }
            return line.toString();
        }

        private static String oneLine(String text) {
            return text.strip().replaceAll("\\s*\\R\\s*", " / ");
        }
    }
}
