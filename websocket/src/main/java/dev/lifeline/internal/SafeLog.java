package dev.lifeline.internal;

import java.lang.System.Logger.Level;

/**
 * Logging for the threads every connection depends on (the poller's, the timer's): they must outlive a logger that
 * fails. Out of file descriptors, the first record a logger formats can fail to load the time zone data it needs
 * (an {@code Error}, after which the JDK's logging fails for good); the message then goes to standard error as it
 * is.
 */
final class SafeLog {
    /** The package's logger: every connection's lines, tagged with its id, and the shared threads'. */
    static final System.Logger LOG = System.getLogger("dev.lifeline");

    private SafeLog() {
    }

    static void log(Level level, String message, Throwable thrown) {
        try {
            LOG.log(level, message, thrown);
        } catch (RuntimeException | Error e) {
            System.err.println("lifeline " + level + ": " + message + (thrown == null ? "" : ": " + thrown)
                    + " (the logger failed: " + e + ")");
        }
    }
}
