package dev.lifeline.protocol;

import java.util.Optional;

/**
 * A reconnecting client ({@code dev.lifeline.ReconnectingWebSocket}) has no open connection at the moment: it is
 * connecting or waiting to reconnect, and the message was not sent (nor queued, when its send queue is off or
 * full). It is still trying: unlike its supertypes, this exception does not mean the end. Carries the Close frames
 * of the connection it lost, if there was one, and that connection's exception as its cause.
 */
public final class ReconnectingException extends ConnectionClosedErrorException {
    /**
     * @param message what the client is doing, e.g. {@code reconnecting (attempt 2) after 1006; nothing was sent}
     * @param lost how the connection it last held ended; empty before the first one opened
     */
    public ReconnectingException(String message, Optional<ConnectionClosedException> lost) {
        super(message, lost.flatMap(ConnectionClosedException::sent).orElse(null),
                lost.flatMap(ConnectionClosedException::received).orElse(null),
                lost.map(ConnectionClosedException::receivedThenSent).orElse(false), lost.orElse(null));
    }
}
