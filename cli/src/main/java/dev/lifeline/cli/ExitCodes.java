package dev.lifeline.cli;

import dev.lifeline.Failure;
import java.util.Optional;

/** The exit codes of {@code lifeline}; {@code docs/cli.md} and each command's {@code --help} list them. */
final class ExitCodes {
    /** The connection closed normally (1000, 1001 or no status), or the server shut down cleanly. */
    static final int OK = 0;
    /** The connection closed abnormally (an error code, or 1006: dropped without a closing handshake). */
    static final int ABNORMAL_CLOSE = 1;
    /** Invalid command line. */
    static final int USAGE = 2;
    /** The server refused the opening handshake (an HTTP status other than 101). */
    static final int HANDSHAKE_REFUSED = 3;
    /**
     * The connection could not be made (refused, unreachable, timed out, TLS failed), or {@code serve} could not
     * listen.
     */
    static final int CONNECTION_FAILED = 4;

    private ExitCodes() {
    }

    /**
     * The exit code of a reconnecting command ({@code connect --reconnect} or {@code --reliable}) whose first
     * connection never opened and whose policy stopped after {@code last}: refused 3, not made 4, else 1.
     */
    static int firstConnectionFailed(Optional<Failure> last) {
        return switch (last.orElse(null)) {
            case Failure.Unreachable u -> CONNECTION_FAILED;
            case Failure.Refused r -> HANDSHAKE_REFUSED;
            case null, default -> ABNORMAL_CLOSE;
        };
    }
}
