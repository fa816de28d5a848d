package dev.lifeline.reliable;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A session's {@link Completer}: its tasks run in the order they were queued, on its own thread (not the caller's,
 * not under the caller's lock nor its own), one thread for consecutive tasks, none once idle for the linger or once
 * the session ended; a task that throws does not stop the next ones.
 */
@Timeout(30)
class CompleterTest {
    /** Never reached by a test that waits for an event: the thread may end only through {@link Completer#end}. */
    private static final Duration FOREVER = Duration.ofHours(1);

    /** Makes virtual threads and keeps each. */
    static final class Threads implements ThreadFactory {
        final List<Thread> made = new CopyOnWriteArrayList<>();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = Thread.ofVirtual().name("completer-test-" + made.size()).unstarted(r);
            made.add(t);
            return t;
        }
    }

    @Test
    void tasksRunInTheOrderTheyWereQueuedOnOneThread() throws Exception {
        Threads threads = new Threads();
        Completer completer = new Completer(threads, FOREVER);
        List<Integer> ran = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        for (int i = 0; i < 1_000; i++) {
            int n = i;
            completer.execute(() -> ran.add(n));
        }
        completer.execute(done::countDown);
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ran).hasSize(1_000).isSorted();
        assertThat(threads.made).hasSize(1);
        completer.end();
    }

    @Test
    void aTaskQueuedAfterTheLastRanReusesTheWaitingThread() throws Exception {
        Threads threads = new Threads();
        Completer completer = new Completer(threads, FOREVER);
        for (int i = 0; i < 3; i++) {
            CountDownLatch ran = new CountDownLatch(1);
            completer.execute(ran::countDown);
            assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue(); // the thread has nothing left to do: it waits
        }
        assertThat(threads.made).hasSize(1);
        completer.end();
    }

    @Test
    void tasksRunNeitherOnTheCallingThreadNorUnderItsLock() throws Exception {
        Completer completer = new Completer(new Threads(), FOREVER);
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
        completer.end();
    }

    @Test
    void aTaskRunsWithoutTheCompletersOwnLock() throws Exception {
        Completer completer = new Completer(new Threads(), FOREVER);
        CountDownLatch queuedMeanwhile = new CountDownLatch(1);
        CompletableFuture<Boolean> waited = new CompletableFuture<>();
        CountDownLatch second = new CountDownLatch(1);
        // the first task waits for another thread to queue a task: that would deadlock if it held the lock
        completer.execute(() -> {
            try {
                waited.complete(queuedMeanwhile.await(10, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                waited.completeExceptionally(e);
            }
        });
        Thread.ofVirtual().start(() -> {
            completer.execute(second::countDown);
            queuedMeanwhile.countDown();
        });
        assertThat(waited.get(20, TimeUnit.SECONDS)).isTrue();
        assertThat(second.await(10, TimeUnit.SECONDS)).isTrue();
        completer.end();
    }

    @Test
    void aThrowingTaskDoesNotStopTheNextOnes() throws Exception {
        Threads threads = new Threads();
        Completer completer = new Completer(threads, FOREVER);
        CountDownLatch after = new CountDownLatch(2);
        completer.execute(() -> {
            throw new IllegalStateException("the application's callback fails");
        });
        completer.execute(after::countDown);
        completer.execute(() -> {
            throw new AssertionError("an error too");
        });
        completer.execute(after::countDown);
        assertThat(after.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(threads.made).hasSize(1);
        completer.end();
    }

    @Test
    void endEndsTheThreadOnceItsTasksHaveRunWithoutWaitingForTheLinger() throws Exception {
        Threads threads = new Threads();
        Completer completer = new Completer(threads, FOREVER);
        CountDownLatch release = new CountDownLatch(1);
        List<String> ran = new CopyOnWriteArrayList<>();
        completer.execute(() -> {
            awaitQuietly(release);
            ran.add("first");
        });
        completer.execute(() -> ran.add("queued before the end"));
        completer.end();
        release.countDown();
        Thread thread = threads.made.get(0);
        assertThat(thread.join(Duration.ofSeconds(10))).isTrue();
        assertThat(ran).containsExactly("first", "queued before the end");
        assertThat(completer.thread()).isNull();
    }

    @Test
    void anIdleCompleterHoldsNoThreadAfterTheLingerAndStartsOneForTheNextTask() throws Exception {
        Threads threads = new Threads();
        Completer completer = new Completer(threads, Duration.ZERO);
        CountDownLatch first = new CountDownLatch(1);
        completer.execute(first::countDown);
        assertThat(first.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(threads.made.get(0).join(Duration.ofSeconds(10))).isTrue();
        assertThat(completer.thread()).isNull();

        CountDownLatch second = new CountDownLatch(1);
        completer.execute(second::countDown);
        assertThat(second.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(threads.made).hasSize(2);
        completer.end();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
