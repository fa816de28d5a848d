package dev.lifeline.reconnect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Backoff;
import dev.lifeline.Failure;
import dev.lifeline.ReconnectPolicy;
import dev.lifeline.ReconnectingWebSocket;
import dev.lifeline.ReconnectingWebSocket.CloseReason;
import dev.lifeline.ReconnectingWebSocket.State;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/** Records what a {@link ReconnectingWebSocket} tells its listener, and waits (bounded) for it to happen. */
final class Recorder implements ReconnectingWebSocket.Listener {
    /** Retries within milliseconds: 1-5 ms, then 5, 10, 20 ms. */
    static final ReconnectPolicy QUICK = ReconnectPolicy.standard(new Backoff(Duration.ofMillis(5),
            Duration.ofMillis(5), 2.0, Duration.ofMillis(20)));
    private static final Duration WAIT = Duration.ofSeconds(10);

    final List<State> states = new CopyOnWriteArrayList<>();
    final List<CloseReason> reasons = new CopyOnWriteArrayList<>();
    final List<Failure> failures = new CopyOnWriteArrayList<>();
    final List<ReconnectPolicy.Decision> decisions = new CopyOnWriteArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();

    @Override
    public void stateChanged(State state, Optional<CloseReason> reason) {
        assertThat(reason.isPresent()).as("a reason with CLOSED, and only then").isEqualTo(state == State.CLOSED);
        reason.ifPresent(reasons::add);
        states.add(state);
        signal();
    }

    @Override
    public void connectionFailed(Failure failure, ReconnectPolicy.Decision decision) {
        failures.add(failure);
        decisions.add(decision);
        signal();
    }

    /** Waits until {@code state} has been heard {@code times} times in all. */
    void awaitState(State state, int times) throws InterruptedException {
        await(() -> states.stream().filter(state::equals).count() >= times,
                () -> state + " " + times + " times; heard " + states);
    }

    void awaitClosed() throws InterruptedException {
        awaitState(State.CLOSED, 1);
    }

    /** Waits until {@code condition} holds, for at most 10 s, woken by every event. */
    void await(java.util.function.BooleanSupplier condition, java.util.function.Supplier<String> what)
            throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        lock.lock();
        try {
            while (!condition.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("waited " + WAIT + " for " + what.get());
                }
                changed.await(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)), TimeUnit.NANOSECONDS);
            }
        } finally {
            lock.unlock();
        }
    }

    void signal() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
