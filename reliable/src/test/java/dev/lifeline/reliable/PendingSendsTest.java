package dev.lifeline.reliable;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A session's send futures complete through its {@link Completer}: acknowledged batches in sequence order, on its
 * threads, not the caller's, the session told once each batch has settled even when an application callback
 * throws; a persisted stage nobody asked for completes where it was saved, one someone asked for on the completer.
 */
@Timeout(30)
class PendingSendsTest {
    private final CompleterTest.Threads threads = new CompleterTest.Threads();
    private final AtomicInteger settledBatches = new AtomicInteger();
    private final PendingSends pending = new PendingSends(settledBatches::incrementAndGet, SessionMetrics.NONE,
            new Completer(threads));

    private List<SendFuture> add(int count) {
        List<SendFuture> futures = new ArrayList<>();
        for (int seq = 1; seq <= count; seq++) {
            SendFuture f = new SendFuture();
            pending.add(seq, f);
            futures.add(f);
        }
        return futures;
    }

    @Test
    void acknowledgedBatchesCompleteInSequenceOrderOnOneThreadThatIsNotTheCallers() throws Exception {
        List<SendFuture> futures = add(300);
        List<Long> order = new CopyOnWriteArrayList<>();
        List<Thread> ranOn = new CopyOnWriteArrayList<>();
        List<CompletableFuture<Void>> callbacks = new ArrayList<>();
        for (int i = 0; i < futures.size(); i++) {
            long seq = i + 1;
            callbacks.add(futures.get(i).thenRun(() -> {
                order.add(seq);
                ranOn.add(Thread.currentThread());
            }));
        }
        for (long ack = 3; ack <= 300; ack += 3) { // 100 batches of 3, each handed over as it is taken out
            pending.complete(pending.takeThrough(ack));
        }
        CompletableFuture.allOf(callbacks.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        assertThat(order).hasSize(300).isSorted();
        assertThat(ranOn).doesNotContain(Thread.currentThread()).allSatisfy(t -> assertThat(threads.made).contains(t));
        awaitSettled();
        assertThat(settledBatches).hasValue(100);
        assertThat(threads.joinAll()).isTrue();
    }

    @Test
    void aThrowingCallbackDoesNotKeepTheOtherFuturesFromCompleting() throws Exception {
        List<SendFuture> futures = add(3);
        futures.get(0).thenRun(() -> {
            throw new IllegalStateException("the application's callback fails");
        });
        CountDownLatch others = new CountDownLatch(2);
        futures.get(1).thenRun(others::countDown);
        futures.get(2).thenRun(others::countDown);
        pending.complete(pending.takeThrough(3));
        assertThat(others.await(10, TimeUnit.SECONDS)).isTrue();
        awaitSettled();
        assertThat(futures).allSatisfy(f -> assertThat(f).isCompleted());
    }

    @Test
    void failedSendsFailInOrderAfterTheAcknowledgedOnes() throws Exception {
        List<SendFuture> futures = add(4);
        List<String> events = new CopyOnWriteArrayList<>();
        for (int i = 0; i < futures.size(); i++) {
            int seq = i + 1;
            futures.get(i).whenComplete((v, e) -> events.add(seq + (e == null ? " acknowledged" : " failed")));
        }
        pending.complete(pending.takeThrough(2));
        List<PendingSends.Pending> rest = pending.takeAll();
        pending.fail(rest, List.of(Message.text("3"), Message.text("4")),
                CloseReason.of(CloseReason.Kind.CLOSED, "closed by the test"));
        assertThat(threads.joinAll()).isTrue();
        assertThat(events).containsExactly("1 acknowledged", "2 acknowledged", "3 failed", "4 failed");
        assertThat(pending.allSettled()).isTrue();
    }

    @Test
    void aPersistedStageNobodyAskedForCompletesWhereItWasSavedWithoutAThread() {
        List<SendFuture> futures = add(2);
        pending.persist(pending.persistedThrough(2));
        assertThat(threads.made).isEmpty();
        assertThat(futures.get(0).persisted()).isCompleted();
        assertThat(futures.get(1).persisted()).isCompleted();
        assertThat(futures.get(0)).isNotDone(); // persisted is not acknowledged
    }

    @Test
    void aPersistedStageSomeoneAskedForCompletesOnTheCompleterBeforeTheAcknowledgement() throws Exception {
        List<SendFuture> futures = add(1);
        List<String> events = new CopyOnWriteArrayList<>();
        CompletableFuture<Thread> persistedOn = new CompletableFuture<>();
        futures.get(0).persisted().thenRun(() -> {
            events.add("persisted");
            persistedOn.complete(Thread.currentThread());
        });
        futures.get(0).thenRun(() -> events.add("acknowledged"));
        pending.persist(pending.persistedThrough(1));
        pending.complete(pending.takeThrough(1));
        futures.get(0).get(10, TimeUnit.SECONDS);
        assertThat(persistedOn.get(10, TimeUnit.SECONDS)).isSameAs(threads.made.get(0));
        awaitSettled();
        assertThat(events).containsExactly("persisted", "acknowledged");
    }

    private void awaitSettled() throws InterruptedException {
        Loopback.await(pending::allSettled);
    }
}
