package dev.lifeline.bench.reliable;

import dev.lifeline.Message;
import dev.lifeline.WebSocket;
import dev.lifeline.WebSocketClient;
import dev.lifeline.bench.load.LoadResult;
import dev.lifeline.bench.load.Payload;
import dev.lifeline.reliable.ReliableClient;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * The reliable layer's cost (issue 18): small text messages sent by Lifeline's clients to an echo server, a window
 * of them unanswered per connection, over plain WebSocket ({@link Kind#PLAIN}: a message is answered by its echo)
 * and over reliable sessions ({@link Kind#RELIABLE}, a {@link ReliableClient} against {@link ReliableEchoMain}: a
 * message is answered by its acknowledgement, its {@code SendFuture} completing). Yields the answers per second and
 * the p50 and p99 of send-to-answer within the measurement window. Every echo is verified (content and order) in
 * both kinds: over reliable sessions too, so that an acknowledged message is known to have reached the server's
 * handler; a wrong or missing echo fails the run. Not thread-safe: one run at a time.
 */
public final class AckedLoad {
    /** Bound for the last answers and echoes after the window, and for opening the connections. */
    private static final Duration DRAIN = Duration.ofSeconds(10);
    /** How often a sender waiting for credit looks whether the run failed. */
    private static final Duration STEP = Duration.ofMillis(50);

    /** Which answer is awaited. */
    public enum Kind {
        /** Plain WebSocket, {@code WebSocketClient}: the echo answers. */
        PLAIN,
        /** Reliable sessions, {@code ReliableClient} with an in-memory session: the acknowledgement answers. */
        RELIABLE
    }

    /**
     * @param connections clients at once
     * @param inFlight messages sent and not yet answered, per connection
     * @param size bytes of each text message
     */
    public record Plan(int connections, int inFlight, int size, Duration warmup, Duration measure) {
    }

    private AckedLoad() {
    }

    /** Runs {@code plan} against the echo server at {@code uri}. */
    public static LoadResult run(Kind kind, URI uri, Plan plan) {
        Payload payload = Payload.of(plan.size(), true);
        Histogram latency = new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(60), 3);
        AtomicLong answered = new AtomicLong();
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        List<Link> links = new ArrayList<>();
        try {
            for (int c = 0; c < plan.connections(); c++) {
                links.add(kind == Kind.PLAIN ? new PlainLink(uri) : new ReliableLink(uri));
            }
            long from = System.nanoTime() + plan.warmup().toNanos(); // the warm-up starts once all are connected
            long until = from + plan.measure().toNanos();
            Window window = new Window(from, until, latency, answered);
            List<Thread> threads = new ArrayList<>();
            for (int c = 0; c < links.size(); c++) {
                Link link = links.get(c);
                String name = "connection " + c;
                Semaphore credit = new Semaphore(plan.inFlight());
                long[] sentAt = new long[plan.inFlight()];
                AtomicLong sent = new AtomicLong();
                threads.add(Thread.ofVirtual().start(() -> send(link, payload, credit, sentAt, sent, until, window,
                        errors)));
                threads.add(Thread.ofVirtual().start(() -> receive(link, name, payload, credit, sentAt, sent, until,
                        window, errors)));
            }
            for (Thread t : threads) {
                if (!t.join(plan.warmup().plus(plan.measure()).plus(DRAIN).plus(DRAIN))) {
                    errors.add("a connection's thread did not end in time");
                    threads.forEach(Thread::interrupt);
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            errors.add("could not connect: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            errors.add("interrupted");
        } finally {
            links.forEach(Link::close);
        }
        if (!errors.isEmpty()) {
            return LoadResult.failed(errors.peek());
        }
        return new LoadResult(answered.get(), plan.measure().toNanos() / 1e9, plan.size(),
                latency.getValueAtPercentile(50), latency.getValueAtPercentile(99), null);
    }

    /** Sends messages 0, 1, 2... while credit lasts, until {@code until}. */
    private static void send(Link link, Payload payload, Semaphore credit, long[] sentAt, AtomicLong sent,
            long until, Window window, ConcurrentLinkedQueue<String> errors) {
        try {
            for (long seq = 0; System.nanoTime() < until && errors.isEmpty(); seq++) {
                if (!acquire(credit, errors)) {
                    errors.add("message " + (seq - sentAt.length) + " was not answered within " + DRAIN);
                    return;
                }
                long now = System.nanoTime();
                sentAt[(int) (seq % sentAt.length)] = now;
                sent.set(seq + 1);
                link.send(payload.string(seq), () -> {
                    window.answered(now);
                    credit.release();
                });
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            errors.add("send failed: " + e);
        }
    }

    /** Waits for credit, at most {@link #DRAIN}; false if it did not come, or if the run failed meanwhile. */
    private static boolean acquire(Semaphore credit, ConcurrentLinkedQueue<String> errors)
            throws InterruptedException {
        long deadline = System.nanoTime() + DRAIN.toNanos();
        while (!credit.tryAcquire(STEP.toNanos(), TimeUnit.NANOSECONDS)) {
            if (!errors.isEmpty() || System.nanoTime() > deadline) {
                return false;
            }
        }
        return true;
    }

    /**
     * Takes the echoes in order and verifies each; over plain WebSocket an echo is the answer. Ends once every
     * message sent before {@code until} has come back.
     */
    private static void receive(Link link, String name, Payload payload, Semaphore credit, long[] sentAt,
            AtomicLong sent, long until, Window window, ConcurrentLinkedQueue<String> errors) {
        for (long seq = 0; errors.isEmpty() && (System.nanoTime() < until || seq < sent.get()); seq++) {
            Optional<Message> echo = link.receive(DRAIN);
            if (echo.isEmpty()) {
                if (System.nanoTime() >= until && seq >= sent.get()) {
                    return; // the sender stopped while this waited: nothing more is coming
                }
                errors.add(name + ": no echo of message " + seq + " within " + DRAIN);
                return;
            }
            int at = echo.get() instanceof Message.Text t ? payload.mismatch(seq, t.text()) : 0;
            if (at >= 0) {
                errors.add(name + ": echo " + seq + " differs from the message sent at byte " + at + ": "
                        + echo.get());
                return;
            }
            if (link.echoAnswers()) {
                window.answered(sentAt[(int) (seq % sentAt.length)]);
                credit.release();
            }
        }
    }

    /** Counts the answers that come within the measurement window, and their latency. Thread-safe. */
    private record Window(long from, long until, Histogram latency, AtomicLong answered) {
        void answered(long sentNanos) {
            long now = System.nanoTime();
            if (now >= from && now < until) {
                latency.recordValue(now - sentNanos);
                answered.incrementAndGet();
            }
        }
    }

    /** One client connection under test. */
    private interface Link {
        /** Sends; over reliable sessions, runs {@code acknowledged} once the server acknowledged the message. */
        void send(String text, Runnable acknowledged);

        Optional<Message> receive(Duration timeout);

        /** Whether the echo is the answer (plain WebSocket), rather than the acknowledgement. */
        boolean echoAnswers();

        void close();
    }

    private record PlainLink(WebSocket ws) implements Link {
        PlainLink(URI uri) throws IOException {
            this(WebSocketClient.connect(uri));
        }

        @Override
        public void send(String text, Runnable acknowledged) {
            ws.send(text);
        }

        @Override
        public Optional<Message> receive(Duration timeout) {
            return ws.receive(timeout);
        }

        @Override
        public boolean echoAnswers() {
            return true;
        }

        @Override
        public void close() {
            ws.abort();
        }
    }

    private record ReliableLink(ReliableClient client) implements Link {
        ReliableLink(URI uri) {
            this(ReliableClient.builder(uri).connect());
        }

        @Override
        public void send(String text, Runnable acknowledged) {
            client.send(text).whenComplete((ok, failed) -> {
                if (failed == null) {
                    acknowledged.run();
                }
            });
        }

        @Override
        public Optional<Message> receive(Duration timeout) {
            return client.receive(timeout);
        }

        @Override
        public boolean echoAnswers() {
            return false;
        }

        @Override
        public void close() {
            client.close();
        }
    }
}
