package dev.lifeline.reliable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeline.testing.Await;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The in-memory session store on its own: a detached session is kept for the resume window and then expired, a
 * full store evicts the session detached longest, and ending a session fails its unacknowledged sends.
 */
@Timeout(10)
class SessionStoreTest {
    private static final ReliableOptions OPTIONS = ReliableOptions.DEFAULT.withCloseTimeout(Duration.ofMillis(50));

    private static ServerSession session(int n) {
        return new ServerSession("t" + n, new byte[] {(byte) n}, OPTIONS);
    }

    @Test
    void addedSessionIsFoundByItsTokenUntilRemoved() {
        try (InMemorySessionStore store = new InMemorySessionStore()) {
            ServerSession s = session(1);
            assertThat(store.add(s)).isTrue();
            assertThat(store.find(s.token().orElseThrow())).contains(s);
            assertThat(store.find("unknown")).isEmpty();
            store.remove(s);
            assertThat(store.find(s.token().orElseThrow())).isEmpty();
            assertThat(store.size()).isZero();
        }
    }

    @Test
    void detachedSessionExpiresOnceTheWindowHasPassed() throws Exception {
        Duration window = Duration.ofMillis(100);
        try (InMemorySessionStore store = new InMemorySessionStore(window, 10)) {
            ServerSession s = session(1);
            store.add(s);
            long start = System.nanoTime();
            store.detached(s);
            CloseReason reason = s.closed().get(5, TimeUnit.SECONDS);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(window);
            assertThat(reason.kind()).isEqualTo(CloseReason.Kind.EXPIRED);
            Loopback.await(() -> store.find(s.token().orElseThrow()).isEmpty());
        }
    }

    @Test
    void sessionIsNotExpiredBeforeItsWindow() {
        ServerSession s = session(1);
        assertThat(s.idleFor()).isPresent();
        assertThat(s.expire(Duration.ofMinutes(1))).isFalse();
        assertThat(s.closeReason()).isEmpty();
        assertThat(s.expire(Duration.ZERO)).isTrue();
    }

    @Test
    void fullStoreEvictsTheSessionDetachedLongest() throws Exception {
        try (InMemorySessionStore store = new InMemorySessionStore(Duration.ofMinutes(1), 2)) {
            ServerSession oldest = session(1);
            store.add(oldest);
            Await.until("time passed since the first was detached", () -> oldest.idleFor().orElseThrow().isPositive());
            ServerSession younger = session(2);
            store.add(younger);
            ServerSession newest = session(3);
            assertThat(store.add(newest)).isTrue();
            assertThat(oldest.closeReason()).get().extracting(CloseReason::kind).isEqualTo(CloseReason.Kind.EVICTED);
            assertThat(younger.closeReason()).isEmpty();
            assertThat(store.size()).isEqualTo(2);
            assertThat(store.find(oldest.token().orElseThrow())).isEmpty();
        }
    }

    @Test
    void endedSessionCannotBeExpiredOrEvictedAgain() {
        ServerSession s = session(1);
        assertThat(s.evict()).isTrue();
        assertThat(s.evict()).isFalse();
        assertThat(s.expire(Duration.ZERO)).isFalse();
        assertThat(s.closeReason()).get().extracting(CloseReason::kind).isEqualTo(CloseReason.Kind.EVICTED);
        assertThat(s.idleFor()).isEmpty();
    }

    @Test
    void expiryFailsTheUnacknowledgedSendsAndEndsReceiving() throws Exception {
        ServerSession s = session(1);
        CompletableFuture<Void> pending = s.send("never acknowledged");
        assertThat(s.outboxSize()).isOne();
        s.expire(Duration.ZERO);
        assertThat(pending).failsWithin(Duration.ofSeconds(1)).withThrowableThat().havingCause()
                .isInstanceOfSatisfying(UnacknowledgedException.class, e -> {
                    assertThat(e.seq()).isOne();
                    assertThat(e.reason().kind()).isEqualTo(CloseReason.Kind.EXPIRED);
                });
        assertThatThrownBy(s::receive).isInstanceOfSatisfying(SessionClosedException.class,
                e -> assertThat(e.reason().kind()).isEqualTo(CloseReason.Kind.EXPIRED));
        assertThatThrownBy(() -> s.send("after")).isInstanceOf(SessionClosedException.class);
        assertThat(s.trySend(dev.lifeline.Message.text("after"))).isCompletedExceptionally();
    }

    @Test
    void closingASessionWithoutAConnectionWaitsAtMostTheCloseTimeout() throws Exception {
        ServerSession s = session(1);
        long start = System.nanoTime();
        s.close();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(50));
        assertThat(s.closed().get(1, TimeUnit.SECONDS).kind()).isEqualTo(CloseReason.Kind.CLOSED);
    }
}
