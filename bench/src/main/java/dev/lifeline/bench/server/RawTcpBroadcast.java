package dev.lifeline.bench.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * The physical reference of the broadcast scenario, the least a broadcasting server can do: on one selector thread,
 * each connection's opening request is written back unchanged (as {@link RawTcpEcho} does: the generator's raw
 * target expects that, and no handshake), then each frame a connection sends is unmasked (RFC 6455 §5.3), encoded
 * once as a server frame and appended to every open connection's output, the sender's included; once all that one
 * read brought is taken, each connection's output goes out in one write (frames published close together share a
 * write, as Lifeline's writers and Netty's flush do). Nothing else is checked: a frame with a 64-bit length closes
 * its connection. Output TCP did not take waits in the connection's buffer, without bound, as Netty's, Jetty's and
 * Java-WebSocket's broadcasts do. The generator's figures against it are its own floor: what it measures when the
 * server costs next to nothing.
 */
final class RawTcpBroadcast extends SelectorServer {
    private static final int BUFFER = 256 * 1024;
    private static final byte[] END_OF_HEAD = {'\r', '\n', '\r', '\n'};
    /** Where reads land, after what a connection kept of an incomplete frame; only the selector's thread uses it. */
    private final ByteBuffer shared = ByteBuffer.allocate(BUFFER);
    /** Every connection accepted and not closed; only the selector's thread uses it. */
    private final List<Peer> peers = new ArrayList<>();
    /** The connections given output since the last writes; only the selector's thread uses it. */
    private final List<Peer> written = new ArrayList<>();

    RawTcpBroadcast() throws IOException {
        super("raw-tcp-broadcast");
    }

    @Override
    Connection accepted() {
        return new Peer();
    }

    @Override
    void registered(SelectionKey key) {
        Peer p = (Peer) key.attachment();
        p.key = key;
        peers.add(p);
    }

    /** One connection; every method runs on the selector's thread. */
    private final class Peer implements Connection {
        private SelectionKey key;
        /** Whether its opening request has been written back: from then on it gets every frame. */
        private boolean open;
        /** The bytes of an incomplete request or frame, kept from the previous read; empty array if none. */
        private byte[] kept = new byte[0];
        /** Output not written yet, from 0 to its position. */
        private ByteBuffer out = ByteBuffer.allocate(0);

        @Override
        public int service(SocketChannel ch) throws IOException {
            write();
            shared.clear();
            shared.put(kept);
            int n = ch.read(shared);
            if (n < 0) {
                peers.remove(this);
                return 0;
            }
            shared.flip();
            boolean keep = consume(shared);
            kept = new byte[shared.remaining()];
            shared.get(kept);
            for (Peer p : written) {
                if (p != this) {
                    p.write();
                }
            }
            written.clear();
            write();
            if (!keep) {
                peers.remove(this);
                return 0;
            }
            return SelectionKey.OP_READ | (out.position() == 0 ? 0 : SelectionKey.OP_WRITE);
        }

        /** Takes the request and whole frames from {@code in}, leaving an incomplete one; false to close. */
        private boolean consume(ByteBuffer in) throws IOException {
            if (!open) {
                int end = indexOf(in, END_OF_HEAD);
                if (end < 0) {
                    return in.remaining() < BUFFER / 2; // a request head is far smaller
                }
                ByteBuffer head = ByteBuffer.allocate(end + END_OF_HEAD.length);
                head.put(in.slice(in.position(), head.capacity())).flip();
                in.position(in.position() + head.capacity());
                send(head);
                open = true;
            }
            while (in.remaining() >= 2) {
                int p = in.position();
                int length = in.get(p + 1) & 0x7F;
                int header = 2;
                if (length == 127) {
                    return false;
                }
                if (length == 126) {
                    if (in.remaining() < 4) {
                        return true;
                    }
                    length = (in.get(p + 2) & 0xFF) << 8 | (in.get(p + 3) & 0xFF);
                    header = 4;
                }
                if (in.remaining() < header + 4 + length) {
                    return true;
                }
                ByteBuffer frame = ByteBuffer.allocate(header + length);
                frame.put((byte) (in.get(p) & 0xFF));
                frame.put((byte) (in.get(p + 1) & 0x7F)); // the mask bit off: a server's frame (RFC 6455 §5.1)
                if (header == 4) {
                    frame.put(in.get(p + 2)).put(in.get(p + 3));
                }
                int mask = p + header;
                for (int i = 0; i < length; i++) {
                    frame.put((byte) (in.get(mask + 4 + i) ^ in.get(mask + (i & 3)))); // RFC 6455 §5.3
                }
                in.position(p + header + 4 + length);
                frame.flip();
                for (Peer peer : List.copyOf(peers)) {
                    if (peer.open) {
                        peer.send(frame.duplicate());
                    }
                }
            }
            return true;
        }

        /** Appends {@code bytes} to the output, written once the read that brought them is taken. */
        private void send(ByteBuffer bytes) {
            if (out.remaining() < bytes.remaining()) {
                ByteBuffer larger = ByteBuffer.allocate(Math.max(2 * out.capacity(), out.position()
                        + bytes.remaining() + 1024));
                out = larger.put(out.flip());
            }
            if (out.position() == 0) {
                written.add(this);
            }
            out.put(bytes);
        }

        /** Writes what TCP takes of the output, and waits to write the rest. */
        private void write() {
            if (out.position() == 0) {
                return;
            }
            try {
                ((SocketChannel) key.channel()).write(out.flip());
                out.compact();
                key.interestOps(SelectionKey.OP_READ | (out.position() == 0 ? 0 : SelectionKey.OP_WRITE));
            } catch (IOException | RuntimeException e) {
                peers.remove(this); // closed meanwhile: its own key's turn closes the channel
                out.clear();
            }
        }
    }

    /** The index, relative to its position, of {@code pattern} in {@code in}'s remaining bytes, or -1. */
    private static int indexOf(ByteBuffer in, byte[] pattern) {
        outer:
        for (int i = 0; i + pattern.length <= in.remaining(); i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (in.get(in.position() + i + j) != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
