package dev.lifeline.interop;

import static dev.lifeline.interop.Interop.WAIT;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Hands the server end of each new connection from a server's thread to the test. Scenarios run one at a time, so
 * whatever is still here when a scenario connects was left by one that failed: it is dropped, not taken for the
 * new connection.
 */
final class Handoff<T> {
    private final BlockingQueue<T> queue = new LinkedBlockingQueue<>();
    private final String server;
    private final Consumer<? super T> drop;

    /** @param drop how to close a connection left over by a failed scenario */
    Handoff(String server, Consumer<? super T> drop) {
        this.server = server;
        this.drop = drop;
    }

    void add(T connection) {
        queue.add(connection);
    }

    /** Drops what earlier scenarios left behind; call before connecting. */
    void clear() {
        for (T left = queue.poll(); left != null; left = queue.poll()) {
            drop.accept(left);
        }
    }

    /** The server end of the connection just opened, waiting at most {@link Interop#WAIT}. */
    T take() throws InterruptedException {
        T connection = queue.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (connection == null) {
            throw new AssertionError(server + " accepted no connection within " + WAIT);
        }
        return connection;
    }
}
