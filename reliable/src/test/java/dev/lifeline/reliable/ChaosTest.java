package dev.lifeline.reliable;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Message;
import dev.lifeline.protocol.State;
import dev.lifeline.testing.Await;
import dev.lifeline.testing.ChaosProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The reliable layer through a proxy that cuts, stalls and delays connections every 100-300 ms: 20,000 messages
 * each way arrive exactly once and in order, every send future completes, the outboxes stay within their bounds
 * and the heap does not grow with the traffic.
 */
@Timeout(90)
class ChaosTest {
    private static final int MESSAGES = 20_000;
    /** Sending is paced over this long (or longer, on a slow machine) so that the chaos meets the traffic. */
    private static final Duration SPREAD = Duration.ofSeconds(5);
    private static final int OUTBOX = 256;
    private static final long OUTBOX_BYTES = 16 * 1024;
    private static final ReliableOptions BOUNDED = Loopback.RELIABLE.withOutbox(OUTBOX, OUTBOX_BYTES)
            .withInbox(256, 64 * 1024).withSendTimeout(Duration.ofSeconds(30));

    /** ~32-byte messages numbered so that loss, duplication and reordering all show. */
    private static String payload(char side, int i) {
        return String.format("%c%08d-0123456789abcdefghijklm", side, i);
    }

    @Test
    void twentyThousandMessagesEachWayArriveExactlyOnceInOrderThroughCutsStallsAndDelays() throws Exception {
        long seed = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);

        Queue<String> errors = new ConcurrentLinkedQueue<>();
        AtomicLong maxOutbox = new AtomicLong();
        AtomicLong maxOutboxBytes = new AtomicLong();
        CountDownLatch serverDone = new CountDownLatch(1);
        Map<String, ServerSession> serverSessions = new ConcurrentHashMap<>();

        ReliableServer.Handler handler = session -> {
            serverSessions.put(session.token().orElseThrow(), session);
            CompletableFuture<Void> sent = sendAll(session, 's');
            for (int i = 0; i < MESSAGES; i++) {
                expect(errors, "server", session.receive(), payload('c', i));
            }
            sent.get(60, TimeUnit.SECONDS);
            serverDone.countDown();
            for (Message extra : session) {
                errors.add("server received an extra message " + extra);
            }
        };
        Loopback.Recorder recorder = new Loopback.Recorder();
        try (ReliableServer server = Loopback.server(handler).reliable(BOUNDED).start();
                ChaosProxy proxy = ChaosProxy.to(server.port());
                ReliableClient client = Loopback.client(proxy.port()).reliable(BOUNDED).listener(recorder)
                        .connect()) {
            Loopback.await(() -> !recorder.outcomes.isEmpty());
            long heapBefore = usedHeapAfterGc();
            Thread chaos = Thread.ofVirtual().start(() -> makeChaos(proxy, random));
            Thread sampler = Thread.ofVirtual().start(() -> {
                while (serverDone.getCount() > 0 || client.outboxSize() > 0) {
                    List<ReliableSession> all = new ArrayList<>(List.of(client));
                    all.addAll(serverSessions.values());
                    for (ReliableSession s : all) {
                        maxOutbox.accumulateAndGet(s.outboxSize(), Math::max);
                        maxOutboxBytes.accumulateAndGet(s.outboxBytes(), Math::max);
                    }
                    pace(Duration.ofMillis(2));
                }
            });

            CompletableFuture<Void> sent = sendAll(client, 'c');
            for (int i = 0; i < MESSAGES; i++) {
                expect(errors, "client", client.receive(Duration.ofSeconds(30)).orElseThrow(), payload('s', i));
            }
            sent.get(60, TimeUnit.SECONDS);
            assertThat(serverDone.await(30, TimeUnit.SECONDS)).isTrue();
            chaos.interrupt();
            chaos.join();
            sampler.join(Duration.ofSeconds(5));

            assertThat(errors).as("seed %d", seed).isEmpty();
            assertThat(proxy.cuts()).as("cuts").isGreaterThanOrEqualTo(10);
            // a copy: a cut made just before the chaos stopped may still be resumed and add an outcome meanwhile
            List<SessionOutcome> outcomes = List.copyOf(recorder.outcomes);
            assertThat(outcomes).as("one NEW session, then only resumes").first()
                    .extracting(SessionOutcome::kind).isEqualTo(SessionOutcome.Kind.NEW);
            assertThat(outcomes.subList(1, outcomes.size())).extracting(SessionOutcome::kind)
                    .containsOnly(SessionOutcome.Kind.RESUMED).hasSizeGreaterThanOrEqualTo(10);
            assertThat(maxOutbox.get()).isLessThanOrEqualTo(OUTBOX);
            assertThat(maxOutboxBytes.get()).isLessThanOrEqualTo(OUTBOX_BYTES);
            System.out.printf("chaos (seed %d): %d connections, %d cuts, %d stalls, %d delays, %d resumes; "
                    + "largest outbox %d messages / %d bytes%n", seed, proxy.accepted(), proxy.cuts(), proxy.stalls(),
                    proxy.delays(), outcomes.size() - 1, maxOutbox.get(), maxOutboxBytes.get());

            // Everything has been delivered and acknowledged, and the sessions are still open: whatever the traffic
            // left on the heap is a leak (20,000 messages each way would take several MiB).
            long heapAfter = usedHeapAfterGc();
            System.out.printf("heap after GC: %d KiB before the traffic, %d KiB after%n", heapBefore >> 10,
                    heapAfter >> 10);
            assertThat(heapAfter - heapBefore).as("heap growth after GC").isLessThan(2L << 20);

            // A cut between the server's WELCOME and the client leaves an orphan session that will expire.
            String token = client.token().orElseThrow();
            ServerSession joined = serverSessions.get(token);
            // A Close frame lost in a stall cannot tell the server; let keepalive settle what the chaos left: only
            // the client's connection goes through the proxy, open on both ends.
            proxy.calm();
            Await.until("only the client's connection left, open on both ends", () -> proxy.connections() == 1
                    && client.state() == ReliableClient.State.OPEN
                    && joined.connection().filter(ws -> ws.state() == State.OPEN).isPresent());
            client.close();
            assertThat(client.closed().get(5, TimeUnit.SECONDS).kind()).isEqualTo(CloseReason.Kind.CLOSED);
            assertThat(joined.closed().get(5, TimeUnit.SECONDS).kind()).isEqualTo(CloseReason.Kind.CLOSED_BY_PEER);
            assertThat(server.store().find(token)).isEmpty();
        }
    }

    /**
     * Sends every message, paced evenly over {@link #SPREAD}, from a thread of its own; the future completes once
     * all are acknowledged.
     */
    private static CompletableFuture<Void> sendAll(ReliableSession session, char side) {
        CompletableFuture<Void> all = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                List<CompletableFuture<Void>> futures = new ArrayList<>(MESSAGES);
                long start = System.nanoTime();
                for (int i = 0; i < MESSAGES; i++) {
                    long due = start + SPREAD.toNanos() * i / MESSAGES;
                    if (System.nanoTime() < due) {
                        Await.timeToPass(Duration.ofNanos(due - System.nanoTime()), "the sender's pace");
                    }
                    futures.add(session.send(payload(side, i)));
                }
                CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> {
                    if (e != null) {
                        all.completeExceptionally(e);
                    } else {
                        all.complete(null);
                    }
                });
            } catch (RuntimeException | InterruptedException e) {
                all.completeExceptionally(e);
            }
        });
        return all;
    }

    /** Every 100-300 ms: mostly a cut, sometimes a stall (up to 600 ms, past keepalive) or a delay. */
    private static void makeChaos(ChaosProxy proxy, SplittableRandom random) {
        while (!Thread.currentThread().isInterrupted()) {
            if (!pace(Duration.ofMillis(100 + random.nextInt(201)))) {
                return;
            }
            int dice = random.nextInt(10);
            if (dice < 7) {
                proxy.cutOne(random);
            } else if (dice < 9) {
                proxy.stallOne(random, Duration.ofMillis(50 + random.nextInt(551)));
            } else {
                proxy.delayOne(random, Duration.ofMillis(1 + random.nextInt(5)), Duration.ofMillis(300));
            }
        }
    }

    private static void expect(Queue<String> errors, String side, Message got, String expected) {
        if (!got.equals(Message.text(expected)) && errors.size() < 20) {
            errors.add(side + " expected " + expected + " but received " + got);
        }
    }

    /** The scenario's pace (of the chaos, of the sampler); false once interrupted. */
    private static boolean pace(Duration d) {
        try {
            Await.timeToPass(d, "the scenario's pace");
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }

    private static long usedHeapAfterGc() {
        Runtime runtime = Runtime.getRuntime();
        System.gc();
        System.gc();
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
