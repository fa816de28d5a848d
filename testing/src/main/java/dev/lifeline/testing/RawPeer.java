package dev.lifeline.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket peer on a bare socket, for tests that need the other end to misbehave. It writes exactly the frames
 * it is told to (unmasked from a client, invalid UTF-8, oversized), reads frames without validating them, never
 * answers anything by itself, and can stop reading, vanish or reset the connection.
 */
public final class RawPeer implements AutoCloseable {
    public static final int CONTINUATION = 0x0;
    public static final int TEXT = 0x1;
    public static final int BINARY = 0x2;
    public static final int CLOSE = 0x8;
    public static final int PING = 0x9;
    public static final int PONG = 0xA;

    private static final int MAX_HEAD = 16 * 1024;

    /** A frame as read from the wire, unmasked. */
    public record Frame(boolean fin, int opcode, byte[] payload) {
        /** The code of a Close frame; 1005 when it has no payload. */
        public int closeCode() {
            return payload.length < 2 ? 1005 : (payload[0] & 0xFF) << 8 | payload[1] & 0xFF;
        }

        public String closeReason() {
            return payload.length < 2 ? "" : new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
        }

        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "Frame[opcode " + opcode + (fin ? "" : " (not fin)") + ", "
                    + HexFormat.of().formatHex(payload, 0, Math.min(payload.length, 32)) + "]";
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final boolean client;
    private final String head;

    private RawPeer(Socket socket, DataInputStream in, boolean client, String head) throws IOException {
        this.socket = socket;
        this.in = in;
        this.out = socket.getOutputStream();
        this.client = client;
        this.head = head;
    }

    /** Connects to {@code ws://127.0.0.1:port/} and completes the opening handshake as a client. */
    public static RawPeer connect(int port) throws IOException {
        return connect(port, "");
    }

    /**
     * {@link #connect(int)} with more header lines in the request, each ending in CRLF (say
     * {@code "Sec-WebSocket-Protocol: chat\r\n"}).
     */
    public static RawPeer connect(int port, String headers) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(5_000);
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        String encodedKey = Base64.getEncoder().encodeToString(key);
        socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + encodedKey + "\r\nSec-WebSocket-Version: 13\r\n"
                + headers + "\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        String response = readHead(in);
        if (!response.startsWith("HTTP/1.1 101 ")
                || !response.contains("Sec-WebSocket-Accept: " + accept(encodedKey) + "\r\n")) {
            socket.close();
            throw new IOException("not a valid 101 response: " + response);
        }
        socket.setSoTimeout(0);
        return new RawPeer(socket, in, true, response);
    }

    /** Reads a handshake request from an accepted socket and answers it with 101, as a server. */
    static RawPeer answer(Socket socket) throws IOException {
        return answer(socket, new byte[0]);
    }

    /**
     * {@link #answer(Socket)}, with {@code behind} (frames, say) in the same write as the 101 response: they arrive
     * together with the handshake.
     */
    public static RawPeer answer(Socket socket, byte[] behind) throws IOException {
        socket.setSoTimeout(5_000);
        DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        String request = readHead(in);
        String key = header(request, "Sec-WebSocket-Key");
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        response.writeBytes(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept(key) + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        response.writeBytes(behind);
        socket.getOutputStream().write(response.toByteArray());
        socket.setSoTimeout(0);
        return new RawPeer(socket, in, false, request);
    }

    /**
     * The {@code Sec-WebSocket-Accept} value for {@code key}, computed here rather than taken from the protocol
     * module so that a bug there cannot hide in both peers: RFC 6455 §4.2.2, the base64 of the SHA-1 of the key
     * followed by the GUID {@code 258EAFA5-E914-47DA-95CA-C5AB0DC85B11}.
     */
    private static String accept(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1")
                    .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.ISO_8859_1));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }

    /**
     * Sends {@code request} as it is on a new connection and returns everything the server answers until it
     * closes the connection (bounded by {@code timeout}).
     */
    public static String exchange(int port, String request, Duration timeout) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout((int) timeout.toMillis());
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    /** The HTTP head this peer received in the opening handshake (the request, or the 101 response). */
    public String head() {
        return head;
    }

    public Socket socket() {
        return socket;
    }

    /** A frame's wire bytes; {@code masked} uses a random mask key. */
    public static byte[] frame(boolean fin, int opcode, byte[] payload, boolean masked) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write((fin ? 0x80 : 0) | opcode);
        int maskBit = masked ? 0x80 : 0;
        if (payload.length < 126) {
            frame.write(maskBit | payload.length);
        } else if (payload.length < 65_536) {
            frame.write(maskBit | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length);
        } else {
            frame.write(maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) payload.length >>> shift));
            }
        }
        if (!masked) {
            frame.writeBytes(payload);
            return frame.toByteArray();
        }
        byte[] key = new byte[4];
        ThreadLocalRandom.current().nextBytes(key);
        frame.writeBytes(key);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ key[i & 3]);
        }
        return frame.toByteArray();
    }

    /** A Close frame payload: the code and the reason. */
    public static byte[] closePayload(int code, String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        byte[] payload = new byte[2 + text.length];
        payload[0] = (byte) (code >>> 8);
        payload[1] = (byte) code;
        System.arraycopy(text, 0, payload, 2, text.length);
        return payload;
    }

    /** Sends a whole message or control frame, masked as the RFC asks of this side. */
    public void send(int opcode, byte[] payload) throws IOException {
        write(frame(true, opcode, payload, client));
    }

    public void sendClose(int code, String reason) throws IOException {
        send(CLOSE, closePayload(code, reason));
    }

    public void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Reads the next frame, waiting at most {@code timeout}. */
    public Frame readFrame(Duration timeout) throws IOException {
        socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        long length = b1 & 0x7F;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        byte[] key = null;
        if ((b1 & 0x80) != 0) {
            key = new byte[4];
            in.readFully(key);
        }
        byte[] payload = new byte[Math.toIntExact(length)];
        in.readFully(payload);
        if (key != null) {
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= key[i & 3];
            }
        }
        return new Frame((b0 & 0x80) != 0, b0 & 0x0F, payload);
    }

    /** Reads frames until one with this opcode arrives (skipping pings, pongs and messages). */
    public Frame readUntil(int opcode, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Frame frame = readFrame(Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())));
            if (frame.opcode() == opcode) {
                return frame;
            }
        }
    }

    /**
     * Reads and discards until the other side closes or resets the connection.
     *
     * @return true if it did within {@code timeout}, false if the connection is still up
     */
    public boolean awaitEnd(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] sink = new byte[8192];
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return false;
            }
            socket.setSoTimeout((int) left);
            try {
                if (in.read(sink) < 0) {
                    return true;
                }
            } catch (SocketTimeoutException e) {
                return false;
            } catch (EOFException | SocketException e) {
                return true; // reset
            }
        }
    }

    /** Everything the other side sends until it closes TCP, which must happen within {@code timeout}. */
    public byte[] readToEnd(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        return in.readAllBytes();
    }

    /** Drops the connection with a TCP reset (no FIN, no Close frame). */
    public void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    /** Closes the socket (a FIN, no Close frame). */
    @Override
    public void close() throws IOException {
        socket.close();
    }

    static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (head.length() < MAX_HEAD && !head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed after " + head.length() + " bytes of HTTP head: " + head);
            }
            head.append((char) b);
        }
        return head.toString();
    }

    static String header(String head, String name) throws IOException {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT)
                    .equals(name.toLowerCase(Locale.ROOT))) {
                return line.substring(colon + 1).trim();
            }
        }
        throw new IOException("no " + name + " header in " + head);
    }
}
