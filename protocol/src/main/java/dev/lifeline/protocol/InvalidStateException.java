package dev.lifeline.protocol;

/** The API was used at the wrong moment (e.g. sending before the handshake completed); nothing was sent. */
public class InvalidStateException extends WebSocketException {
    public InvalidStateException(String message) {
        super(message, null);
    }

    /** For a subtype that says why the call could not go on (an interrupt, say). */
    protected InvalidStateException(String message, Throwable cause) {
        super(message, cause);
    }
}
