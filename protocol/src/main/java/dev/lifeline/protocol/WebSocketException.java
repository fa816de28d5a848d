package dev.lifeline.protocol;

/**
 * Base of Lifeline's unchecked exceptions. Its families are never mixed: {@link InvalidStateException} (the
 * caller used the API at the wrong moment), {@link ProtocolException} (the peer broke the protocol) and
 * {@link ConnectionClosedException} (the connection is over).
 */
public abstract class WebSocketException extends RuntimeException {
    protected WebSocketException(String message, Throwable cause) {
        super(message, cause);
    }
}
