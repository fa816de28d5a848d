package dev.lifeline.reliable;

import dev.lifeline.WebSocket;
import dev.lifeline.protocol.ConnectionClosedException;
import dev.lifeline.protocol.ProtocolException;
import dev.lifeline.protocol.State;
import java.lang.System.Logger.Level;
import java.util.Optional;

/**
 * The inbound side of a session's connection: reads its envelopes, one after another, and feeds them to the
 * {@link SessionCore}, pausing while the inbox is full (inbound backpressure). Owns no state.
 *
 * <p>Runs on the thread that serves the connection (the client's thread, or the server's thread for that
 * connection), one connection at a time. It takes the core's lock through the core's methods, never while it reads
 * the socket.
 */
final class SessionReader {
    private final SessionCore core;

    SessionReader(SessionCore core) {
        this.core = core;
    }

    /**
     * Reads {@code ws} until it ends or is replaced. A violation of the reliable protocol closes the connection
     * with the code it carries.
     *
     * @return how the connection ended; empty if it was replaced by another (a takeover)
     */
    Optional<ConnectionClosedException> read(WebSocket ws) {
        try {
            while (core.awaitInboxRoom(ws)) {
                if (ws.state() == State.CLOSED && core.inboxFull()) {
                    // What the dead connection still holds was never acknowledged: the peer resends it.
                    return ws.closedException();
                }
                Envelope envelope = Wire.decode(ws.receive());
                if (!core.received(ws, envelope)) {
                    return Optional.empty();
                }
            }
            return Optional.empty();
        } catch (ConnectionClosedException e) {
            return Optional.of(e);
        } catch (ProtocolException e) {
            core.log(Level.INFO, "closing " + ws.id() + ": " + e.getMessage());
            Wire.refuse(ws, e);
            return ws.closedException();
        }
    }
}
