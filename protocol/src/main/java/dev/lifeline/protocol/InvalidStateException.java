package dev.lifeline.protocol;

/** The API was used at the wrong moment (e.g. sending before the handshake completed); nothing was sent. */
public class InvalidStateException extends WebSocketException {
    public InvalidStateException(String message) {
        super(message, null);
    }
}
