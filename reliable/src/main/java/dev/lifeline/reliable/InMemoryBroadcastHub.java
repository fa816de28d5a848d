package dev.lifeline.reliable;

import dev.lifeline.Message;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link BroadcastHub} for the sessions of one process. Thread-safe. */
public final class InMemoryBroadcastHub implements BroadcastHub {
    private final Map<String, Set<ReliableSession>> topics = new ConcurrentHashMap<>();

    @Override
    public void subscribe(String topic, ReliableSession session) {
        Objects.requireNonNull(session, "session");
        topics.computeIfAbsent(Objects.requireNonNull(topic, "topic"), t -> ConcurrentHashMap.newKeySet())
                .add(session);
    }

    @Override
    public void unsubscribe(String topic, ReliableSession session) {
        topics.computeIfPresent(topic, (t, members) -> {
            members.remove(session);
            return members.isEmpty() ? null : members;
        });
    }

    @Override
    public void unsubscribeAll(ReliableSession session) {
        for (String topic : Set.copyOf(topics.keySet())) {
            unsubscribe(topic, session);
        }
    }

    @Override
    public Set<ReliableSession> subscribers(String topic) {
        return Set.copyOf(topics.getOrDefault(topic, Set.of()));
    }

    @Override
    public Map<ReliableSession, CompletableFuture<Void>> publish(String topic, Message message) {
        Objects.requireNonNull(message, "message");
        Map<ReliableSession, CompletableFuture<Void>> sent = new HashMap<>();
        for (ReliableSession session : subscribers(topic)) {
            sent.put(session, session.trySend(message));
        }
        return sent;
    }

    @Override
    public void close() {
        topics.clear();
    }
}
