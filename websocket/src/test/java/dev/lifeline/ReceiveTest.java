package dev.lifeline;

import static dev.lifeline.Peers.PATIENCE;
import static dev.lifeline.Peers.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeline.protocol.CloseCode;
import dev.lifeline.protocol.ConnectionClosedErrorException;
import dev.lifeline.testing.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Receiving: {@code receive(Duration)} gives up after its timeout; iteration delivers every message received before
 * the close, then ends quietly after a normal close (1000, 1001) and throws after any other (RFC 6455 §7.4); one
 * receiver at a time, a second concurrent one gets {@link ConcurrencyException}.
 */
@Timeout(20)
class ReceiveTest {

    @Test
    void receiveWithATimeoutGivesUpAfterItAndReturnsAMessageThatComesInTime() throws Exception {
        try (Peers peers = Peers.start()) {
            Peers.Pair pair = peers.connect();
            long start = System.nanoTime();

            assertThat(pair.client().receive(Duration.ofMillis(200))).isEmpty();

            assertThat(Peers.millisSince(start)).as("not before its timeout").isGreaterThanOrEqualTo(200L);
            assertThat(pair.client().receive(Duration.ZERO)).isEmpty();
            Thread receiving = Thread.currentThread();
            Thread.ofVirtual().start(() -> {
                try {
                    Await.until("receive() waiting", PATIENCE,
                            () -> receiving.getState() == Thread.State.TIMED_WAITING);
                } catch (InterruptedException e) {
                    return;
                }
                pair.server().send("in time");
            });
            assertThat(pair.client().receive(PATIENCE)).contains(Message.text("in time"));
            pair.client().close();
        }
    }

    @ParameterizedTest(name = "close code {0}")
    @ValueSource(ints = {1000, 1001, 1011, 4000})
    void iterationDeliversEverythingThenEndsQuietlyOnlyAfterANormalClose(int code) throws Exception {
        try (Peers peers = Peers.start()) {
            Peers.Pair pair = peers.connect();
            for (String text : List.of("one", "two", "three")) {
                pair.server().send(text);
            }
            pair.server().close(CloseCode.of(code), "the end");

            List<Message> got = new ArrayList<>();
            CompletableFuture<Throwable> outcome = new CompletableFuture<>();
            try {
                for (Message m : pair.client()) {
                    got.add(m);
                }
                outcome.complete(null);
            } catch (ConnectionClosedErrorException e) {
                outcome.complete(e);
            }

            assertThat(got).containsExactly(Message.text("one"), Message.text("two"), Message.text("three"));
            if (code == 1000 || code == 1001) {
                assertThat(await(outcome)).isNull();
            } else {
                assertThat(await(outcome)).isInstanceOfSatisfying(ConnectionClosedErrorException.class, e -> {
                    assertThat(e.code()).isEqualTo(CloseCode.of(code));
                    assertThat(e.reason()).isEqualTo("the end");
                });
            }
        }
    }

    @Test
    void secondConcurrentReceiverGetsConcurrencyException() throws Exception {
        try (Peers peers = Peers.start()) {
            Peers.Pair pair = peers.connect();
            CompletableFuture<Message> first = new CompletableFuture<>();
            Thread receiver = Thread.ofVirtual().start(() -> first.complete(pair.client().receive()));
            Await.until("the first receiver waiting", PATIENCE, () -> receiver.getState() == Thread.State.WAITING);

            assertThatThrownBy(() -> pair.client().receive(Duration.ofMillis(10)))
                    .isInstanceOf(ConcurrencyException.class).hasMessageContaining("already");
            assertThatThrownBy(() -> pair.client().iterator().hasNext()).isInstanceOf(ConcurrencyException.class);

            pair.server().send("for the first");
            assertThat(await(first)).isEqualTo(Message.text("for the first"));
            pair.server().send("now anyone");
            assertThat(pair.client().receive(PATIENCE)).isEqualTo(Optional.of(Message.text("now anyone")));
            pair.client().close();
        }
    }
}
