package dev.lifeline.bench.load;

import dev.lifeline.protocol.handshake.Accept;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Opens many connections at once without a thread per connection: TCP connects and WebSocket opening handshakes
 * (RFC 6455 §4.1) run on one selector, at most {@code window} at a time. Each 101 response is checked: status,
 * {@code Upgrade}, and the {@code Sec-WebSocket-Accept} that proves the server read our key. Connections come from
 * several loopback source addresses (127.0.0.1-4) so that tens of thousands of them never run out of ports.
 */
public final class Connector {
    private static final int SOURCES = 4;
    private static final int MAX_HEAD = 8192;

    /**
     * The one extension offer of a compressing connection (RFC 7692 §7.1): no context takeover either way, so that
     * each message is compressed and inflated on its own.
     */
    public static final String DEFLATE_OFFER = "permessage-deflate; client_no_context_takeover;"
            + " server_no_context_takeover";

    /**
     * Where the load goes: a WebSocket echo server, or a raw TCP echo (no handshake: it sends the opening request's
     * bytes back, the physical reference for a handshake's round trip); {@code deflate} when the handshake must
     * negotiate {@link #DEFLATE_OFFER}.
     */
    public record Target(String host, int port, boolean raw, boolean deflate) {
        public static Target webSocket(int port) {
            return new Target("127.0.0.1", port, false, false);
        }

        public static Target rawTcp(int port) {
            return new Target("127.0.0.1", port, true, false);
        }

        /** The same target, with permessage-deflate required (ignored by a raw TCP echo: it has no handshake). */
        public Target deflating() {
            return new Target(host, port, raw, true);
        }
    }

    /** The server answered the handshake without permessage-deflate when we offered it: it does not take part. */
    public static final class NotNegotiated extends EchoException {
        private static final long serialVersionUID = 1L;

        NotNegotiated() {
            super("server did not negotiate permessage-deflate");
        }
    }

    /** Connections that are open (and upgraded), and how long opening them all took. */
    public record Opened(List<SocketChannel> channels, double seconds) {
        public double perSecond() {
            return channels.size() / seconds;
        }

        /** Drops every connection at once (RST: no TIME_WAIT left behind). */
        public void abort() {
            for (SocketChannel ch : channels) {
                try {
                    ch.setOption(StandardSocketOptions.SO_LINGER, 0);
                    ch.close();
                } catch (IOException e) {
                    // already gone
                }
            }
        }
    }

    private Connector() {
    }

    /**
     * Opens {@code count} connections to {@code target}, {@code window} in progress at a time.
     *
     * @throws EchoException if a handshake is refused or malformed
     * @throws IOException if a connect fails or {@code timeout} passes
     */
    public static Opened open(Target target, int count, int window, Duration timeout) throws IOException {
        List<SocketChannel> open = new ArrayList<>(count);
        SplittableRandom random = new SplittableRandom();
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        int started = 0;
        try (Selector selector = Selector.open()) {
            while (open.size() < count) {
                try {
                    while (started < count && started - open.size() < window) {
                        begin(selector, target, started++, random);
                    }
                } catch (IOException | RuntimeException e) {
                    abandon(selector, open);
                    throw e;
                }
                if (System.nanoTime() > deadline) {
                    abandon(selector, open);
                    throw new IOException("only " + open.size() + " of " + count + " connections opened in "
                            + timeout.toSeconds() + " s");
                }
                selector.select(100);
                for (SelectionKey key : selector.selectedKeys()) {
                    Attempt a = (Attempt) key.attachment();
                    try {
                        if (a.step(key)) {
                            key.cancel();
                            open.add(a.channel);
                        }
                    } catch (IOException | RuntimeException e) {
                        abandon(selector, open);
                        throw e;
                    }
                }
                selector.selectedKeys().clear();
            }
            selector.selectNow(); // flushes the cancelled keys before the channels move to another selector
        }
        return new Opened(open, (System.nanoTime() - start) / 1e9);
    }

    private static void begin(Selector selector, Target target, int index, SplittableRandom random)
            throws IOException {
        SocketChannel ch = SocketChannel.open();
        try {
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ch.bind(new InetSocketAddress("127.0.0." + (1 + index % SOURCES), 0));
            Attempt a = new Attempt(ch, target, random);
            // On loopback the kernel has usually completed TCP's handshake by the time connect returns: then the
            // request goes at once, without a round through the selector.
            boolean connected = ch.connect(new InetSocketAddress(target.host(), target.port()))
                    || ch.finishConnect();
            ch.register(selector, connected ? a.connected() : SelectionKey.OP_CONNECT, a);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Drops the connections opened and those still in their handshake, so that no server waits on them. */
    private static void abandon(Selector selector, List<SocketChannel> open) {
        List<SocketChannel> all = new ArrayList<>(open);
        selector.keys().forEach(k -> all.add((SocketChannel) k.channel()));
        closeAll(all);
    }

    private static void closeAll(List<SocketChannel> channels) {
        new Opened(channels, 1).abort();
    }

    /** One connection on its way to OPEN. */
    private static final class Attempt {
        final SocketChannel channel;
        final Target target;
        final String key;
        ByteBuffer request;
        final ByteBuffer response = ByteBuffer.allocate(MAX_HEAD);
        /** Pings after the 101 response answered so far (a response may take several reads). */
        int pongsSent;

        Attempt(SocketChannel channel, Target target, SplittableRandom random) {
            this.channel = channel;
            this.target = target;
            byte[] nonce = new byte[16];
            random.nextBytes(nonce);
            this.key = Base64.getEncoder().encodeToString(nonce);
        }

        /**
         * Called once TCP is connected: writes the request (a new socket has room for it); returns the interest set
         * to wait for next.
         */
        int connected() throws IOException {
            request = ByteBuffer.wrap(("GET / HTTP/1.1\r\nHost: " + target.host() + ":" + target.port()
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key
                    + "\r\nSec-WebSocket-Version: 13\r\n"
                    + (target.deflate() ? "Sec-WebSocket-Extensions: " + DEFLATE_OFFER + "\r\n" : "")
                    + "\r\n").getBytes(StandardCharsets.US_ASCII));
            return writeRequest();
        }

        /** Writes what TCP takes of the request; returns the interest set to wait for next. */
        private int writeRequest() throws IOException {
            channel.write(request);
            return request.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ;
        }

        /** Advances; true when the connection is open. */
        boolean step(SelectionKey k) throws IOException {
            if (k.isConnectable()) {
                channel.finishConnect();
                k.interestOps(connected());
                return false;
            }
            if (request.hasRemaining()) {
                k.interestOps(writeRequest());
                return false;
            }
            if (channel.read(response) < 0) {
                throw new EchoException("server closed the connection during the opening handshake");
            }
            if (target.raw()) {
                return requestEchoed();
            }
            String head = new String(response.array(), 0, response.position(), StandardCharsets.ISO_8859_1);
            int end = head.indexOf("\r\n\r\n");
            if (end < 0) {
                if (!response.hasRemaining()) {
                    throw new EchoException("handshake response head exceeds " + MAX_HEAD + " bytes");
                }
                return false;
            }
            checkResponse(head.substring(0, end));
            return pingsAnswered(end + 4);
        }

        /**
         * After the 101 response, a server with keepalive may already have sent a Ping (Java-WebSocket does, when
         * its periodic check comes during the handshake): each is answered with its Pong at once, as a client
         * would; anything else is an error. False while a Ping is still arriving.
         */
        private boolean pingsAnswered(int from) throws IOException {
            byte[] in = response.array();
            int frames = 0;
            for (int p = from; p < response.position(); frames++) {
                int length = response.position() - p < 2 ? 0 : in[p + 1] & 0xFF;
                if (response.position() - p >= 2 && ((in[p] & 0xFF) != 0x89 || length > 125)) {
                    throw new EchoException("server sent data right after its 101 response");
                }
                if (response.position() - p < 2 + length) {
                    return false;
                }
                if (frames >= pongsSent) {
                    ByteBuffer pong = ClientFrames.frame(0xA, Arrays.copyOfRange(in, p + 2, p + 2 + length));
                    channel.write(pong);
                    if (pong.hasRemaining()) { // a new connection's send buffer is empty: not seen, but checked
                        throw new EchoException("TCP took only part of a Pong after the 101 response");
                    }
                    pongsSent++;
                }
                p += 2 + length;
            }
            return true;
        }

        /**
         * A raw TCP echo sends the request back instead of answering it: all of it and nothing more, each byte
         * checked as it comes. True once all of it came back.
         */
        private boolean requestEchoed() {
            int received = response.position();
            if (received > request.limit()
                    || !Arrays.equals(response.array(), 0, received, request.array(), 0, received)) {
                throw new EchoException("the raw echo of the opening request differs from it");
            }
            return received == request.limit();
        }

        private void checkResponse(String head) {
            List<String> lines = lines(head);
            if (!lines.get(0).startsWith("HTTP/1.1 101")) {
                throw new EchoException("handshake refused: " + lines.get(0));
            }
            String accept = null;
            boolean upgrade = false;
            List<String> extensions = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                int colon = line.indexOf(':');
                String name = line.substring(0, Math.max(colon, 0)).trim().toLowerCase(Locale.ROOT);
                String value = line.substring(colon + 1).trim();
                if (name.equals("sec-websocket-accept")) {
                    accept = value;
                } else if (name.equals("upgrade")) {
                    upgrade = value.equalsIgnoreCase("websocket");
                } else if (name.equals("sec-websocket-extensions")) {
                    extensions.addAll(List.of(value.split(",")));
                }
            }
            if (!upgrade || !Accept.of(key).equals(accept)) {
                throw new EchoException("bad 101 response (Upgrade or Sec-WebSocket-Accept): " + head);
            }
            checkExtensions(extensions);
        }

        /** The lines of an HTTP head (without its blank line), split on CRLF without a regular expression. */
        private static List<String> lines(String head) {
            List<String> lines = new ArrayList<>();
            int from = 0;
            for (int end; (end = head.indexOf("\r\n", from)) >= 0; from = end + 2) {
                lines.add(head.substring(from, end));
            }
            lines.add(head.substring(from));
            return lines;
        }

        /**
         * Without an offer, the server may accept no extension (RFC 6455 §9.1); with ours, it must accept
         * permessage-deflate alone, with {@code server_no_context_takeover} (RFC 7692 §7.1.1.1) and nothing we
         * cannot honour.
         */
        private void checkExtensions(List<String> extensions) {
            if (!target.deflate()) {
                if (!extensions.isEmpty()) {
                    throw new EchoException("server accepted extensions that were not offered: " + extensions);
                }
                return;
            }
            if (extensions.isEmpty()) {
                throw new NotNegotiated();
            }
            List<String> params = List.of(extensions.get(0).split(";")).stream()
                    .map(p -> p.trim().toLowerCase(Locale.ROOT)).toList();
            boolean fits = extensions.size() == 1 && params.get(0).equals("permessage-deflate")
                    && params.contains("server_no_context_takeover")
                    && params.stream().skip(1).allMatch(p -> p.equals("server_no_context_takeover")
                            || p.equals("client_no_context_takeover")
                            || p.matches("server_max_window_bits=\"?\\d+\"?"));
            if (!fits) {
                throw new EchoException("server answered the offer of " + DEFLATE_OFFER
                        + " with an extension we cannot use: " + String.join(",", extensions));
            }
        }
    }
}
