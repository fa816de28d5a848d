package dev.lifeline.reliable;

import dev.lifeline.Message;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The futures of a session's unacknowledged sends, in sequence order (the same messages as its outbox). Futures
 * complete on the session's {@link Completer}, in the order their batches were taken out, so that no dependent
 * action of the application runs on a session thread or under its lock. The one exception is a persisted stage
 * nobody has asked for ({@link SendFuture#persistUnseen}): no action depends on it, so it completes where the save
 * completed, without a hand-over. {@link #add} and the {@code take} methods run under the session's lock;
 * {@link #persist}, {@link #complete} and {@link #fail} after releasing it.
 */
final class PendingSends {

    /** @param sentNanos when {@code send} was called ({@link System#nanoTime()}), or 0 when nobody measures */
    record Pending(long seq, SendFuture future, long sentNanos) {
    }

    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    /** Futures taken out whose completion has not run yet. */
    private final AtomicInteger settling = new AtomicInteger();
    private final Runnable onSettled;
    /** Told how long each acknowledgement took; never called with {@link SessionMetrics#NONE}. */
    private final SessionMetrics metrics;
    private final Completer completer;

    /** @param onSettled run after each batch of futures has completed (the session signals its waiters) */
    PendingSends(Runnable onSettled, SessionMetrics metrics, Completer completer) {
        this.onSettled = onSettled;
        this.metrics = metrics;
        this.completer = completer;
    }

    /** The highest sequence number whose {@link SendFuture#persisted()} stage was taken out to complete. */
    private long persisted;

    void add(long seq, SendFuture future) {
        pending.add(new Pending(seq, future, metrics == SessionMetrics.NONE ? 0 : System.nanoTime()));
    }

    /** Takes out the sends saved through {@code seq} whose persisted stage has not completed, for {@link #persist}. */
    List<Pending> persistedThrough(long seq) {
        List<Pending> saved = new ArrayList<>();
        for (Pending p : pending) {
            if (p.seq() > seq) {
                break;
            }
            if (p.seq() > persisted) {
                saved.add(p);
            }
        }
        persisted = Math.max(persisted, seq);
        return saved;
    }

    /** Completes the persisted stage of these sends: here those nobody asked for, on the completer the others. */
    void persist(List<Pending> saved) {
        List<Pending> seen = new ArrayList<>(0);
        for (Pending p : saved) {
            if (!p.future().persistUnseen()) {
                seen.add(p);
            }
        }
        if (!seen.isEmpty()) {
            completer.execute(() -> seen.forEach(p -> p.future().persist()));
        }
    }

    /** Takes out the sends acknowledged through {@code ack}, for {@link #complete}. */
    List<Pending> takeThrough(long ack) {
        if (pending.isEmpty() || pending.peek().seq() > ack) {
            return List.of();
        }
        List<Pending> done = new ArrayList<>();
        while (!pending.isEmpty() && pending.peek().seq() <= ack) {
            done.add(pending.poll());
        }
        settling.addAndGet(done.size());
        return done;
    }

    /** Takes out every send, for {@link #fail}. */
    List<Pending> takeAll() {
        List<Pending> all = new ArrayList<>(pending);
        pending.clear();
        persisted = 0; // a renewed session numbers from 1 again
        settling.addAndGet(all.size());
        return all;
    }

    /** Whether every future taken out has completed. */
    boolean allSettled() {
        return settling.get() == 0;
    }

    /**
     * Whether every future taken out has completed, or the caller is completing them: an action depending on one
     * (a {@code close()} from a {@code thenRun}) would otherwise wait for itself.
     */
    boolean allSettledOrCompleting() {
        return allSettled() || completer.isCurrentThread();
    }

    void complete(List<Pending> done) {
        if (!done.isEmpty()) {
            if (metrics != SessionMetrics.NONE) {
                long now = System.nanoTime();
                done.forEach(p -> metrics.acknowledged(now - p.sentNanos()));
            }
            completer.execute(() -> {
                try {
                    done.forEach(p -> p.future().acknowledge());
                } finally {
                    settled(done.size());
                }
            });
        }
    }

    /** Fails these sends; {@code messages} are the session's unacknowledged messages, in the same order. */
    void fail(List<Pending> failed, List<Message> messages, CloseReason reason) {
        if (!failed.isEmpty()) {
            completer.execute(() -> {
                try {
                    for (int i = 0; i < failed.size(); i++) {
                        Pending p = failed.get(i);
                        p.future().fail(new UnacknowledgedException(messages.get(i), p.seq(), reason));
                    }
                } finally {
                    settled(failed.size());
                }
            });
        }
    }

    /** The thread completing the futures, if one runs now: for tests. */
    Optional<Thread> completerThread() {
        return Optional.ofNullable(completer.thread());
    }

    private void settled(int futures) {
        settling.addAndGet(-futures);
        onSettled.run();
    }
}
