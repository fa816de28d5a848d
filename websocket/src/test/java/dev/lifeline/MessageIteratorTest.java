package dev.lifeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The "ends quietly" loop that {@link WebSocket}, {@link ReconnectingWebSocket} and reliable sessions share: which
 * end of {@code receive} ends it, which propagates, and that an interrupt is never taken for an end.
 */
class MessageIteratorTest {
    /** What {@code receive} throws when the source ended in a way the loop counts as normal. */
    private static final class QuietEnd extends RuntimeException {
    }

    /** Returns the messages, then throws {@code end}; counts its calls. */
    private static final class Source implements Supplier<Message> {
        private final ArrayDeque<Message> messages;
        private final RuntimeException end;
        int calls;

        Source(RuntimeException end, Message... messages) {
            this.messages = new ArrayDeque<>(List.of(messages));
            this.end = end;
        }

        @Override
        public Message get() {
            calls++;
            if (messages.isEmpty()) {
                throw end;
            }
            return messages.poll();
        }
    }

    @Test
    void theLoopReturnsEveryMessageThenEndsQuietlyOnTheEndItAccepts() {
        Source source = new Source(new QuietEnd(), Message.text("a"), Message.text("b"));
        List<Message> seen = new ArrayList<>();
        new MessageIterator(source, QuietEnd.class::isInstance).forEachRemaining(seen::add);

        assertThat(seen).containsExactly(Message.text("a"), Message.text("b"));
        assertThat(source.calls).isEqualTo(3);
    }

    @Test
    void hasNextReceivesOnceAndKeepsTheMessageForNext() {
        Source source = new Source(new QuietEnd(), Message.text("a"));
        MessageIterator messages = new MessageIterator(source, QuietEnd.class::isInstance);

        assertThat(messages.hasNext()).isTrue();
        assertThat(messages.hasNext()).isTrue();
        assertThat(source.calls).isEqualTo(1);
        assertThat(messages.next()).isEqualTo(Message.text("a"));
        assertThat(messages.hasNext()).isFalse();
        assertThatThrownBy(messages::next).isInstanceOf(NoSuchElementException.class);
    }

    @Test
    void anEndTheLoopDoesNotAcceptPropagatesFromHasNextAndNext() {
        IllegalStateException failure = new IllegalStateException("closed with 1011");
        MessageIterator fromHasNext = new MessageIterator(new Source(failure), QuietEnd.class::isInstance);
        MessageIterator fromNext = new MessageIterator(new Source(failure), QuietEnd.class::isInstance);

        assertThatThrownBy(fromHasNext::hasNext).isSameAs(failure);
        assertThatThrownBy(fromNext::next).isSameAs(failure);
    }

    @Test
    void anInterruptedReceivePropagatesWithTheInterruptStillSet() {
        OperationInterruptedException interrupted = new OperationInterruptedException("interrupted while waiting",
                new InterruptedException());
        MessageIterator messages = new MessageIterator(() -> {
            Thread.currentThread().interrupt();
            throw interrupted;
        }, e -> e instanceof QuietEnd);
        try {
            assertThatThrownBy(messages::hasNext).isSameAs(interrupted);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }
}
