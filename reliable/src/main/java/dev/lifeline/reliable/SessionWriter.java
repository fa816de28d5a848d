package dev.lifeline.reliable;

import dev.lifeline.WebSocket;
import dev.lifeline.protocol.ConnectionClosedException;
import java.lang.System.Logger.Level;
import java.util.List;

/**
 * The outbound side of a session's connection: writes the greeting, then whatever the {@link SessionCore} has to
 * send on it (new DATA, the outbox replayed after a resume, the ACKs the {@link AckSchedule} asks for), in
 * batches, until the connection is replaced, detached or closed. Owns no state.
 *
 * <p>One virtual thread per attached connection, started by {@link #start}. It waits for envelopes under the core's
 * lock and writes them after releasing it: no socket is written under that lock.
 */
final class SessionWriter {
    /** Envelopes taken from the session per write round. */
    private static final int BATCH = 64;

    private final String id;
    private final SessionCore core;

    SessionWriter(String id, SessionCore core) {
        this.id = id;
        this.core = core;
    }

    /** Starts the writer of {@code ws}, which first writes {@code first} (an encoded envelope) unless it is null. */
    void start(WebSocket ws, byte[] first) {
        Thread.ofVirtual().name("lifeline-reliable-writer-" + id).start(() -> write(ws, first));
    }

    private void write(WebSocket ws, byte[] first) {
        try {
            if (first != null) {
                ws.send(first);
            }
            while (true) {
                List<Envelope> batch = core.awaitBatch(ws, BATCH);
                if (batch.isEmpty()) {
                    return;
                }
                for (Envelope e : batch) {
                    ws.send(e.encode());
                }
            }
        } catch (ConnectionClosedException e) {
            core.log(Level.TRACE, "writer of " + ws.id() + " stops: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
