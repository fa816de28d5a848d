package dev.lifeline;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The loop {@code for (Message m : source)} over a blocking {@code receive()}: each message {@code receive} returns,
 * until it throws. An exception that {@code endsQuietly} accepts ends the loop ({@link #hasNext()} returns false);
 * any other propagates from {@link #hasNext()} or {@link #next()}. {@link WebSocket}, {@link ReconnectingWebSocket}
 * and the reliable layer's sessions iterate through it, each saying what a quiet end is (a normal close, a close by
 * either side).
 *
 * <p>{@link #hasNext()} blocks until a message comes or {@code receive} throws, and keeps the message for
 * {@link #next()}. Interruption is {@code receive}'s: an {@link OperationInterruptedException} is no quiet end, so
 * it propagates, and the interrupt status stays set. Like {@code receive()}, one thread at a time iterates.
 */
public final class MessageIterator implements Iterator<Message> {
    private final Supplier<Message> receive;
    private final Predicate<RuntimeException> endsQuietly;
    /** Received by {@link #hasNext()}, not yet returned by {@link #next()}. */
    private Message next;

    /**
     * @param receive waits for the next message; throws once there is none to come
     * @param endsQuietly whether an exception {@code receive} threw ends the loop rather than propagating
     */
    public MessageIterator(Supplier<Message> receive, Predicate<RuntimeException> endsQuietly) {
        this.receive = Objects.requireNonNull(receive, "receive");
        this.endsQuietly = Objects.requireNonNull(endsQuietly, "endsQuietly");
    }

    @Override
    public boolean hasNext() {
        if (next == null) {
            try {
                next = receive.get();
            } catch (RuntimeException e) {
                if (endsQuietly.test(e)) {
                    return false;
                }
                throw e;
            }
        }
        return true;
    }

    @Override
    public Message next() {
        if (!hasNext()) {
            throw new NoSuchElementException("no message is left to come");
        }
        Message m = next;
        next = null;
        return m;
    }
}
