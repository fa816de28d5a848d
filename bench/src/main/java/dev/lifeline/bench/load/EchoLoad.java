package dev.lifeline.bench.load;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * Our load generator: one thread, one selector, WebSocket client framing done by hand. Each connection keeps
 * {@code inFlight} messages in flight; their masked frames are encoded once ({@link Traffic}: plain frames get
 * each message's sequence number patched in, compressed ones are copied whole), so the generator allocates nothing
 * per message. Every echo is parsed and compared with what was sent; a wrong echo, a stall, or an echo still
 * missing after the run is an error, never a figure.
 *
 * <p>Timed runs: a warm-up, then the measurement window (echoes completed inside it are counted and their round
 * trips recorded), then a drain in which nothing new is sent and every message in flight must come back.
 * Counted runs: each connection sends a fixed number of messages and all must come back.
 */
public final class EchoLoad {
    /** Masking key of every frame we send (RFC 6455 §5.3; servers cannot tell it is constant). */
    static final int MASK_KEY = 0x5A17C0DE;
    private static final long STALL_NANOS = Duration.ofSeconds(15).toNanos();

    /**
     * @param inFlight messages in flight per connection
     * @param traffic the messages and how their echoes are checked
     * @param raw the target is a raw TCP echo: echoes are our own masked frames
     * @param warmup time before the window (timed runs)
     * @param measure the window (timed runs)
     * @param perConnection messages per connection (counted runs); 0 for a timed run
     */
    public record Plan(int inFlight, Traffic traffic, boolean raw, Duration warmup, Duration measure,
            long perConnection) {
        public static Plan timed(Scenario s, boolean raw, Duration warmup, Duration measure) {
            return new Plan(s.inFlight(), s.traffic(), raw, warmup, measure, 0);
        }

        public static Plan counted(Scenario s, boolean raw, long perConnection) {
            return new Plan(s.inFlight(), s.traffic(), raw, Duration.ZERO, Duration.ZERO, perConnection);
        }
    }

    private final Plan plan;
    private final Selector selector;
    private final Stream[] streams;
    private final Histogram rtt = new Histogram(60_000_000_000L, 3);
    private long windowStart;
    private long windowEnd;
    private long counted;
    private boolean draining;

    private EchoLoad(List<SocketChannel> channels, Plan plan) throws IOException {
        this.plan = plan;
        this.selector = Selector.open();
        this.streams = new Stream[channels.size()];
        for (int i = 0; i < streams.length; i++) {
            SocketChannel ch = channels.get(i);
            ch.configureBlocking(false);
            Traffic.Connection traffic = plan.traffic().connection(i, plan.raw(), plan.inFlight());
            int in = Math.clamp(2L * traffic.out().capacity(), 4096, 256 * 1024);
            streams[i] = new Stream(ch, traffic, ByteBuffer.allocateDirect(in), plan.inFlight());
            streams[i].key = ch.register(selector, SelectionKey.OP_READ, streams[i]);
        }
    }

    /** Runs the plan over connections that are open (and upgraded unless raw); does not close them. */
    public static LoadResult run(List<SocketChannel> channels, Plan plan) {
        try {
            EchoLoad load = new EchoLoad(channels, plan);
            try {
                return load.loop();
            } finally {
                load.selector.close();
            }
        } catch (EchoException | IOException e) {
            return LoadResult.failed(e.getMessage());
        }
    }

    private LoadResult loop() throws IOException {
        long start = System.nanoTime();
        windowStart = start + plan.warmup().toNanos();
        windowEnd = plan.perConnection() > 0 ? Long.MAX_VALUE : windowStart + plan.measure().toNanos();
        long lastProgress = start;
        for (Stream s : streams) {
            s.credits = plan.inFlight();
            send(s, start);
        }
        while (true) {
            long now = System.nanoTime();
            if (now >= windowEnd) {
                draining = true;
            }
            if (done()) {
                break;
            }
            if (now - lastProgress > STALL_NANOS) {
                throw new EchoException(missing() + " echoes missing: no echo for "
                        + STALL_NANOS / 1_000_000_000 + " s" + (draining ? " after the window" : "") + stalled());
            }
            if (selector.select(100) == 0) {
                continue;
            }
            now = System.nanoTime();
            for (SelectionKey key : selector.selectedKeys()) {
                Stream s = (Stream) key.attachment();
                if (key.isReadable() && read(s, now)) {
                    lastProgress = now;
                }
                if (key.isWritable()) {
                    write(s);
                }
                send(s, now);
            }
            selector.selectedKeys().clear();
        }
        double seconds = plan.perConnection() > 0 ? (System.nanoTime() - start) / 1e9 : plan.measure().toNanos() / 1e9;
        long messages = plan.perConnection() > 0 ? plan.perConnection() * streams.length : counted;
        return new LoadResult(messages, seconds, plan.traffic().size(), rtt.getValueAtPercentile(50),
                rtt.getValueAtPercentile(99), null);
    }

    private boolean done() {
        if (!draining && plan.perConnection() == 0) {
            return false;
        }
        for (Stream s : streams) {
            if (s.traffic.next() != s.sent || plan.perConnection() > 0 && s.sent < plan.perConnection()) {
                return false;
            }
        }
        return true;
    }

    /** Where the first stalled connection stands: did any part of the missing echo arrive? */
    private String stalled() {
        for (Stream s : streams) {
            if (s.sent != s.traffic.next()) {
                return "; " + s.traffic + " has " + (s.sent - s.traffic.next()) + " of " + s.sent
                        + " messages unanswered, " + s.in.position() + " bytes of the next echo buffered"
                        + (s.inMessage ? " (inside a frame)" : "");
            }
        }
        return "";
    }

    private long missing() {
        long n = 0;
        for (Stream s : streams) {
            n += s.sent - s.traffic.next();
        }
        return n;
    }

    /** Sends as many messages as the stream has credits for, unless a previous batch is still being written. */
    private void send(Stream s, long now) throws IOException {
        if (s.out.hasRemaining() || draining || s.credits == 0) {
            return;
        }
        long max = s.credits;
        if (plan.perConnection() > 0) {
            max = Math.min(max, plan.perConnection() - s.sent);
        }
        if (max <= 0) {
            return;
        }
        int n = s.traffic.fill(s.sent, (int) max);
        for (int i = 0; i < n; i++) {
            s.sentAt[(int) ((s.sent + i) % s.sentAt.length)] = now;
        }
        s.sent += n;
        s.credits -= n;
        write(s);
    }

    private void write(Stream s) throws IOException {
        s.channel.write(s.out);
        boolean wantWrite = s.out.hasRemaining();
        if (wantWrite != s.writeInterest) {
            s.writeInterest = wantWrite;
            s.key.interestOps(SelectionKey.OP_READ | (wantWrite ? SelectionKey.OP_WRITE : 0));
        }
    }

    /** Reads and checks what arrived; true if any echo completed. */
    private boolean read(Stream s, long now) throws IOException {
        int n = s.channel.read(s.in);
        if (n < 0) {
            throw new EchoException(s.traffic + " closed by the server with " + (s.sent - s.traffic.next())
                    + " echoes missing (message " + s.traffic.next() + " next)");
        }
        ByteBuffer in = s.in.flip();
        long before = s.traffic.next();
        while (parse(s, in, now)) {
            // one frame or payload piece at a time
        }
        in.compact();
        return s.traffic.next() != before;
    }

    /** Parses one header or one piece of payload from {@code in}; false when more bytes are needed. */
    private boolean parse(Stream s, ByteBuffer in, long now) {
        if (s.frameRemaining == 0 && !s.inPayload) {
            if (!readHeader(s, in)) {
                return false;
            }
        }
        int n = (int) Math.min(in.remaining(), s.frameRemaining);
        if (n > 0) {
            s.traffic.chunk(in, in.position(), n);
            in.position(in.position() + n);
            s.frameRemaining -= n;
        }
        if (s.frameRemaining > 0) {
            return false;
        }
        s.inPayload = false;
        if (s.frameFin) {
            long seq = s.traffic.end();
            s.inMessage = false;
            s.credits++;
            if (now >= windowStart && now < windowEnd) {
                counted++;
                rtt.recordValue(Math.max(0, now - s.sentAt[(int) (seq % s.sentAt.length)]));
            }
        }
        return true;
    }

    /** Reads a frame header if it is all there (RFC 6455 §5.2), checking it is one we can expect. */
    private boolean readHeader(Stream s, ByteBuffer in) {
        int p = in.position();
        if (in.remaining() < 2) {
            return false;
        }
        int b0 = in.get(p) & 0xFF;
        int b1 = in.get(p + 1) & 0xFF;
        int len7 = b1 & 0x7F;
        int extra = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
        boolean masked = (b1 & 0x80) != 0;
        int headerLength = 2 + extra + (masked ? 4 : 0);
        if (in.remaining() < headerLength) {
            return false;
        }
        if (!masked && (b0 & 0x8F) == 0x89 && len7 <= 125) {
            // a keepalive Ping (RFC 6455 §5.5.2), between frames or between the frames of a message (§5.4): the
            // echo scenarios' connections live seconds, so it goes unanswered; skipped whole once it is all here
            if (in.remaining() < headerLength + len7) {
                return false;
            }
            in.position(p + headerLength + len7);
            return readHeader(s, in);
        }
        String where = s.traffic + " message " + s.traffic.next();
        if (masked != plan.raw()) {
            throw new EchoException(where + ": echo frame is " + (masked ? "masked" : "not masked"));
        }
        int opcode = b0 & 0x0F;
        int want = s.inMessage ? 0 : plan.traffic().text() ? 1 : 2;
        int rsv = s.traffic.rsv(!s.inMessage);
        if (opcode != want) {
            throw new EchoException(where + ": unexpected frame 0x" + Integer.toHexString(b0)
                    + " (opcode " + want + " expected)" + closeDetails(opcode, in, p + headerLength));
        }
        if ((b0 & 0x70) != rsv) {
            throw new EchoException(where + ": echo frame 0x" + Integer.toHexString(b0) + " has RSV bits 0x"
                    + Integer.toHexString(b0 & 0x70) + ", 0x" + Integer.toHexString(rsv) + " expected"
                    + (rsv == 0x40 ? " (a compressed message, RFC 7692 §6)" : ""));
        }
        long length = len7;
        if (extra == 2) {
            length = in.getShort(p + 2) & 0xFFFF;
        } else if (extra == 8) {
            length = in.getLong(p + 2);
        }
        if (masked && in.getInt(p + 2 + extra) != MASK_KEY) {
            throw new EchoException(where + ": raw echo has another masking key");
        }
        in.position(p + headerLength);
        s.frameRemaining = length;
        s.frameFin = (b0 & 0x80) != 0;
        s.inMessage = true;
        s.inPayload = length > 0;
        return true;
    }

    private static String closeDetails(int opcode, ByteBuffer in, int at) {
        return opcode == 8 && in.limit() >= at + 2 ? "; server sent CLOSE " + (in.getShort(at) & 0xFFFF) : "";
    }

    /** One connection's state. */
    private static final class Stream {
        final SocketChannel channel;
        final Traffic.Connection traffic;
        final ByteBuffer out;
        final ByteBuffer in;
        final long[] sentAt;
        SelectionKey key;
        boolean writeInterest;
        long sent;
        int credits;
        long frameRemaining;
        boolean frameFin;
        boolean inMessage;
        boolean inPayload;

        Stream(SocketChannel channel, Traffic.Connection traffic, ByteBuffer in, int inFlight) {
            this.channel = channel;
            this.traffic = traffic;
            this.out = traffic.out().limit(0);
            this.in = in;
            this.sentAt = new long[inFlight];
        }
    }
}
