package dev.lifeline.protocol;

/**
 * The API was used at the wrong moment (e.g. sending before the handshake completed), and nothing was sent. A subtype
 * that says why a call could not go on (an interrupt, say) says what it had done by then: an interrupted close had
 * already sent its Close frame.
 */
public class InvalidStateException extends WebSocketException {
    public InvalidStateException(String message) {
        super(message, null);
    }

    /** For a subtype that says why the call could not go on (an interrupt, say). */
    protected InvalidStateException(String message, Throwable cause) {
        super(message, cause);
    }
}
