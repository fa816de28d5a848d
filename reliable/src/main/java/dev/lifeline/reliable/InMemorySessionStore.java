package dev.lifeline.reliable;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps sessions in this process's memory: a detached session for {@code window} (2 minutes by default), at most
 * {@code capacity} sessions (10,000 by default; when full, the session detached longest is evicted). Sessions do
 * not survive the process. Thread-safe.
 */
public final class InMemorySessionStore implements SessionStore {
    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(2);
    public static final int DEFAULT_CAPACITY = 10_000;

    private final Duration window;
    private final int capacity;
    private final Map<String, ServerSession> sessions = new ConcurrentHashMap<>();
    private final ReentrantLock adding = new ReentrantLock();
    private final ScheduledThreadPoolExecutor timer;

    public InMemorySessionStore() {
        this(DEFAULT_WINDOW, DEFAULT_CAPACITY);
    }

    /**
     * @param window how long a session without a connection is kept
     * @param capacity the most sessions kept at once
     */
    public InMemorySessionStore(Duration window, int capacity) {
        Objects.requireNonNull(window, "window");
        if (window.isNegative() || window.isZero() || capacity <= 0) {
            throw new IllegalArgumentException("window and capacity must be positive");
        }
        this.window = window;
        this.capacity = capacity;
        this.timer = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().name("lifeline-session-expiry").daemon().factory());
        timer.setRemoveOnCancelPolicy(true);
    }

    public Duration window() {
        return window;
    }

    public int capacity() {
        return capacity;
    }

    @Override
    public boolean add(ServerSession session) {
        String token = session.token().orElseThrow();
        adding.lock();
        try {
            if (sessions.size() >= capacity && !evictOne()) {
                return false;
            }
            sessions.put(token, session);
            return true;
        } finally {
            adding.unlock();
        }
    }

    /** Evicts the session detached longest; false if every session has a connection. */
    private boolean evictOne() {
        List<ServerSession> idle = sessions.values().stream()
                .filter(s -> s.idleFor().isPresent())
                .sorted(Comparator.comparing((ServerSession s) -> s.idleFor().orElse(Duration.ZERO)).reversed())
                .toList();
        for (ServerSession candidate : idle) {
            if (candidate.evict()) {
                sessions.remove(candidate.token().orElseThrow(), candidate);
                return true;
            }
        }
        return false;
    }

    @Override
    public Optional<ServerSession> find(String token) {
        return Optional.ofNullable(sessions.get(token));
    }

    @Override
    public void detached(ServerSession session) {
        schedule(session, window);
    }

    private void schedule(ServerSession session, Duration delay) {
        try {
            timer.schedule(() -> check(session), delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // the store is closed: its sessions are no longer expired
        }
    }

    /** Expires the session if its window has passed; looks again later if it is detached but not yet expired. */
    private void check(ServerSession session) {
        Optional<Duration> idle = session.idleFor();
        if (idle.isEmpty()) {
            return; // attached again (its next detach schedules a new check), or ended
        }
        if (idle.get().compareTo(window) < 0) {
            schedule(session, window.minus(idle.get()));
        } else if (session.expire(window)) {
            sessions.remove(session.token().orElseThrow(), session);
        }
    }

    @Override
    public void remove(ServerSession session) {
        sessions.remove(session.token().orElseThrow(), session);
    }

    @Override
    public int size() {
        return sessions.size();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
