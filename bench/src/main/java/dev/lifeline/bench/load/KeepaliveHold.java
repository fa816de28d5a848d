package dev.lifeline.bench.load;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Holds open connections idle, as a well-behaved client would, on one selector: nothing is sent but the answer to
 * each Ping the server sends, a Pong with its payload (RFC 6455 §5.5.2-3). Then proves every connection alive by
 * echoing one text message on each ("alive " and its index), Pings still answered meanwhile. A Close or any other
 * frame from the server, or a connection it drops, is an error: holding connections means none of them is lost.
 * Does not close the connections.
 */
public final class KeepaliveHold {
    /** Server frames here are small control frames or the short echo: 2 header bytes and at most 125 more. */
    private static final int MAX_FRAME = 127;
    private static final int PING = 0x9;
    private static final int PONG = 0xA;
    private static final int TEXT = 0x1;
    private static final int CLOSE = 0x8;

    /**
     * @param pings Pings the server sent (and that were answered), all connections together
     * @param pinged connections that received at least one Ping
     * @param error why the hold failed (a connection lost, a wrong echo); null when every connection held and echoed
     */
    public record Result(long pings, int pinged, String error) {
        public boolean ok() {
            return error == null;
        }
    }

    private KeepaliveHold() {
    }

    /**
     * Holds {@code channels} (open, upgraded, in non-blocking mode, registered with no selector) for {@code hold},
     * then echoes once on each within {@code echoTimeout}.
     */
    public static Result run(List<SocketChannel> channels, Duration hold, Duration echoTimeout) {
        Peer[] peers = new Peer[channels.size()];
        try (Selector selector = Selector.open()) {
            for (int i = 0; i < peers.length; i++) {
                peers[i] = new Peer(i, channels.get(i));
                peers[i].key = channels.get(i).register(selector, SelectionKey.OP_READ, peers[i]);
            }
            String error = loop(selector, peers, System.nanoTime() + hold.toNanos(), false);
            if (error == null) {
                for (Peer p : peers) {
                    p.sendEcho();
                }
                error = loop(selector, peers, System.nanoTime() + echoTimeout.toNanos(), true);
            }
            for (SelectionKey key : selector.keys()) {
                key.cancel();
            }
            selector.selectNow(); // deregisters, so that the channels may move to another selector
            return result(peers, error);
        } catch (IOException | EchoException e) {
            return result(peers, e.getMessage());
        }
    }

    private static Result result(Peer[] peers, String error) {
        long pings = 0;
        int pinged = 0;
        for (Peer p : peers) {
            if (p != null) {
                pings += p.pings;
                pinged += p.pings > 0 ? 1 : 0;
            }
        }
        return new Result(pings, pinged, error);
    }

    /**
     * Serves the connections until {@code deadline}, or until every echo came back when {@code echoing}; returns
     * the error that ended it, or null.
     */
    private static String loop(Selector selector, Peer[] peers, long deadline, boolean echoing) throws IOException {
        int echoed = 0;
        while (!echoing || echoed < peers.length) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return echoing ? (peers.length - echoed) + " of " + peers.length + " connections did not echo"
                        : null;
            }
            selector.select(Math.max(1, left / 1_000_000));
            for (SelectionKey key : selector.selectedKeys()) {
                Peer p = (Peer) key.attachment();
                if (key.isWritable()) {
                    p.flush();
                }
                if (key.isReadable()) {
                    echoed += p.read(echoing);
                }
            }
            selector.selectedKeys().clear();
        }
        return null;
    }

    /** One held connection. */
    private static final class Peer {
        final int index;
        final SocketChannel channel;
        final ByteBuffer in = ByteBuffer.allocate(MAX_FRAME * 2);
        /** What waits to be written, in read mode; null when nothing does. */
        ByteBuffer out;
        SelectionKey key;
        long pings;
        byte[] echo;

        Peer(int index, SocketChannel channel) {
            this.index = index;
            this.channel = channel;
        }

        void sendEcho() throws IOException {
            echo = ("alive " + index).getBytes(StandardCharsets.US_ASCII);
            send(TEXT, echo);
        }

        /** Reads and answers what arrived; returns 1 when it completed the echo, else 0. */
        int read(boolean echoing) throws IOException {
            if (channel.read(in) < 0) {
                throw new EchoException("the server dropped connection " + index + (echoing ? " before its echo"
                        : " while it was held"));
            }
            in.flip();
            int echoed = 0;
            while (in.remaining() >= 2) {
                int b0 = in.get(in.position()) & 0xFF;
                int b1 = in.get(in.position() + 1) & 0xFF;
                int length = b1 & 0x7F;
                if ((b1 & 0x80) != 0 || length > 125 || (b0 & 0xF0) != 0x80) {
                    throw new EchoException("connection " + index + ": unexpected frame header 0x"
                            + Integer.toHexString(b0) + " 0x" + Integer.toHexString(b1));
                }
                if (in.remaining() < 2 + length) {
                    break;
                }
                byte[] payload = new byte[length];
                in.position(in.position() + 2).get(payload);
                echoed += frame(b0 & 0x0F, payload, echoing);
            }
            in.compact();
            return echoed;
        }

        private int frame(int opcode, byte[] payload, boolean echoing) throws IOException {
            switch (opcode) {
                case PING -> {
                    pings++;
                    send(PONG, payload);
                    return 0;
                }
                case TEXT -> {
                    if (!echoing || echo == null || !Arrays.equals(payload, echo)) {
                        throw new EchoException("connection " + index + ": unexpected text message \""
                                + new String(payload, StandardCharsets.UTF_8) + "\"");
                    }
                    echo = null;
                    return 1;
                }
                case CLOSE -> throw new EchoException("the server closed connection " + index + " with "
                        + (payload.length >= 2 ? ((payload[0] & 0xFF) << 8 | payload[1] & 0xFF) : "no code")
                        + (echoing ? " before its echo" : " while it was held"));
                default -> throw new EchoException("connection " + index + ": unexpected frame, opcode " + opcode);
            }
        }

        /** Queues one masked frame (RFC 6455 §5.3) with {@link EchoLoad#MASK_KEY} and writes what TCP takes. */
        private void send(int opcode, byte[] payload) throws IOException {
            ByteBuffer frame = ClientFrames.frame(opcode, payload);
            if (out != null && out.hasRemaining()) {
                ByteBuffer joined = ByteBuffer.allocate(out.remaining() + frame.remaining());
                out = joined.put(out).put(frame).flip();
            } else {
                out = frame;
            }
            flush();
        }

        void flush() throws IOException {
            channel.write(out);
            key.interestOps(SelectionKey.OP_READ | (out.hasRemaining() ? SelectionKey.OP_WRITE : 0));
        }
    }
}
