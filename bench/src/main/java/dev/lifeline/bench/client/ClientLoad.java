package dev.lifeline.bench.client;

import dev.lifeline.bench.load.EchoCheck;
import dev.lifeline.bench.load.EchoException;
import dev.lifeline.bench.load.LoadResult;
import dev.lifeline.bench.load.Payload;
import dev.lifeline.bench.load.Scenario;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Drives a client library through a scenario against an echo server, the way {@code EchoLoad} drives servers:
 * each connection keeps {@code inFlight} messages in flight, sending the next one from the library's own receive
 * callback; every echo is checked byte for byte and in order; after the window nothing new is sent and every
 * message in flight must come back. Binary messages are sent from a ring of {@code inFlight + 1} buffers per
 * connection, so no library is charged for our copies.
 */
public final class ClientLoad {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    private static final long STALL_NANOS = Duration.ofSeconds(15).toNanos();

    private final Scenario scenario;
    private final Payload payload;
    private final LongAdder counted = new LongAdder();
    private final LongAdder echoed = new LongAdder();
    private final AtomicReference<String> error = new AtomicReference<>();
    private volatile long windowStart = Long.MAX_VALUE;
    private volatile long windowEnd = Long.MAX_VALUE;
    private volatile boolean stopping;

    private ClientLoad(Scenario scenario) {
        this.scenario = scenario;
        this.payload = scenario.payload();
    }

    /** Runs {@code scenario} with {@code library} against the echo server at {@code uri}. */
    public static LoadResult run(ClientLibrary library, URI uri, Scenario scenario, Duration warmup,
            Duration measure) {
        return new ClientLoad(scenario).drive(library, uri, warmup, measure);
    }

    private LoadResult drive(ClientLibrary library, URI uri, Duration warmup, Duration measure) {
        List<Stream> streams = new ArrayList<>();
        try {
            for (int i = 0; i < scenario.connections(); i++) {
                Stream s = new Stream(i);
                s.link = library.connect(uri, s);
                streams.add(s);
            }
            long start = System.nanoTime();
            windowStart = start + warmup.toNanos();
            windowEnd = windowStart + measure.toNanos();
            for (Stream s : streams) {
                for (int k = 0; k < scenario.inFlight(); k++) {
                    s.sendNext();
                }
            }
            awaitProgress(() -> System.nanoTime() >= windowEnd, streams);
            stopping = true;
            awaitProgress(() -> streams.stream().allMatch(Stream::drained), streams);
            return error.get() != null ? LoadResult.failed(error.get())
                    : new LoadResult(counted.sum(), measure.toNanos() / 1e9, payload.size(), 0, 0, null);
        } catch (EchoException e) {
            return LoadResult.failed(e.getMessage());
        } catch (Exception e) {
            return LoadResult.failed(error.get() != null ? error.get() : e.toString());
        } finally {
            stopping = true;
            streams.forEach(s -> s.link.abort());
        }
    }

    /** Waits until {@code done}, failing on an error or when no echo arrives for a while. */
    private void awaitProgress(java.util.function.BooleanSupplier done, List<Stream> streams)
            throws InterruptedException {
        long last = echoed.sum();
        long lastChange = System.nanoTime();
        while (!done.getAsBoolean()) {
            if (error.get() != null) {
                throw new EchoException(error.get());
            }
            Thread.sleep(10);
            long now = echoed.sum();
            if (now != last) {
                last = now;
                lastChange = System.nanoTime();
            } else if (System.nanoTime() - lastChange > STALL_NANOS) {
                long missing = streams.stream().mapToLong(Stream::inFlight).sum();
                throw new EchoException(missing + " echoes missing: no echo for " + STALL_NANOS / 1_000_000_000 + " s");
            }
        }
    }

    /** One connection: sends from the ring, checks what comes back. */
    private final class Stream implements ClientLibrary.Receiver {
        private final EchoCheck check;
        private final ReentrantLock sending = new ReentrantLock();
        private final ByteBuffer[] ring;
        private ClientLibrary.Link link;
        private volatile long sent;
        private volatile long received;

        Stream(int index) {
            this.check = new EchoCheck(payload, "connection " + index);
            this.ring = new ByteBuffer[payload.text() ? 0 : scenario.inFlight() + 1];
            for (int i = 0; i < ring.length; i++) {
                ring[i] = ByteBuffer.wrap(payload.bytes(0));
            }
        }

        void sendNext() {
            sending.lock();
            try {
                if (stopping) {
                    return;
                }
                long seq = sent;
                if (payload.text()) {
                    link.sendText(payload.string(seq));
                } else {
                    ByteBuffer b = ring[(int) (seq % ring.length)];
                    payload.writeSeq(seq, b.array());
                    link.sendBinary(b.duplicate());
                }
                sent = seq + 1;
            } finally {
                sending.unlock();
            }
        }

        boolean drained() {
            return received == sent;
        }

        long inFlight() {
            return sent - received;
        }

        @Override
        public void text(CharSequence text) {
            try {
                check.text(text);
                echoed();
            } catch (RuntimeException e) {
                failed(e);
            }
        }

        @Override
        public void binary(ByteBuffer piece, boolean last) {
            try {
                check.chunk(piece);
                if (last) {
                    check.end();
                    echoed();
                }
            } catch (RuntimeException e) {
                failed(e);
            }
        }

        private void echoed() {
            long now = System.nanoTime();
            received++;
            echoed.increment();
            if (now >= windowStart && now < windowEnd) {
                counted.increment();
            }
            sendNext();
        }

        @Override
        public void failed(Throwable cause) {
            if (!stopping || cause instanceof EchoException) {
                error.compareAndSet(null, cause instanceof EchoException ? cause.getMessage() : cause.toString());
            }
        }
    }
}
