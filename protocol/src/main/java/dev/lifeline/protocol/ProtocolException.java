package dev.lifeline.protocol;

import java.util.Objects;

/**
 * The peer broke the protocol. Carries the close code that the violation causes (RFC 6455 §7.4.1), so that
 * mapping a failure to the Close frame we send is one {@code catch}.
 */
public class ProtocolException extends WebSocketException {
    private final CloseCode closeCode;

    public ProtocolException(CloseCode closeCode, String message) {
        this(closeCode, message, null);
    }

    public ProtocolException(CloseCode closeCode, String message, Throwable cause) {
        super(message, cause);
        this.closeCode = Objects.requireNonNull(closeCode);
    }

    /** The close code sent to the peer because of this violation. */
    public CloseCode closeCode() {
        return closeCode;
    }

    /** The description alone, without the close code: what goes in the Close frame's reason. */
    public String reason() {
        return super.getMessage();
    }

    @Override
    public String getMessage() {
        return super.getMessage() + " [" + closeCode + "]";
    }
}
