package dev.lifeline.bench.load;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * The broadcast fan-out scenario's load: one of the open connections publishes text messages (32 bytes to 64 KiB), and the server under
 * test (in its broadcast mode) sends each to every connection, the publisher's included; this generator reads them
 * all on one selector and checks each connection's messages arrive in publishing order.
 *
 * <p>Each message carries its sequence number and the {@link System#nanoTime()} of its publication (this JVM's
 * clock: publisher and subscribers are here), as 32 hexadecimal digits, padded to the message size. The rate
 * doubles each step (from {@link Plan#firstRate}) until a step delivers less than 90 % of what it published to the
 * subscribers, or a server skips messages for some subscriber (its bounded queue was full): the best step's
 * deliveries per second are the saturation figure. Then, after the backlog has drained, messages are published at
 * half the rate that figure means per subscriber, and every delivery's publish-to-receive time goes into the
 * latency histogram ({@link #run}). {@link #latencyAt} publishes at a rate given instead (the comparison's common
 * rate, the same for every server): a warm-up of one step's length, then the latency phase.
 *
 * <p>Latency is from the instant the publisher's frame is built, just before it is written, to the instant this
 * generator has read and checked each delivery: it includes the generator's own reading of the connections one
 * after another on one thread, the same for every server. Each step and the latency phase sample how busy each
 * core was ({@link CoreLoad}), which tells whether the generator's core, not the server's, was the limit.
 *
 * <p>A subscriber that gets a message out of order, twice, or not a message of ours is an error, never a figure. A
 * message a server skipped for a subscriber (a later one arrived first) is counted as dropped.
 */
public final class BroadcastLoad {
    /** Hexadecimal digits of the sequence number, then as many of the publication time. */
    private static final int DIGITS = 16;
    /** How far the deliveries may trail the publications at the end of a step before it counts as saturated. */
    private static final double KEPT_UP = 0.9;
    /** The largest message: a server frame's length in 16 bits. */
    public static final int MAX_SIZE = 0xFFFF;
    /** A ramp that no server ends before: far beyond what one core publishes. */
    public static final int UNBOUNDED = 1 << 24;

    /**
     * @param size message size in bytes, 32 to 65,535 (a server frame with a 7- or 16-bit length, RFC 6455 §5.2)
     * @param firstRate messages per second of the first step
     * @param lastRate the ramp's last step, should no server saturate before ({@link #UNBOUNDED} in the bench)
     * @param step how long each step of the ramp publishes
     * @param latency how long the latency phase publishes (at half the saturation rate, or the rate given)
     * @param drain how long to wait for what was published to arrive, after the ramp and at the end
     */
    public record Plan(int size, int firstRate, int lastRate, Duration step, Duration latency, Duration drain) {
        public Plan {
            if (size < 2 * DIGITS || size > MAX_SIZE) {
                throw new IllegalArgumentException("message size " + size + " not within 32.." + MAX_SIZE + " bytes");
            }
        }
    }

    /**
     * What the run measured. {@code error} is empty when every delivery was checked and the run completed.
     *
     * @param deliveriesPerSecond the best step's messages received per second, summed over the subscribers
     * @param saturationRate the publication rate of that step (messages per second; the latency phase publishes at
     *        half of {@code deliveriesPerSecond / subscribers})
     * @param dropped deliveries a server skipped (for subscribers it found too slow), over the whole run
     */
    public record Result(int subscribers, double deliveriesPerSecond, int saturationRate, long p50Nanos,
            long p99Nanos, long dropped, List<Step> steps, String error) {
        public boolean ok() {
            return error.isEmpty();
        }

        static Result failed(int subscribers, String error) {
            return new Result(subscribers, 0, 0, 0, 0, 0, List.of(), error);
        }
    }

    /**
     * One step of the ramp, or the latency phase.
     *
     * @param text what it published and what arrived
     * @param coresBusy each core's busy share (0 to 1) meanwhile, in the order of {@code /proc/stat}; empty if unknown
     */
    public record Step(String text, List<Double> coresBusy) {
    }

    /**
     * What {@link #latencyAt} measured; {@code error} is empty when every delivery was checked.
     *
     * @param messagesPerSecond the rate published
     * @param deliveriesPerSecond deliveries received per second during the latency phase
     * @param phase the latency phase, with the cores' busy shares
     */
    public record Latency(int subscribers, double messagesPerSecond, double deliveriesPerSecond, long p50Nanos,
            long p99Nanos, long dropped, Step phase, String error) {
        public boolean ok() {
            return error.isEmpty();
        }
    }

    private final List<SocketChannel> channels;
    private final Plan plan;
    private final Selector selector;
    private final Subscriber[] subscribers;
    private final ByteBuffer in = ByteBuffer.allocateDirect(1 << 16);
    private final ByteBuffer frame;
    private final byte[] payload;
    private final Histogram latency = new Histogram(Duration.ofSeconds(60).toNanos(), 3);
    /** The first message whose deliveries' latency is recorded: none until a latency phase starts. */
    private long recordFrom = Long.MAX_VALUE;
    private long published;
    private long delivered;
    private long dropped;
    private String error = "";

    private BroadcastLoad(List<SocketChannel> channels, Plan plan) throws IOException {
        this.channels = channels;
        this.plan = plan;
        this.selector = Selector.open();
        this.subscribers = new Subscriber[channels.size()];
        this.frame = ByteBuffer.allocate(ClientFrames.length(plan.size()));
        this.payload = new byte[plan.size()];
        for (int i = 0; i < channels.size(); i++) {
            SocketChannel ch = channels.get(i);
            ch.configureBlocking(false);
            subscribers[i] = new Subscriber();
            ch.register(selector, SelectionKey.OP_READ, subscribers[i]);
        }
    }

    /**
     * Runs the ramp and the latency phase over {@code channels} (open WebSocket connections to a server in broadcast
     * mode; the first one publishes). Leaves the channels open.
     */
    public static Result run(List<SocketChannel> channels, Plan plan) throws IOException {
        BroadcastLoad load = open(channels, plan);
        try {
            return load.run();
        } finally {
            load.close();
        }
    }

    /**
     * Publishes at {@code messagesPerSecond} over {@code channels} (as {@link #run}'s) for one step of the plan, not
     * recorded, waits for it to arrive, then for the plan's latency phase, recording every delivery's latency.
     * Leaves the channels open.
     */
    public static Latency latencyAt(List<SocketChannel> channels, Plan plan, double messagesPerSecond)
            throws IOException {
        if (!(messagesPerSecond > 0)) {
            throw new IllegalArgumentException("rate " + messagesPerSecond + " msg/s");
        }
        BroadcastLoad load = open(channels, plan);
        try {
            return load.latencyAt(messagesPerSecond);
        } finally {
            load.close();
        }
    }

    private static BroadcastLoad open(List<SocketChannel> channels, Plan plan) throws IOException {
        if (channels.isEmpty()) {
            throw new IllegalArgumentException("no connections");
        }
        return new BroadcastLoad(channels, plan);
    }

    private void close() throws IOException {
        selector.close();
        for (SocketChannel ch : channels) {
            ch.configureBlocking(true); // the caller may use them again, or abort them
        }
    }

    private Latency latencyAt(double rate) throws IOException {
        int n = subscribers.length;
        publishFor(rate, plan.step());
        boolean warmedUp = awaitDrained(plan.drain());
        recordFrom = published + 1; // a warm-up message still arriving is not in the figure
        long deliveredBefore = delivered;
        CoreLoad before = CoreLoad.sample();
        long start = System.nanoTime();
        publishFor(rate, plan.latency());
        double perSecond = (delivered - deliveredBefore) / ((System.nanoTime() - start) / 1e9);
        Step phase = new Step(String.format(Locale.ROOT, "%,.2f msg/s: %,.0f deliveries/s%s", rate, perSecond,
                warmedUp ? "" : " (the warm-up had not drained " + plan.drain() + " after it)"),
                CoreLoad.sample().busySince(before));
        awaitDrained(plan.drain());
        String failure = error.isEmpty() ? missing() : error;
        return new Latency(n, rate, failure.isEmpty() ? perSecond : 0, latency.getValueAtPercentile(50),
                latency.getValueAtPercentile(99), dropped, phase, failure);
    }

    /** The deliveries neither received nor skipped by the server after the drain, as an error, or "". */
    private String missing() {
        long missing = published * subscribers.length - delivered - dropped;
        return missing > 0 ? String.format(Locale.ROOT, "%,d deliveries missing %s after the end", missing,
                plan.drain()) : "";
    }

    private Result run() throws IOException {
        int n = subscribers.length;
        List<Step> steps = new ArrayList<>();
        double best = 0;
        int bestRate = 0;
        for (int rate = plan.firstRate(); error.isEmpty() && rate <= plan.lastRate(); rate *= 2) {
            long publishedBefore = published;
            long deliveredBefore = delivered;
            long droppedBefore = dropped;
            CoreLoad before = CoreLoad.sample();
            long start = System.nanoTime();
            publishFor(rate, plan.step());
            double seconds = (System.nanoTime() - start) / 1e9;
            long expected = (published - publishedBefore) * n;
            long got = delivered - deliveredBefore;
            double perSecond = got / seconds;
            boolean skipped = dropped > droppedBefore;
            steps.add(new Step(String.format(Locale.ROOT, "%,d msg/s: %,.0f deliveries/s (%.0f %% of %,d)%s", rate,
                    perSecond, 100.0 * got / Math.max(1, expected), expected, skipped ? ", "
                            + (dropped - droppedBefore) + " dropped" : ""), CoreLoad.sample().busySince(before)));
            if (perSecond > best) {
                best = perSecond;
                bestRate = rate;
            }
            if (got < KEPT_UP * expected || skipped) {
                break;
            }
        }
        if (!awaitDrained(plan.drain())) {
            steps.add(new Step("the backlog had not drained " + plan.drain() + " after the ramp", List.of()));
        }
        if (!error.isEmpty()) {
            return Result.failed(n, error);
        }
        recordFrom = published + 1; // nor one of the ramp's backlog
        publishFor(best / n / 2, plan.latency());
        awaitDrained(plan.drain());
        String failure = error.isEmpty() ? missing() : error;
        if (!failure.isEmpty()) {
            return Result.failed(n, failure);
        }
        return new Result(n, best, bestRate, latency.getValueAtPercentile(50), latency.getValueAtPercentile(99),
                dropped, steps, "");
    }

    /** Publishes at {@code rate} messages per second for {@code duration}, reading whatever arrives meanwhile. */
    private void publishFor(double rate, Duration duration) throws IOException {
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        long sent = 0;
        while (error.isEmpty()) {
            long now = System.nanoTime();
            if (now >= end) {
                return;
            }
            long due = (long) ((now - start) / 1e9 * rate) + 1;
            while (sent < due && error.isEmpty()) {
                publish();
                sent++;
            }
            read(1);
        }
    }

    /**
     * Waits at most {@code bound} until every subscriber has every message published (or a later one); false if
     * some had not.
     */
    private boolean awaitDrained(Duration bound) throws IOException {
        long end = System.nanoTime() + bound.toNanos();
        while (error.isEmpty() && delivered + dropped < published * subscribers.length && System.nanoTime() < end) {
            read(10);
        }
        return delivered + dropped >= published * subscribers.length;
    }

    private void publish() throws IOException {
        long seq = ++published;
        writeHex(payload, 0, seq);
        writeHex(payload, DIGITS, System.nanoTime());
        for (int i = 2 * DIGITS; i < payload.length; i++) {
            payload[i] = 'x';
        }
        frame.clear();
        ClientFrames.putHeader(frame, 0x81, payload.length);
        int key = EchoLoad.MASK_KEY;
        for (int i = 0; i < payload.length; i++) {
            frame.put((byte) (payload[i] ^ (key >>> (24 - 8 * (i & 3)))));
        }
        frame.flip();
        SocketChannel publisher = channels.get(0);
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (frame.hasRemaining()) {
            if (publisher.write(frame) == 0) {
                if (System.nanoTime() > deadline) {
                    error = "the publisher's connection took no bytes for 5 s";
                    return;
                }
                read(0); // the server may be waiting for us to read
            }
        }
    }

    private void read(long timeoutMillis) throws IOException {
        int ready = timeoutMillis == 0 ? selector.selectNow() : selector.select(timeoutMillis);
        if (ready == 0) {
            return;
        }
        for (SelectionKey key : selector.selectedKeys()) {
            Subscriber s = (Subscriber) key.attachment();
            SocketChannel ch = (SocketChannel) key.channel();
            in.clear();
            int n = ch.read(in);
            if (n < 0) {
                error = "a subscriber's connection was closed by the server";
                key.cancel();
                continue;
            }
            in.flip();
            s.feed(in);
            if (!error.isEmpty()) {
                break;
            }
        }
        selector.selectedKeys().clear();
    }

    private static void writeHex(byte[] to, int at, long value) {
        for (int i = DIGITS - 1; i >= 0; i--) {
            int d = (int) (value & 0xF);
            to[at + i] = (byte) (d < 10 ? '0' + d : 'a' + d - 10);
            value >>>= 4;
        }
    }

    private static long readHex(byte[] from, int at) {
        long v = 0;
        for (int i = 0; i < DIGITS; i++) {
            int c = from[at + i];
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
            if (d < 0) {
                return -1;
            }
            v = v << 4 | d;
        }
        return v;
    }

    /**
     * The length of the frame at {@code at} in {@code b}, header included (RFC 6455 §5.2: a 7-bit length, or 126 and
     * a 16-bit one), or -1 if fewer than its header's bytes are there. A 64-bit length is an error here.
     */
    private int frameLength(ByteBuffer b, int at, int available) {
        if (available < 2) {
            return -1;
        }
        int length = b.get(at + 1) & 0x7F;
        if (length < 126) {
            return 2 + length;
        }
        if (length == 127) {
            error = "unexpected frame from the server: a 64-bit length";
            return -1;
        }
        return available < 4 ? -1 : 4 + ((b.get(at + 2) & 0xFF) << 8 | (b.get(at + 3) & 0xFF));
    }

    /** One connection's reading: the server's frames (unmasked, RFC 6455 §5.1), split anywhere across reads. */
    private final class Subscriber {
        /** Bytes of an incomplete frame kept from the previous read. */
        private final ByteBuffer partial = ByteBuffer.allocate(4 + plan.size());
        private final byte[] message = new byte[plan.size()];
        private long last;

        void feed(ByteBuffer bytes) {
            while (bytes.hasRemaining() && error.isEmpty()) {
                if (partial.position() > 0) {
                    int total;
                    while ((total = frameLength(partial, 0, partial.position())) < 0 && bytes.hasRemaining()
                            && error.isEmpty()) {
                        partial.put(bytes.get());
                    }
                    if (total < 0 || !fits(total)) {
                        return; // the rest of the header comes with a later read, or an error was set
                    }
                    int take = Math.min(bytes.remaining(), total - partial.position());
                    partial.put(bytes.slice(bytes.position(), take));
                    bytes.position(bytes.position() + take);
                    if (partial.position() < total) {
                        return; // the rest comes with a later read
                    }
                    partial.flip();
                    frame(partial);
                    partial.clear();
                    continue;
                }
                int total = frameLength(bytes, bytes.position(), bytes.remaining());
                if (total < 0 || bytes.remaining() < total) {
                    if (error.isEmpty() && (total < 0 || fits(total))) {
                        partial.put(bytes);
                    }
                    return;
                }
                frame(bytes);
            }
        }

        /** Whether a frame of {@code total} bytes can be one of ours; sets the error if not. */
        private boolean fits(int total) {
            if (total > partial.capacity()) {
                error = "unexpected frame from the server: " + total + " bytes";
                return false;
            }
            return true;
        }

        /** Takes one whole frame, of a 7- or 16-bit length, from {@code b}. */
        private void frame(ByteBuffer b) {
            int b0 = b.get() & 0xFF;
            int b1 = b.get() & 0xFF;
            int length = b1 & 0x7F;
            if (length == 126) {
                length = (b.get() & 0xFF) << 8 | (b.get() & 0xFF);
            }
            if (b0 != 0x81 || (b1 & 0x80) != 0 || length != plan.size()) {
                error = String.format(Locale.ROOT, "unexpected frame from the server: %02x %02x, %d bytes", b0, b1,
                        length);
                return;
            }
            b.get(message, 0, length);
            long seq = readHex(message, 0);
            long sentAt = readHex(message, DIGITS);
            if (seq <= last || seq > published || sentAt < 0) {
                error = "a subscriber got message " + seq + " after " + last + " (published: " + published + ")";
                return;
            }
            dropped += seq - last - 1;
            last = seq;
            delivered++;
            if (seq >= recordFrom) {
                latency.recordValue(Math.max(0, System.nanoTime() - sentAt));
            }
        }
    }
}
