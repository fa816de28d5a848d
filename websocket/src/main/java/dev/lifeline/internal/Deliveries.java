package dev.lifeline.internal;

import dev.lifeline.Message;
import dev.lifeline.WebSocket;
import dev.lifeline.WebSocketListener;
import dev.lifeline.protocol.CloseStatus;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;

/**
 * The listener style's delivery: messages the protocol produced while the reader held the lock wait here, and the
 * reader hands them to the listener once it has let go of the lock (user code never runs under it). See
 * {@link WebSocketListener} for the contract.
 */
final class Deliveries {
    private final ProtocolGuard guard;
    /** The connection, as the listener is given it. */
    private final WebSocket webSocket;
    private final Outgoing outgoing;
    private final WebSocketListener listener;
    /** The messages the reader has still to deliver, or null when there are none. Guarded by the connection's lock. */
    private List<Message> waiting;
    /** The listener threw: nothing more is delivered. Only the reader thread touches it. */
    private boolean failed;
    /** The listener is running. Guarded by the connection's lock. */
    private boolean running;

    Deliveries(ProtocolGuard guard, WebSocket webSocket, Outgoing outgoing, WebSocketListener listener) {
        this.guard = guard;
        this.webSocket = webSocket;
        this.outgoing = outgoing;
        this.listener = listener;
    }

    /** Keeps a message for the reader to deliver. Caller holds the connection's lock. */
    void addLocked(Message message) {
        assert guard.lock.isHeldByCurrentThread();
        if (waiting == null) {
            waiting = new ArrayList<>();
        }
        waiting.add(message);
    }

    /** Whether messages wait for the listener, or it is running. Caller holds the connection's lock. */
    boolean owedLocked() {
        assert guard.lock.isHeldByCurrentThread();
        return running || waiting != null && !failed;
    }

    /** On the reader thread, before it reads anything: {@link WebSocketListener#onOpen}. False if it failed. */
    boolean open() {
        try {
            listener.onOpen(webSocket);
            return true;
        } catch (Exception | Error e) {
            fail("onOpen", e);
            return false;
        }
    }

    /**
     * On the reader thread, without the lock: hands every waiting message to the listener, then writes what it
     * sent. False if the listener failed (the connection is then closing with 1011).
     */
    boolean deliver() {
        List<Message> batch;
        guard.lock.lock();
        try {
            if (waiting == null || failed) {
                waiting = null;
                return !failed;
            }
            batch = waiting;
            waiting = null;
            running = true;
            guard.readerPausedLocked(true); // reading nothing while the listener runs
        } finally {
            guard.lock.unlock();
        }
        try {
            for (Message message : batch) {
                listener.onMessage(webSocket, message);
            }
            return true;
        } catch (Exception | Error e) {
            fail("onMessage", e);
            return false;
        } finally {
            guard.lock.lock();
            try {
                running = false;
                guard.readerPausedLocked(false);
            } finally {
                guard.lock.unlock();
            }
            outgoing.flush(true); // the replies to this read's messages, in one write
        }
    }

    /** Once the connection is CLOSED, on the thread that closed it. */
    void closed(CloseStatus status) {
        try {
            listener.onClose(webSocket, status);
        } catch (RuntimeException | Error e) {
            guard.log(Level.WARNING, "listener's onClose failed: " + e);
        }
    }

    private void fail(String method, Throwable e) {
        failed = true;
        guard.applicationFailed("listener's " + method, e);
    }
}
