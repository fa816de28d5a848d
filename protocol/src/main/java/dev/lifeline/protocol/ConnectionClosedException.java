package dev.lifeline.protocol;

import java.util.Optional;
import java.util.Set;

/**
 * The connection is closed (or closing): nothing more can be sent. Carries the Close frames sent and received,
 * which came first, and the I/O cause if there was one. {@link ConnectionClosedOkException} is thrown after a
 * normal close (1000, 1001 or 1005 both ways), {@link ConnectionClosedErrorException} after any other.
 */
public abstract sealed class ConnectionClosedException extends WebSocketException
        permits ConnectionClosedOkException, ConnectionClosedErrorException {
    private static final Set<CloseCode> OK_CODES =
            Set.of(CloseCode.NORMAL_CLOSURE, CloseCode.GOING_AWAY, CloseCode.NO_STATUS_RECEIVED);

    private final CloseStatus sent;
    private final CloseStatus received;
    private final boolean receivedThenSent;

    ConnectionClosedException(CloseStatus sent, CloseStatus received, boolean receivedThenSent, Throwable cause) {
        this(describe(sent, received, receivedThenSent), sent, received, receivedThenSent, cause);
    }

    ConnectionClosedException(String message, CloseStatus sent, CloseStatus received, boolean receivedThenSent,
            Throwable cause) {
        super(message, cause);
        this.sent = sent;
        this.received = received;
        this.receivedThenSent = receivedThenSent;
    }

    /**
     * The exception for a connection that ended with these Close frames (either may be absent).
     *
     * @param receivedThenSent true when the peer's Close came first; meaningful only when both are present
     */
    public static ConnectionClosedException of(
            Optional<CloseStatus> sent, Optional<CloseStatus> received, boolean receivedThenSent, Throwable cause) {
        CloseStatus s = sent.orElse(null);
        CloseStatus r = received.orElse(null);
        boolean ok = s != null && r != null && OK_CODES.contains(s.code()) && OK_CODES.contains(r.code());
        return ok ? new ConnectionClosedOkException(s, r, receivedThenSent, cause)
                : new ConnectionClosedErrorException(s, r, receivedThenSent, cause);
    }

    /** The Close frame we sent, if any. */
    public Optional<CloseStatus> sent() {
        return Optional.ofNullable(sent);
    }

    /** The Close frame the peer sent, if any. */
    public Optional<CloseStatus> received() {
        return Optional.ofNullable(received);
    }

    /** True when the peer closed first and we answered; false when we closed first (or only one side did). */
    public boolean receivedThenSent() {
        return receivedThenSent;
    }

    /** The peer's close code, or 1006 (abnormal closure) when no Close frame was received. */
    public CloseCode code() {
        return received == null ? CloseCode.ABNORMAL_CLOSURE : received.code();
    }

    /** The peer's close reason, or an empty string. */
    public String reason() {
        return received == null ? "" : received.reason();
    }

    static String describe(CloseStatus sent, CloseStatus received, boolean receivedThenSent) {
        if (sent == null && received == null) {
            return "no close frame received or sent";
        }
        if (sent == null) {
            return "received " + received + "; no close frame sent";
        }
        if (received == null) {
            return "sent " + sent + "; no close frame received";
        }
        return receivedThenSent ? "received " + received + "; then sent " + sent
                : "sent " + sent + "; then received " + received;
    }
}
