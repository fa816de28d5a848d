package dev.lifeline.protocol;

/** The connection closed abnormally: an error code, a missing Close frame (1006), or an I/O failure. */
public final class ConnectionClosedErrorException extends ConnectionClosedException {
    ConnectionClosedErrorException(CloseStatus sent, CloseStatus received, boolean receivedThenSent,
            Throwable cause) {
        super(sent, received, receivedThenSent, cause);
    }
}
