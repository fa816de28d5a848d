package dev.lifeline.redis;

import dev.lifeline.Message;
import dev.lifeline.reliable.ServerSession;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Takes the messages other nodes sent to a session this node owns from its mailbox in Redis into the session
 * ({@link ServerSession#trySend}), a page at a time; each leaves the mailbox in the commit that saves it in the
 * outbox ({@link RedisJournal#commit}), so a node that dies in between leaves it in the mailbox for the next owner.
 * One drain at a time per session: a drain asked for while one runs is done after it. Thread-safe.
 */
final class Mailbox {
    private static final int PAGE = 64;

    private final RedisClusterAsyncCommands<byte[], byte[]> commands;
    private final SessionKeys keys;
    private final ServerSession session;
    private final RedisJournal journal;
    private final AtomicBoolean draining = new AtomicBoolean();
    private volatile boolean again;
    /** The drain's own token plus the entries sent and not yet committed; the drain is over at zero. */
    private final AtomicInteger inFlight = new AtomicInteger();

    Mailbox(RedisClusterAsyncCommands<byte[], byte[]> commands, SessionKeys keys, ServerSession session,
            RedisJournal journal) {
        this.commands = commands;
        this.keys = keys;
        this.session = session;
        this.journal = journal;
        journal.onMailCommitted(this::settled);
    }

    /** Takes what the mailbox holds (now, or after the drain under way). */
    void drain() {
        if (!draining.compareAndSet(false, true)) {
            again = true;
            return;
        }
        again = false;
        inFlight.set(1);
        commands.lrange(keys.mailbox(), 0, PAGE - 1).whenComplete((entries, failure) -> {
            if (failure == null && session.closeReason().isEmpty() && send(entries)) {
                again |= entries.size() == PAGE;
            }
            settled(1);
        });
    }

    /** Sends the entries in order; false if one could not be sent (it and those after it stay). */
    private boolean send(List<byte[]> entries) {
        for (byte[] entry : entries) {
            Message message = decode(entry);
            inFlight.incrementAndGet();
            journal.takingMail(message);
            if (session.trySend(message).isCompletedExceptionally()) {
                // the outbox is full or the session ended: it stays in the mailbox, for later or the next owner
                journal.mailNotTaken(message);
                settled(1);
                return false;
            }
        }
        return true;
    }

    private void settled(int entries) {
        if (inFlight.addAndGet(-entries) == 0) {
            draining.set(false);
            if (again) {
                drain();
            }
        }
    }

    static byte[] encode(Message message) {
        byte[] kind = RedisJournal.kind(message);
        byte[] payload = RedisJournal.payload(message);
        byte[] entry = Arrays.copyOf(kind, 1 + payload.length);
        System.arraycopy(payload, 0, entry, 1, payload.length);
        return entry;
    }

    private static Message decode(byte[] entry) {
        return TopicLog.message(entry[0], Arrays.copyOfRange(entry, 1, entry.length));
    }
}
