package dev.lifeline.bench.server;

import dev.lifeline.protocol.handshake.Accept;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The fixed fast server of the client comparison: a minimal WebSocket echo on one selector thread. It answers the
 * opening handshake (no extensions, no subprotocol), then streams each client frame back as a server frame,
 * unmasking eight bytes at a time as the bytes arrive, without assembling messages or validating UTF-8. A Ping
 * comes back as a Pong and a Close is echoed before the connection is closed. It trusts its clients: it is a load
 * reflector for the benchmark, not a WebSocket server for anything else.
 */
final class FixedWebSocketEcho extends SelectorServer {
    private static final int BUFFER = 256 * 1024;
    private static final int MAX_HEAD = 8192;
    private static final int OP_CLOSE = 0x8;
    private static final int OP_PING = 0x9;
    private static final int OP_PONG = 0xA;

    FixedWebSocketEcho() throws IOException {
        super("fixed-ws-echo");
    }

    @Override
    Connection accepted() {
        return new Relay();
    }

    private static final class Relay implements Connection {
        private final ByteBuffer in = ByteBuffer.allocateDirect(BUFFER);
        private final ByteBuffer out = ByteBuffer.allocateDirect(BUFFER);
        private boolean open;
        private boolean closing;
        private long frameRemaining;
        private int maskKey;
        private long maskOffset;

        @Override
        public int service(SocketChannel ch) throws IOException {
            if (in.hasRemaining() && ch.read(in) < 0) {
                return 0;
            }
            boolean progress = true;
            while (progress) {
                int before = in.position() + out.position();
                if (!open) {
                    handshake();
                }
                if (open) {
                    relay();
                }
                ch.write(out.flip());
                out.compact();
                progress = in.position() + out.position() != before && in.position() > 0 && out.hasRemaining();
            }
            if (closing && out.position() == 0) {
                return 0;
            }
            return (out.position() > 0 ? SelectionKey.OP_WRITE : 0)
                    | (in.hasRemaining() && !closing ? SelectionKey.OP_READ : 0);
        }

        /** Answers the opening handshake once its head is complete (RFC 6455 §4.2.2). */
        private void handshake() throws IOException {
            String head = StandardCharsets.ISO_8859_1.decode(in.duplicate().flip()).toString();
            int end = head.indexOf("\r\n\r\n");
            if (end < 0) {
                if (in.position() > MAX_HEAD) {
                    throw new IOException("handshake head too large");
                }
                return;
            }
            String key = null;
            for (String line : head.substring(0, end).split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("sec-websocket-key")) {
                    key = line.substring(colon + 1).trim();
                }
            }
            if (key == null) {
                throw new IOException("no Sec-WebSocket-Key");
            }
            out.put(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + Accept.of(key) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            in.flip().position(end + 4);
            in.compact();
            open = true;
        }

        /** Turns client frames into server frames for as long as input and output room allow. */
        private void relay() {
            in.flip();
            while (!closing) {
                if (frameRemaining == 0 && !header()) {
                    break;
                }
                int n = (int) Math.min(Math.min(in.remaining(), out.remaining()), frameRemaining);
                if (n == 0) {
                    break;
                }
                unmask(n);
                frameRemaining -= n;
            }
            in.compact();
        }

        /** Reads a client frame header and writes the server's; false if it is incomplete or there is no room. */
        private boolean header() {
            int p = in.position();
            if (in.remaining() < 2 || out.remaining() < 10) {
                return false;
            }
            int b0 = in.get(p) & 0xFF;
            int len7 = in.get(p + 1) & 0x7F;
            int extra = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
            if (in.remaining() < 2 + extra + 4) {
                return false;
            }
            long length = extra == 2 ? in.getShort(p + 2) & 0xFFFF : extra == 8 ? in.getLong(p + 2) : len7;
            int opcode = b0 & 0x0F;
            if (opcode == OP_CLOSE && in.remaining() < 2 + extra + 4 + length) {
                return false; // echoed whole: close payloads are at most 125 bytes
            }
            out.put((byte) (opcode == OP_PING ? (b0 & 0xF0) | OP_PONG : b0));
            if (extra == 0) {
                out.put((byte) len7);
            } else if (extra == 2) {
                out.put((byte) 126).putShort((short) length);
            } else {
                out.put((byte) 127).putLong(length);
            }
            maskKey = in.getInt(p + 2 + extra);
            maskOffset = 0;
            frameRemaining = length;
            in.position(p + 2 + extra + 4);
            if (opcode == OP_CLOSE) {
                unmask((int) length);
                frameRemaining = 0;
                closing = true;
            }
            return !closing;
        }

        private void unmask(int n) {
            int k = Integer.rotateLeft(maskKey, (int) (maskOffset & 3) * 8);
            long k8 = ((long) k << 32) | (k & 0xFFFFFFFFL);
            int i = 0;
            for (; i + 8 <= n; i += 8) {
                out.putLong(in.getLong() ^ k8);
            }
            for (int shift = 24; i < n; i++, shift = (shift - 8) & 31) {
                out.put((byte) (in.get() ^ (k >>> shift)));
            }
            maskOffset += n;
        }
    }
}
