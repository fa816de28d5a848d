package dev.lifeline.protocol;

import java.util.Objects;

/**
 * The peer broke the protocol. Carries the close code that the violation causes (RFC 6455 §7.4.1), so that
 * mapping a failure to the Close frame we send is one {@code catch}.
 */
public class ProtocolException extends WebSocketException {
    private final CloseCode closeCode;

    public ProtocolException(CloseCode closeCode, String message) {
        super(message, null);
        this.closeCode = Objects.requireNonNull(closeCode);
    }

    /** The close code sent to the peer because of this violation. */
    public CloseCode closeCode() {
        return closeCode;
    }

    @Override
    public String getMessage() {
        return super.getMessage() + " [" + closeCode + "]";
    }
}
