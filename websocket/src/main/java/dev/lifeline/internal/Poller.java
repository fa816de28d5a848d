package dev.lifeline.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Tells idle connections when their socket has something for them, so that a connection waiting for its peer holds
 * no thread: one platform thread selects over the non-blocking channels of the server's connections without TLS.
 * A reader whose read finds nothing asks to be started again when bytes (or the end, or an error) arrive
 * ({@link Watch#whenReadable}) and ends; a writer that finds TCP's buffer full waits here for room
 * ({@link Watch#awaitWritable}). Each request is one-shot: the selecting thread clears it when it fires.
 *
 * <p>A parked virtual thread keeps its stack (about 2.5 KB for a reader); at 10,000 idle connections that was
 * the largest share of the heap they held.
 */
final class Poller {
    /** How long a waiting writer sleeps between checks that its socket is still open. */
    private static final long WRITER_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private static final long SELECT_FAILURE_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** The most handed to one write of a non-blocking socket. */
    private static final int WRITE_CHUNK = 256 * 1024;

    private static final class Holder {
        static final Poller INSTANCE = new Poller();
    }

    private final Selector selector;

    private Poller() {
        try {
            selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector", e);
        }
        Thread.ofPlatform().daemon().name("lifeline-poller").start(this::run);
    }

    /**
     * Puts a socket under watch; from now on it is non-blocking and written through {@link Watch#write}.
     *
     * @param onReadable run on the selecting thread when the socket is readable after {@link Watch#whenReadable}:
     *     it must only start a thread
     */
    static Watch watch(SocketChannel channel, Runnable onReadable) throws IOException {
        return Holder.INSTANCE.register(channel, onReadable);
    }

    private Watch register(SocketChannel channel, Runnable onReadable) throws IOException {
        channel.configureBlocking(false);
        Watch watch = new Watch(channel, onReadable);
        watch.key = channel.register(selector, 0, watch);
        return watch;
    }

    private void run() {
        while (true) {
            try {
                selector.select(Poller::fire);
            } catch (IOException | RuntimeException e) {
                Connection.LOG.log(Level.WARNING, "lifeline-poller: select failed", e);
                LockSupport.parkNanos(SELECT_FAILURE_PAUSE_NANOS); // a failure that repeats must not spin
            }
        }
    }

    private static void fire(SelectionKey key) {
        Watch watch = (Watch) key.attachment();
        int ready;
        try {
            ready = key.readyOps();
            key.interestOpsAnd(~ready);
        } catch (CancelledKeyException e) {
            ready = SelectionKey.OP_WRITE; // closed: a waiting writer finds out by writing
        }
        try {
            if ((ready & SelectionKey.OP_READ) != 0) {
                watch.onReadable.run();
            }
            if ((ready & SelectionKey.OP_WRITE) != 0) {
                watch.writable();
            }
        } catch (RuntimeException | Error e) {
            Connection.LOG.log(Level.ERROR, "lifeline-poller: a connection's callback failed", e);
        }
    }

    /** One socket under watch. */
    final class Watch {
        private final SocketChannel channel;
        private final Runnable onReadable;
        private SelectionKey key;
        /** The thread waiting for room to write, or null. */
        private volatile Thread writer;
        private volatile boolean writable;

        private Watch(SocketChannel channel, Runnable onReadable) {
            this.channel = channel;
            this.onReadable = onReadable;
        }

        /**
         * Asks for {@code onReadable} once the socket is readable (at once if it already is). The caller must do
         * nothing with the socket afterwards: another thread may be reading it already. False if the socket is
         * closed.
         */
        boolean whenReadable() {
            return arm(SelectionKey.OP_READ);
        }

        /**
         * Writes all of {@code bytes}, waiting for room as long as the socket stays open. A heap buffer is written
         * {@value #WRITE_CHUNK} bytes at a time: the JDK copies what each write is given into a direct buffer, and
         * a non-blocking write may take only part of it.
         */
        void write(ByteBuffer bytes) throws IOException {
            int limit = bytes.limit();
            while (bytes.hasRemaining()) {
                bytes.limit(Math.min(limit, bytes.position() + WRITE_CHUNK));
                int written = channel.write(bytes);
                bytes.limit(limit);
                if (written == 0) {
                    awaitWritable();
                }
            }
        }

        /** Waits until the socket has room to write or is closed. */
        private void awaitWritable() throws SocketException {
            writable = false;
            writer = Thread.currentThread();
            try {
                if (!arm(SelectionKey.OP_WRITE)) {
                    throw new SocketException("Socket closed");
                }
                while (!writable && channel.isOpen()) {
                    LockSupport.parkNanos(this, WRITER_CHECK_NANOS);
                }
            } finally {
                writer = null;
            }
        }

        private void writable() {
            writable = true;
            Thread waiting = writer;
            if (waiting != null) {
                LockSupport.unpark(waiting);
            }
        }

        private boolean arm(int op) {
            try {
                key.interestOpsOr(op);
            } catch (CancelledKeyException e) {
                return false;
            }
            selector.wakeup(); // the selecting thread sees a new interest only in its next select
            return true;
        }

        /** After the socket was closed: lets the selecting thread release it now, and wakes a waiting writer. */
        void closed() {
            selector.wakeup();
            writable();
        }
    }
}
