package dev.lifeline.protocol;

/**
 * The connection closed abnormally: an error code, a missing Close frame (1006), or an I/O failure. Its one
 * subtype, {@link ReconnectingException}, says that a reconnecting client has no connection at the moment.
 */
public sealed class ConnectionClosedErrorException extends ConnectionClosedException permits ReconnectingException {
    ConnectionClosedErrorException(CloseStatus sent, CloseStatus received, boolean receivedThenSent,
            Throwable cause) {
        super(sent, received, receivedThenSent, cause);
    }

    ConnectionClosedErrorException(String message, CloseStatus sent, CloseStatus received, boolean receivedThenSent,
            Throwable cause) {
        super(message, sent, received, receivedThenSent, cause);
    }
}
