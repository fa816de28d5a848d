package dev.lifeline.internal;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.SocketException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.concurrent.locks.LockSupport;

/**
 * Tells idle connections when their socket has something for them, so that a connection waiting for its peer holds
 * no thread: one platform thread selects over the non-blocking channels of every connection without TLS, a server's
 * or a client's (a client's goes under watch once its opening handshake is done, if it asked for it), each a
 * {@link Transport.Polled}. It is started by the first server or client connection and lives as long as the
 * JVM, a daemon: a fixed cost, whatever the number of servers, clients and connections.
 * A reader whose read finds nothing asks to be started again when bytes (or the end, or an error) arrive
 * ({@link Watch#whenReadable}) and ends; a writer that finds TCP's buffer full waits here for room
 * ({@code Watch.awaitWritable}), and a refused handshake's linger waits here for input to discard
 * ({@link Watch#awaitReadable}). Each request is one-shot: the selecting thread clears it when it fires. A server
 * socket is watched from its accept on, and the selecting thread itself reads its opening handshake (see
 * {@link Opening}): what runs there must never wait.
 *
 * <p>A parked virtual thread keeps its stack (about 2.5 KB for a reader); at 10,000 idle connections that was
 * the largest share of the heap they held.
 */
final class Poller {
    /** How long a waiting thread sleeps between checks that its socket is still open. */
    private static final long WAITER_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** How long closing a server channel waits for the selecting thread to let go of it, and how often it looks. */
    private static final long DEREGISTER_BOUND_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long DEREGISTER_CHECK_NANOS = TimeUnit.MICROSECONDS.toNanos(100);

    private static final long SELECT_FAILURE_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /**
     * The most connections accepted at once: more wait for the next select (the server channel stays ready), so
     * that a crowd arriving together does not hold back the connections' own events.
     */
    private static final int ACCEPTS_PER_TURN = 64;

    private static final class Holder {
        static final Poller INSTANCE = new Poller();
    }

    private final Selector selector;
    /** The selecting thread: what it arms itself (an accepted socket's first watch) needs no wake-up. */
    private final Thread thread;

    private Poller() {
        try {
            selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector", e);
        }
        thread = Thread.ofPlatform().daemon().name("lifeline-poller").start(this::run);
    }

    /**
     * Puts a channel under watch (a socket's, or one end of a pipe); from now on it is non-blocking (see
     * {@link Transport.Polled}). Set {@link Watch#onReadable} before the first {@link Watch#whenReadable}.
     */
    static Watch watch(SelectableChannel channel) throws IOException {
        return Holder.INSTANCE.register(channel);
    }

    private Watch register(SelectableChannel channel) throws IOException {
        channel.configureBlocking(false);
        Watch watch = new Watch(channel);
        watch.key = channel.register(selector, 0, watch);
        return watch;
    }

    /**
     * Accepts {@code server}'s connections on the selecting thread, until it is closed: {@code onAccepted} gets each
     * one there and must not block. A failed accept (out of descriptors, say) pauses accepting for
     * {@code backoff}, so that it does not spin.
     */
    static Closeable accept(ServerSocketChannel server, Consumer<SocketChannel> onAccepted, Duration backoff)
            throws IOException {
        return Holder.INSTANCE.registerServer(server, onAccepted, backoff);
    }

    /** @return what closes the server channel (its port is free once the selecting thread has let go of it) */
    private Closeable registerServer(ServerSocketChannel server, Consumer<SocketChannel> onAccepted,
            Duration backoff) throws IOException {
        server.configureBlocking(false);
        Listening listening = new Listening(server, onAccepted, backoff);
        listening.key = server.register(selector, SelectionKey.OP_ACCEPT, listening);
        selector.wakeup();
        return () -> {
            // A channel closed while registered keeps its port until the selecting thread drops it: let it drop
            // the channel first, so that the port is free when this returns.
            listening.key.cancel();
            selector.wakeup();
            long deadline = System.nanoTime() + DEREGISTER_BOUND_NANOS;
            while (server.isRegistered() && Thread.currentThread() != thread && System.nanoTime() < deadline) {
                LockSupport.parkNanos(DEREGISTER_CHECK_NANOS);
            }
            server.close();
        };
    }

    /** A server channel under watch: its interest in accepting stays on (but for a pause after a failure). */
    private final class Listening {
        private final ServerSocketChannel server;
        private final Consumer<SocketChannel> onAccepted;
        private final Duration backoff;
        private SelectionKey key;

        private Listening(ServerSocketChannel server, Consumer<SocketChannel> onAccepted, Duration backoff) {
            this.server = server;
            this.onAccepted = onAccepted;
            this.backoff = backoff;
        }

        private void acceptSome() {
            try {
                SocketChannel channel;
                for (int n = 0; n < ACCEPTS_PER_TURN && (channel = server.accept()) != null; n++) {
                    onAccepted.accept(channel);
                }
            } catch (IOException e) {
                if (!server.isOpen()) {
                    return;
                }
                SafeLog.log(Level.WARNING, "accept failed: " + e + "; pausing for " + backoff.toMillis() + " ms",
                        null);
                key.interestOps(0);
                Timers.schedule(() -> {
                    try {
                        key.interestOps(SelectionKey.OP_ACCEPT);
                        selector.wakeup();
                    } catch (CancelledKeyException closed) {
                        // closed meanwhile
                    }
                }, backoff);
            }
        }
    }

    private void run() {
        while (true) {
            try {
                selector.select(Poller::fire);
            } catch (IOException | RuntimeException | Error e) {
                // Whatever fails, this thread goes on: every idle connection and every accept depends on it.
                SafeLog.log(Level.WARNING, "lifeline-poller: select failed", e);
                LockSupport.parkNanos(SELECT_FAILURE_PAUSE_NANOS); // a failure that repeats must not spin
            }
        }
    }

    private static void fire(SelectionKey key) {
        if (key.attachment() instanceof Listening listening) {
            try {
                listening.acceptSome();
            } catch (RuntimeException | Error e) {
                SafeLog.log(Level.ERROR, "lifeline-poller: accepting failed", e);
            }
            return;
        }
        Watch watch = (Watch) key.attachment();
        int ready;
        try {
            ready = key.readyOps();
            key.interestOpsAnd(~ready);
        } catch (CancelledKeyException e) {
            ready = SelectionKey.OP_READ | SelectionKey.OP_WRITE; // closed: waiting threads find out by trying
        }
        try {
            if ((ready & SelectionKey.OP_READ) != 0) {
                watch.readable();
            }
            if ((ready & SelectionKey.OP_WRITE) != 0) {
                watch.writable();
            }
        } catch (RuntimeException | Error e) {
            SafeLog.log(Level.ERROR, "lifeline-poller: a connection's callback failed", e);
        }
    }

    /** One channel under watch: its readiness only; {@link Transport.Polled} reads and writes it. */
    final class Watch {
        private final SelectableChannel channel;
        private volatile Runnable onReadable;
        private SelectionKey key;
        /** The thread waiting for room to write, or null. */
        private volatile Thread writer;
        private volatile boolean writable;
        /** The thread waiting for input in {@link #awaitReadable}, or null (then {@link #onReadable} runs). */
        private volatile Thread waitingReader;
        private volatile boolean readableNow;

        private Watch(SelectableChannel channel) {
            this.channel = channel;
        }

        /**
         * What runs on the selecting thread when the socket is readable after {@link #whenReadable}: it must not
         * wait. The opening handshake's reading first, then the start of the connection's reader.
         */
        void onReadable(Runnable task) {
            this.onReadable = task;
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
         * Waits until the socket has room to write or is closed. An interrupt does not end the wait (a frame half
         * written cannot be taken back; {@code writeTimeout} bounds it): it is kept for the caller.
         */
        void awaitWritable() throws SocketException {
            writable = false;
            writer = Thread.currentThread();
            boolean interrupted = false;
            try {
                if (!arm(SelectionKey.OP_WRITE)) {
                    throw new SocketException("Socket closed");
                }
                while (!writable && channel.isOpen()) {
                    LockSupport.parkNanos(this, WAITER_CHECK_NANOS);
                    interrupted |= Thread.interrupted(); // else parkNanos returns at once: a busy loop
                }
            } finally {
                writer = null;
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        private void writable() {
            writable = true;
            Thread waiting = writer;
            if (waiting != null) {
                LockSupport.unpark(waiting);
            }
        }

        /**
         * Waits until the socket has something to read, is closed, or {@code deadlineNanos} (of
         * {@link System#nanoTime}) passes; for a thread that reads on after a read found nothing, instead of ending
         * as a reader does. False if the socket is closed.
         */
        boolean awaitReadable(long deadlineNanos) {
            readableNow = false;
            waitingReader = Thread.currentThread();
            boolean interrupted = false;
            try {
                if (!arm(SelectionKey.OP_READ)) {
                    return false;
                }
                long left;
                while (!readableNow && channel.isOpen() && (left = deadlineNanos - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(this, Math.min(left, WAITER_CHECK_NANOS));
                    interrupted |= Thread.interrupted(); // kept for the caller; the wait is bounded anyway
                }
                return channel.isOpen();
            } finally {
                waitingReader = null;
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        private void readable() {
            if (waitingReader != null) {
                wakeReader();
            } else if (key.isValid()) {
                onReadable.run();
            }
        }

        private void wakeReader() {
            readableNow = true;
            Thread waiting = waitingReader;
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
            if (Thread.currentThread() != thread) {
                selector.wakeup(); // the selecting thread sees a new interest only in its next select
            }
            return true;
        }

        /** After the socket was closed: lets the selecting thread release it now, and wakes waiting threads. */
        void closed() {
            selector.wakeup();
            writable();
            wakeReader();
        }
    }
}
