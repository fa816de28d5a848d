package dev.lifeline.reliable;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A session's {@link Completer}: its tasks run one at a time in the order they were queued, never on the caller's
 * thread nor under its lock; tasks queued while one runs share its thread; no thread is left once the queue is
 * empty; a task that throws does not stop the next ones.
 */
@Timeout(30)
class CompleterTest {
    /** Makes virtual threads and keeps each. */
    static final class Threads implements ThreadFactory {
        final List<Thread> made = new CopyOnWriteArrayList<>();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = Thread.ofVirtual().name("completer-test-" + made.size()).unstarted(r);
            made.add(t);
            return t;
        }

        /** Waits for every thread made so far to end; whether they did. */
        boolean joinAll() throws InterruptedException {
            for (Thread t : made) {
                if (!t.join(Duration.ofSeconds(10))) {
                    return false;
                }
            }
            return true;
        }
    }

    private final Threads threads = new Threads();
    private final Completer completer = new Completer(threads);

    @Test
    void tasksRunOneAtATimeInTheOrderTheyWereQueued() throws Exception {
        List<Integer> ran = new CopyOnWriteArrayList<>();
        AtomicInteger running = new AtomicInteger();
        List<Integer> overlaps = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        for (int i = 0; i < 1_000; i++) {
            int n = i;
            completer.execute(() -> {
                if (running.incrementAndGet() > 1) {
                    overlaps.add(n);
                }
                ran.add(n);
                running.decrementAndGet();
            });
        }
        completer.execute(done::countDown);
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ran).hasSize(1_000).isSorted();
        assertThat(overlaps).isEmpty();
    }

    @Test
    void tasksQueuedWhileOneRunsRunOnItsThread() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<Thread> ranOn = new CopyOnWriteArrayList<>();
        completer.execute(() -> {
            awaitQuietly(release);
            ranOn.add(Thread.currentThread());
        });
        CountDownLatch done = new CountDownLatch(3);
        for (int i = 0; i < 3; i++) {
            completer.execute(() -> {
                ranOn.add(Thread.currentThread());
                done.countDown();
            });
        }
        release.countDown();
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(threads.made).hasSize(1);
        assertThat(ranOn).hasSize(4).containsOnly(threads.made.get(0));
    }

    @Test
    void tasksRunNeitherOnTheCallingThreadNorUnderItsLock() throws Exception {
        ReentrantLock sessionLock = new ReentrantLock();
        CompletableFuture<Thread> ranOn = new CompletableFuture<>();
        CompletableFuture<Boolean> lockHeld = new CompletableFuture<>();
        sessionLock.lock();
        try {
            completer.execute(() -> {
                lockHeld.complete(sessionLock.isHeldByCurrentThread());
                ranOn.complete(Thread.currentThread());
            });
        } finally {
            sessionLock.unlock();
        }
        assertThat(ranOn.get(10, TimeUnit.SECONDS)).isNotSameAs(Thread.currentThread());
        assertThat(lockHeld.get()).isFalse();
        assertThat(completer.isCurrentThread()).isFalse();
    }

    @Test
    void aTaskMayQueueAnotherAndWaitForAThreadThatQueuesOne() throws Exception {
        CountDownLatch queuedMeanwhile = new CountDownLatch(1);
        CompletableFuture<Boolean> waited = new CompletableFuture<>();
        CountDownLatch after = new CountDownLatch(2);
        // the first task waits for another thread to queue a task: a completer lock held while it runs would block
        completer.execute(() -> {
            completer.execute(after::countDown);
            try {
                waited.complete(queuedMeanwhile.await(10, TimeUnit.SECONDS) && completer.isCurrentThread());
            } catch (InterruptedException e) {
                waited.completeExceptionally(e);
            }
        });
        Thread.ofVirtual().start(() -> {
            completer.execute(after::countDown);
            queuedMeanwhile.countDown();
        });
        assertThat(waited.get(20, TimeUnit.SECONDS)).isTrue();
        assertThat(after.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aThrowingTaskDoesNotStopTheNextOnes() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch after = new CountDownLatch(2);
        completer.execute(() -> awaitQuietly(release)); // the next four are queued behind it, on its thread
        completer.execute(() -> {
            throw new IllegalStateException("the application's callback fails");
        });
        completer.execute(after::countDown);
        completer.execute(() -> {
            throw new AssertionError("an error too");
        });
        completer.execute(after::countDown);
        release.countDown();
        assertThat(after.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(threads.made).hasSize(1);
    }

    @Test
    void noThreadIsLeftOnceTheQueueIsEmptyAndTheNextTaskStartsOne() throws Exception {
        CountDownLatch first = new CountDownLatch(1);
        completer.execute(first::countDown);
        assertThat(first.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(threads.joinAll()).isTrue();
        assertThat(completer.thread()).isNull();

        CountDownLatch second = new CountDownLatch(1);
        completer.execute(second::countDown);
        assertThat(second.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(threads.made).hasSize(2);
        assertThat(threads.joinAll()).isTrue();
        assertThat(completer.thread()).isNull();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
