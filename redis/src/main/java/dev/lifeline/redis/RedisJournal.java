package dev.lifeline.redis;

import dev.lifeline.Message;
import dev.lifeline.reliable.Session;
import dev.lifeline.reliable.SessionJournal;
import dev.lifeline.reliable.SessionMovedException;
import dev.lifeline.reliable.SessionStoreException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.ScriptOutputType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.function.IntConsumer;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * One session's journal in Redis, for the node that owns it at {@code epoch}: each save is one script call
 * ({@link RedisScripts}), fenced by the epoch and this node's id. Calls are pipelined on the store's one
 * connection, in the order the session makes them. Thread-safe.
 */
final class RedisJournal implements SessionJournal {
    private final RedisSessionStore store;
    private final SessionKeys keys;
    private final long epoch;
    /** Messages taken from the mailbox and sent, whose commit has not been made yet (by identity). */
    private final Set<Message> mail = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
    private volatile IntConsumer mailCommitted = n -> { };

    RedisJournal(RedisSessionStore store, SessionKeys keys, long epoch) {
        this.store = store;
        this.keys = keys;
        this.epoch = epoch;
    }

    long epoch() {
        return epoch;
    }

    SessionKeys keys() {
        return keys;
    }

    @Override
    public CompletionStage<Void> received(long firstSeq, List<Message> messages) {
        return received(firstSeq, messages, OptionalLong.empty());
    }

    /** One script: the messages and the acknowledgement. */
    @Override
    public CompletionStage<Void> received(long firstSeq, List<Message> messages, OptionalLong ack) {
        List<byte[]> args = new ArrayList<>(2 + 2 * messages.size());
        args.add(number(ack.orElse(0)));
        args.add(number(firstSeq));
        long seq = firstSeq;
        for (Message m : messages) {
            args.add(field(m, seq++));
            args.add(payload(m));
        }
        return replicated(save(RedisScripts.RECEIVED, args));
    }

    @Override
    public CompletionStage<Void> commit(long consumedBefore, long consumed, long firstSeq, List<Message> sends) {
        return commit(consumedBefore, consumed, firstSeq, sends, OptionalLong.empty());
    }

    /**
     * One script: the commit and the acknowledgement; the sends that came from the mailbox ({@link #takingMail})
     * are its first entries, removed from it in the same step.
     */
    @Override
    public CompletionStage<Void> commit(long consumedBefore, long consumed, long firstSeq, List<Message> sends,
            OptionalLong ack) {
        List<byte[]> args = new ArrayList<>(5 + 2 * sends.size());
        args.add(number(ack.orElse(0)));
        args.add(number(consumedBefore));
        args.add(number(consumed));
        args.add(number(firstSeq));
        int taken = 0;
        for (Message m : sends) {
            if (mail.remove(m)) {
                taken++;
            }
        }
        args.add(number(taken));
        long seq = firstSeq;
        for (Message m : sends) {
            args.add(field(m, seq++));
            args.add(payload(m));
        }
        CompletionStage<Void> saved = replicated(save(RedisScripts.COMMIT, args));
        if (taken > 0) {
            int n = taken;
            saved.thenRun(() -> mailCommitted.accept(n));
        }
        return saved;
    }

    /** {@code message}, from the mailbox, is about to be sent: its commit removes it from the mailbox. */
    void takingMail(Message message) {
        mail.add(message);
    }

    /** It was not sent after all. */
    void mailNotTaken(Message message) {
        mail.remove(message);
    }

    /** Called with the number of mailbox entries each successful commit removed. */
    void onMailCommitted(IntConsumer committed) {
        this.mailCommitted = committed;
    }

    @Override
    public CompletionStage<Void> acknowledged(long ack) {
        return save(RedisScripts.ACKNOWLEDGED, List.of(number(ack)));
    }

    /** Renews the keys' TTL if the hash has less than the resume window left (fenced; see {@link RedisScripts}). */
    CompletionStage<Void> touch() {
        return save(RedisScripts.TOUCH_OWNED, List.of());
    }

    /** Deletes the session (fenced): it has ended for good. */
    CompletionStage<Void> delete() {
        return save(RedisScripts.DELETE, List.of());
    }

    private CompletionStage<Void> save(byte[] script, List<byte[]> args) {
        byte[][] values = new byte[3 + args.size()][];
        values[0] = number(epoch);
        values[1] = SessionKeys.bytes(store.node());
        values[2] = number(store.window().toMillis());
        for (int i = 0; i < args.size(); i++) {
            values[3 + i] = args.get(i);
        }
        CompletableFuture<Object> call;
        try {
            call = store.commands().eval(script, ScriptOutputType.INTEGER, keys.all(), values).toCompletableFuture();
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        return call.handle((result, failure) -> {
            if (failure != null) {
                throw new CompletionException(failed(failure));
            }
            return null;
        });
    }

    /**
     * With {@link RedisSessionStore.Builder#replicas}, the save counts only once that many replicas have it
     * ({@code WAIT}, sent right after it on the same connection: it covers every write before it).
     */
    private CompletionStage<Void> replicated(CompletionStage<Void> save) {
        CompletionStage<Void> replicas = store.replicated();
        return save.thenCombine(replicas, (a, b) -> null);
    }

    /** What a failed Redis call means for the session: another node took it, or Redis could not save. */
    static SessionStoreException failed(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        String message = String.valueOf(cause.getMessage());
        if (cause instanceof RedisCommandExecutionException && message.startsWith("FENCED")) {
            return new SessionMovedException("another node took the session over (" + message + ")");
        }
        return new SessionStoreException("Redis could not save the session: " + message, cause);
    }

    static byte[] number(long n) {
        return SessionKeys.bytes(Long.toString(n));
    }

    /** The name of message {@code seq}'s field in its stream entry: its kind and its number ({@link RedisScripts}). */
    static byte[] field(Message m, long seq) {
        return SessionKeys.bytes(TopicLog.kind(m) + seq);
    }

    static byte[] kind(Message m) {
        return SessionKeys.bytes(TopicLog.kind(m));
    }

    static byte[] payload(Message m) {
        return Session.payloadOf(m);
    }
}
