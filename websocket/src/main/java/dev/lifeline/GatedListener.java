package dev.lifeline;

import dev.lifeline.protocol.CloseStatus;
import java.util.concurrent.CountDownLatch;

/**
 * The listener style of a {@link ReconnectingWebSocket}: one per connection, it hands that connection's messages to
 * the application's listener, but only once {@link #open()} has been called (by the client's thread, after the
 * connection's hook and queue), so that no message overtakes the hook. Marks the thread delivering, so that a
 * {@code close()} from the listener does not wait for the reader it runs on.
 */
final class GatedListener implements WebSocketListener {
    private final WebSocketListener target;
    private final ThreadLocal<Boolean> delivering;
    private final CountDownLatch gate = new CountDownLatch(1);

    GatedListener(WebSocketListener target, ThreadLocal<Boolean> delivering) {
        this.target = target;
        this.delivering = delivering;
    }

    /** Lets messages through: the hook and the queue are done with, or failed. Called once, or more: harmless. */
    void open() {
        gate.countDown();
    }

    @Override
    public void onMessage(WebSocket ws, Message message) throws Exception {
        gate.await(); // on this connection's reader: it reads nothing more meanwhile
        delivering.set(true);
        try {
            target.onMessage(ws, message);
        } finally {
            delivering.set(false);
        }
    }

    @Override
    public void onClose(WebSocket ws, CloseStatus status) {
        target.onClose(ws, status);
    }
}
