package dev.lifeline.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;

/**
 * How one connection's bytes cross: chosen once, when its socket is accepted or connected, and kept for its life
 * (the opening handshake's {@link Opening} hands it to the {@link Connection}). Nothing above it asks which kind it
 * is: {@link Reader}, {@link Outgoing} and {@link Opening} call these methods and the two kinds differ only here.
 * <ul>
 *   <li>{@link Blocking}: a socket's streams, plain or TLS; its reads and writes wait. Every TLS connection, and a
 *       client's {@code ws://} one unless built with {@code pollIdle}.</li>
 *   <li>{@link Polled}: a pair of non-blocking selectable channels under the {@link Poller}'s watch (a
 *       {@link SocketChannel}, both ways: a server's plain socket from its accept on, a {@code pollIdle} client's
 *       once open; or any other pair, such as a {@link java.nio.channels.Pipe}'s two ends); a read that finds
 *       nothing returns 0, and the poller says when more arrives or when there is room to write.</li>
 * </ul>
 *
 * <p>Threads: one thread reads at a time (the reader, or the opening handshake's thread), and one writes at a time
 * (the holder of {@code Outgoing.writeLock}, or the handshake's thread); {@link #close} may come from any thread.
 * No method takes a lock of the connection.
 */
sealed interface Transport permits Transport.Blocking, Transport.Polled {

    /** The streams of a blocking {@code socket}; {@code tcp} is the TCP socket under it (the same one without TLS). */
    static Transport blocking(Socket socket, Socket tcp) throws IOException {
        return new Blocking(socket, tcp);
    }

    /** {@code channel} both ways, from now on non-blocking and under the poller's watch. */
    static Transport polled(SocketChannel channel) throws IOException {
        Poller.Watch watch = Poller.watch(channel);
        return new Polled(channel, watch, channel, watch, (InetSocketAddress) channel.getLocalAddress(),
                (InetSocketAddress) channel.getRemoteAddress());
    }

    /**
     * Reads from {@code in} and writes to {@code out}, two channels of one stream of bytes each (a pipe's two ends,
     * say), from now on non-blocking and under the poller's watch. Closing {@code out} is the half-close; closing
     * the transport closes both.
     *
     * @param local what the connection reports as its {@link dev.lifeline.WebSocket#localAddress()}
     * @param remote what it reports as its {@link dev.lifeline.WebSocket#remoteAddress()}
     */
    static <I extends SelectableChannel & ReadableByteChannel, O extends SelectableChannel & WritableByteChannel>
            Transport polled(I in, O out, InetSocketAddress local, InetSocketAddress remote) throws IOException {
        return new Polled(in, Poller.watch(in), out, Poller.watch(out), local, remote);
    }

    /**
     * A socket's streams report a reset or broken connection as a {@link SocketException}, its channel as a
     * plain {@link IOException}: the read and write failures a connection reports are SocketExceptions either way,
     * whichever path (the channel, or the stream under TLS) met them.
     */
    static IOException asSocketException(IOException e) {
        if (e.getClass() != IOException.class) {
            return e;
        }
        SocketException same = new SocketException(e.getMessage());
        same.initCause(e);
        return same;
    }

    /** A buffer for {@link #read}: a heap buffer sized by the traffic for a stream, a pooled direct one for a channel. */
    ReadBuffer newReadBuffer();

    /**
     * Reads once into {@code buffer}: how many bytes, -1 at the end of the input, 0 when nothing is there yet (only
     * a polled transport: then {@link #whenReadable}). On the thread that reads.
     */
    int read(ReadBuffer buffer) throws IOException;

    /**
     * Reads once into {@code buffer}, waiting at most until {@code deadlineNanos} (of {@link System#nanoTime}):
     * how many bytes (at least one), or -1 at the end of the input (or, polled, once the transport is closed).
     *
     * @throws SocketTimeoutException once the deadline has passed
     */
    int read(ReadBuffer buffer, long deadlineNanos) throws IOException;

    /**
     * Has {@code task} run once there is something to read (or the input ended, or failed), and returns at once:
     * the caller must do nothing with the input afterwards, another thread may be reading it already. A polled
     * transport runs it on the poller's thread, where it must not wait; a blocking one cannot know without reading
     * and runs it at once, on the caller's thread. False if the transport is closed (the task does not run).
     */
    boolean whenReadable(Runnable task);

    /**
     * Reads and throws away what has arrived and is unread, at most {@code limit} bytes, without waiting: before
     * closing after the closing handshake, so that the close is no reset (see {@code Reader.discardUnread}).
     */
    void discardUnread(ReadBuffer buffer, int limit) throws IOException;

    /** Writes all of {@code bytes} (a heap buffer), waiting for room. On the thread that writes. */
    void write(ByteBuffer bytes) throws IOException;

    /**
     * Writes what fits of {@code bytes} without waiting: whether it all went; the rest is left in {@code bytes}. A
     * blocking transport cannot write without the risk of waiting: it takes nothing and returns false.
     */
    boolean tryWrite(ByteBuffer bytes) throws IOException;

    /** Our FIN: the end of what we write; the input stays open (a TLS socket that cannot half-close is closed). */
    void shutdownOutput() throws IOException;

    /** Closes both ways, TCP first (that never waits, where a TLS close may), and wakes whoever waits. Never throws. */
    void close();

    InetSocketAddress localAddress();

    InetSocketAddress remoteAddress();

    /** A socket's streams, plain or TLS: reads and writes wait. */
    final class Blocking implements Transport {
        private final Socket socket;
        /** The TCP socket under {@link #socket} (the same one without TLS): closing it never waits. */
        private final Socket tcp;
        private final InputStream in;
        private final OutputStream out;

        private Blocking(Socket socket, Socket tcp) throws IOException {
            this.socket = socket;
            this.tcp = tcp;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        @Override
        public ReadBuffer newReadBuffer() {
            return new ReadBuffer(false);
        }

        @Override
        public int read(ReadBuffer buffer) throws IOException {
            return buffer.read(in);
        }

        @Override
        public int read(ReadBuffer buffer, long deadlineNanos) throws IOException {
            socket.setSoTimeout(Handshakes.millisUntil(deadlineNanos));
            try {
                return buffer.read(in);
            } finally {
                socket.setSoTimeout(0);
            }
        }

        @Override
        public boolean whenReadable(Runnable task) {
            if (socket.isClosed()) {
                return false;
            }
            task.run();
            return true;
        }

        /** Reads TCP's own input (under TLS, the encrypted bytes: they are thrown away, no record is decoded). */
        @Override
        public void discardUnread(ReadBuffer buffer, int limit) throws IOException {
            InputStream raw = tcp.getInputStream();
            byte[] sink = new byte[ReadBuffer.MIN];
            int n;
            for (int discarded = 0; discarded < limit && (n = Math.min(raw.available(), sink.length)) > 0
                    && (n = raw.read(sink, 0, n)) > 0; discarded += n) {
                // discarding
            }
        }

        @Override
        public void write(ByteBuffer bytes) throws IOException {
            out.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
            out.flush();
            bytes.position(bytes.limit());
        }

        @Override
        public boolean tryWrite(ByteBuffer bytes) {
            return !bytes.hasRemaining();
        }

        @Override
        public void shutdownOutput() throws IOException {
            try {
                socket.shutdownOutput();
            } catch (UnsupportedOperationException e) {
                socket.close(); // an SSLSocket that cannot half-close
            }
        }

        @Override
        public void close() {
            Handshakes.closeQuietly(tcp);
            if (socket != tcp) {
                Handshakes.closeQuietly(socket);
            }
        }

        @Override
        public InetSocketAddress localAddress() {
            return (InetSocketAddress) socket.getLocalSocketAddress();
        }

        @Override
        public InetSocketAddress remoteAddress() {
            return (InetSocketAddress) socket.getRemoteSocketAddress();
        }
    }

    /**
     * Non-blocking channels under the poller's watch: one for reading and one for writing, the same one for a
     * {@link SocketChannel}. Reads go into a pooled direct buffer as is (see {@link ReadBuffer}).
     */
    final class Polled implements Transport {
        /** The most handed to one write: the JDK copies what a write is given into a direct buffer of its own. */
        private static final int WRITE_CHUNK = 256 * 1024;

        private final ReadableByteChannel in;
        private final Poller.Watch reading;
        private final WritableByteChannel out;
        private final Poller.Watch writing;
        private final InetSocketAddress local;
        private final InetSocketAddress remote;

        private Polled(ReadableByteChannel in, Poller.Watch reading, WritableByteChannel out, Poller.Watch writing,
                InetSocketAddress local, InetSocketAddress remote) {
            this.in = in;
            this.reading = reading;
            this.out = out;
            this.writing = writing;
            this.local = local;
            this.remote = remote;
        }

        @Override
        public ReadBuffer newReadBuffer() {
            return new ReadBuffer(true);
        }

        @Override
        public int read(ReadBuffer buffer) throws IOException {
            return buffer.read(in);
        }

        @Override
        public int read(ReadBuffer buffer, long deadlineNanos) throws IOException {
            while (true) {
                int n = buffer.read(in);
                if (n != 0) {
                    return n;
                }
                buffer.release(); // not held while waiting
                if (!reading.awaitReadable(deadlineNanos)) {
                    return -1; // closed meanwhile: nothing more will be read
                }
                if (System.nanoTime() - deadlineNanos >= 0) {
                    throw new SocketTimeoutException("no input before the deadline");
                }
            }
        }

        @Override
        public boolean whenReadable(Runnable task) {
            reading.onReadable(task);
            return reading.whenReadable();
        }

        @Override
        public void discardUnread(ReadBuffer buffer, int limit) throws IOException {
            int n;
            for (int discarded = 0; discarded < limit && (n = buffer.read(in)) > 0; discarded += n) {
                // discarding
            }
        }

        /**
         * Writes all of {@code bytes}, waiting for room as long as the channel stays open: an interrupt does not end
         * the wait (a frame half written cannot be taken back; {@code writeTimeout} bounds it).
         */
        @Override
        public void write(ByteBuffer bytes) throws IOException {
            while (!tryWrite(bytes)) {
                writing.awaitWritable();
            }
        }

        /** Writes {@value #WRITE_CHUNK} bytes at a time: a non-blocking write may take only part of a chunk. */
        @Override
        public boolean tryWrite(ByteBuffer bytes) throws IOException {
            int limit = bytes.limit();
            try {
                while (bytes.position() < limit) {
                    bytes.limit(Math.min(limit, bytes.position() + WRITE_CHUNK));
                    if (out.write(bytes) == 0) {
                        return false;
                    }
                }
                return true;
            } finally {
                bytes.limit(limit);
            }
        }

        /** A socket's half-close is its own; a pipe's (the tests' in-memory pair) is closing its writing end. */
        @Override
        public void shutdownOutput() throws IOException {
            if (out instanceof SocketChannel socket) {
                socket.shutdownOutput();
            } else {
                out.close();
            }
        }

        @Override
        public void close() {
            try {
                in.close();
            } catch (IOException ignored) {
                // nothing more to do with a channel we are dropping
            }
            try {
                out.close();
            } catch (IOException ignored) {
                // the same
            }
            reading.closed();
            if (writing != reading) {
                writing.closed();
            }
        }

        @Override
        public InetSocketAddress localAddress() {
            return local;
        }

        @Override
        public InetSocketAddress remoteAddress() {
            return remote;
        }
    }
}
