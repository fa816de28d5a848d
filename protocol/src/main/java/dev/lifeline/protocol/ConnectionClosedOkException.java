package dev.lifeline.protocol;

/** The connection closed normally: both Close frames carried 1000, 1001 or 1005. */
public final class ConnectionClosedOkException extends ConnectionClosedException {
    ConnectionClosedOkException(CloseStatus sent, CloseStatus received, boolean receivedThenSent, Throwable cause) {
        super(sent, received, receivedThenSent, cause);
    }
}
