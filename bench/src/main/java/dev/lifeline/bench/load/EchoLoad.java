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
 * {@code inFlight} messages in flight; their masked frames are encoded once, and sending a message only patches its
 * sequence number into a prebuilt frame, so the generator allocates nothing per message. Every echo is parsed and
 * compared byte for byte with what was sent ({@link EchoCheck}); a wrong echo, a stall, or an echo still missing
 * after the run is an error, never a figure.
 *
 * <p>Timed runs: a warm-up, then the measurement window (echoes completed inside it are counted and their round
 * trips recorded), then a drain in which nothing new is sent and every message in flight must come back.
 * Counted runs: each connection sends a fixed number of messages and all must come back.
 */
public final class EchoLoad {
    /** Masking key of every frame we send (RFC 6455 §5.3; servers cannot tell it is constant). */
    static final int MASK_KEY = 0x5A17C0DE;
    private static final long STALL_NANOS = Duration.ofSeconds(15).toNanos();
    private static final int BATCH_BYTES = 64 * 1024;

    /**
     * @param inFlight messages in flight per connection
     * @param payload the messages' content
     * @param raw the target is a raw TCP echo: echoes are our own masked frames
     * @param warmup time before the window (timed runs)
     * @param measure the window (timed runs)
     * @param perConnection messages per connection (counted runs); 0 for a timed run
     */
    public record Plan(int inFlight, Payload payload, boolean raw, Duration warmup, Duration measure,
            long perConnection) {
        public static Plan timed(Scenario s, boolean raw, Duration warmup, Duration measure) {
            return new Plan(s.inFlight(), s.payload(), raw, warmup, measure, 0);
        }

        public static Plan counted(Scenario s, boolean raw, long perConnection) {
            return new Plan(s.inFlight(), s.payload(), raw, Duration.ZERO, Duration.ZERO, perConnection);
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
        Payload masked = plan.payload().masked(MASK_KEY);
        Payload expected = plan.raw() ? masked : plan.payload();
        ByteBuffer frames = ClientFrames.build(masked, plan.payload().text(),
                Math.clamp(BATCH_BYTES / ClientFrames.length(masked.size()), 1, plan.inFlight()));
        for (int i = 0; i < streams.length; i++) {
            SocketChannel ch = channels.get(i);
            ch.configureBlocking(false);
            ByteBuffer out = i == 0 ? frames : copyOf(frames);
            int in = Math.clamp(2L * out.capacity(), 4096, 256 * 1024);
            streams[i] = new Stream(ch, out, masked, new EchoCheck(expected, "connection " + i),
                    ByteBuffer.allocateDirect(in), plan.inFlight());
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
        return new LoadResult(messages, seconds, plan.payload().size(), rtt.getValueAtPercentile(50),
                rtt.getValueAtPercentile(99), null);
    }

    private boolean done() {
        if (!draining && plan.perConnection() == 0) {
            return false;
        }
        for (Stream s : streams) {
            if (s.check.next() != s.sent || plan.perConnection() > 0 && s.sent < plan.perConnection()) {
                return false;
            }
        }
        return true;
    }

    /** Where the first stalled connection stands: did any part of the missing echo arrive? */
    private String stalled() {
        for (Stream s : streams) {
            if (s.sent != s.check.next()) {
                return "; " + s.check + " has " + (s.sent - s.check.next()) + " of " + s.sent
                        + " messages unanswered, " + s.in.position() + " bytes of the next echo buffered"
                        + (s.inMessage ? " (inside a frame)" : "");
            }
        }
        return "";
    }

    private long missing() {
        long n = 0;
        for (Stream s : streams) {
            n += s.sent - s.check.next();
        }
        return n;
    }

    /** Sends as many messages as the stream has credits for, unless a previous batch is still being written. */
    private void send(Stream s, long now) throws IOException {
        if (s.out.hasRemaining() || draining || s.credits == 0) {
            return;
        }
        long n = Math.min(s.credits, s.framesPerBatch);
        if (plan.perConnection() > 0) {
            n = Math.min(n, plan.perConnection() - s.sent);
        }
        if (n <= 0) {
            return;
        }
        s.out.clear();
        for (int i = 0; i < n; i++) {
            long seq = s.sent + i;
            s.masked.writeSeq(seq, s.out, i * s.frameLength + s.headerLength);
            s.sentAt[(int) (seq % s.sentAt.length)] = now;
        }
        s.sent += n;
        s.credits -= (int) n;
        s.out.limit((int) n * s.frameLength).position(0);
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
            throw new EchoException(s.check + " closed by the server with " + (s.sent - s.check.next())
                    + " echoes missing (message " + s.check.next() + " next)");
        }
        ByteBuffer in = s.in.flip();
        long before = s.check.next();
        while (parse(s, in, now)) {
            // one frame or payload piece at a time
        }
        in.compact();
        return s.check.next() != before;
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
            s.check.chunk(in, in.position(), n);
            in.position(in.position() + n);
            s.frameRemaining -= n;
        }
        if (s.frameRemaining > 0) {
            return false;
        }
        s.inPayload = false;
        if (s.frameFin) {
            long seq = s.check.end();
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
        String where = s.check + " message " + s.check.next();
        if (masked != plan.raw()) {
            throw new EchoException(where + ": echo frame is " + (masked ? "masked" : "not masked"));
        }
        int opcode = b0 & 0x0F;
        int want = s.inMessage ? 0 : plan.payload().text() ? 1 : 2;
        if (opcode != want || (b0 & 0x70) != 0) {
            throw new EchoException(where + ": unexpected frame 0x" + Integer.toHexString(b0)
                    + " (opcode " + want + " expected)" + closeDetails(opcode, in, p + headerLength));
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

    private static ByteBuffer copyOf(ByteBuffer b) {
        ByteBuffer c = ByteBuffer.allocateDirect(b.capacity());
        c.put(b.duplicate().clear()).clear();
        return c.limit(0);
    }

    /** One connection's state. */
    private static final class Stream {
        final SocketChannel channel;
        final ByteBuffer out;
        final Payload masked;
        final EchoCheck check;
        final ByteBuffer in;
        final int frameLength;
        final int headerLength;
        final int framesPerBatch;
        final long[] sentAt;
        SelectionKey key;
        boolean writeInterest;
        long sent;
        int credits;
        long frameRemaining;
        boolean frameFin;
        boolean inMessage;
        boolean inPayload;

        Stream(SocketChannel channel, ByteBuffer out, Payload masked, EchoCheck check, ByteBuffer in, int inFlight) {
            this.channel = channel;
            this.out = out;
            this.masked = masked;
            this.check = check;
            this.in = in;
            this.frameLength = ClientFrames.length(masked.size());
            this.headerLength = frameLength - masked.size();
            this.framesPerBatch = out.capacity() / frameLength;
            this.sentAt = new long[inFlight];
        }
    }
}
