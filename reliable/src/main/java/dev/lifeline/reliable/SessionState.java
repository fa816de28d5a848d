package dev.lifeline.reliable;

import dev.lifeline.Message;
import java.util.List;
import java.util.Objects;

/**
 * A server session's state as a shared {@link SessionStore} saved it, from which any node resumes the session
 * ({@link ServerSession#restore}).
 *
 * @param nextSeq the sequence number of the server's next message
 * @param acknowledged the highest sequence number the client acknowledged
 * @param received the highest sequence number received from the client (and saved)
 * @param consumed the highest sequence number received whose handling was committed (see {@link SessionJournal})
 * @param outbox the server's messages above {@code acknowledged}, in order: {@code acknowledged + 1} to
 *        {@code nextSeq - 1}
 * @param unconsumed the client's messages above {@code consumed}, in order: {@code consumed + 1} to
 *        {@code received}; they are handed to the handler again
 */
public record SessionState(long nextSeq, long acknowledged, long received, long consumed, List<Saved> outbox,
        List<Saved> unconsumed) {
    /** One saved message and its sequence number. */
    public record Saved(long seq, Message message) {
        public Saved {
            Objects.requireNonNull(message, "message");
        }
    }

    /** @throws IllegalArgumentException if the numbers contradict each other or the messages are not contiguous */
    public SessionState {
        outbox = List.copyOf(outbox);
        unconsumed = List.copyOf(unconsumed);
        if (nextSeq < 1 || acknowledged < 0 || acknowledged >= nextSeq || consumed < 0 || consumed > received) {
            throw new IllegalArgumentException("inconsistent session numbers: next " + nextSeq + ", acknowledged "
                    + acknowledged + ", received " + received + ", consumed " + consumed);
        }
        contiguous("outbox", outbox, acknowledged + 1, nextSeq - 1);
        contiguous("unconsumed messages", unconsumed, consumed + 1, received);
    }

    private static void contiguous(String what, List<Saved> messages, long first, long last) {
        if (messages.size() != last - first + 1) {
            throw new IllegalArgumentException(what + ": " + messages.size() + " saved, " + (last - first + 1)
                    + " expected (" + first + " to " + last + ")");
        }
        for (int i = 0; i < messages.size(); i++) {
            if (messages.get(i).seq() != first + i) {
                throw new IllegalArgumentException(what + ": message " + messages.get(i).seq() + " where "
                        + (first + i) + " was expected");
            }
        }
    }
}
