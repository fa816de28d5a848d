package dev.lifeline.internal;

import dev.lifeline.Message;
import dev.lifeline.OperationInterruptedException;
import dev.lifeline.WebSocketMetrics.Kind;
import dev.lifeline.WebSocketOptions;
import dev.lifeline.protocol.ConnectionClosedException;
import dev.lifeline.protocol.InvalidStateException;
import dev.lifeline.protocol.Outbound;
import dev.lifeline.protocol.Protocol;
import dev.lifeline.protocol.SharedMessage;
import dev.lifeline.protocol.frame.Opcode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The bodies of a connection's send methods, on the caller's thread: each encodes its frame under the connection's
 * lock, then lets {@link Outgoing} write it (or defer it for a batch) without the lock.
 */
final class Sender {
    private final ProtocolGuard guard;
    private final Protocol protocol;
    private final Outgoing outgoing;
    private final Pings pings;
    /** Asked whether the sending thread receives more messages next (then its sends may be batched). */
    private final Reader reader;
    private final WebSocketOptions options;

    /** A high surrogate left at the end of a text fragment, sent with the next one. Guarded by the lock. */
    private char pendingHighSurrogate;

    Sender(ProtocolGuard guard, Protocol protocol, Outgoing outgoing, Pings pings, Reader reader,
            WebSocketOptions options) {
        this.guard = guard;
        this.protocol = protocol;
        this.outgoing = outgoing;
        this.pings = pings;
        this.reader = reader;
        this.options = options;
    }

    void send(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8); // ours alone: lent even if the write is deferred
        sendFrame(() -> protocol.sendLent(Opcode.TEXT, ByteBuffer.wrap(utf8)), utf8.length);
        guard.telemetry.sent(Kind.TEXT, 1, utf8.length);
    }

    /**
     * The caller's bytes are lent to the protocol (not copied) only when the send cannot return before they are
     * written: more than {@code writeLimit} bytes are never deferred for a batch.
     */
    void send(ByteBuffer data) {
        ByteBuffer payload = data.duplicate();
        int size = payload.remaining();
        if (size > options.writeLimit() && payload.hasArray()) {
            sendFrame(() -> protocol.sendLent(Opcode.BINARY, payload), size);
        } else {
            sendFrame(() -> protocol.sendBinary(payload, true), size);
        }
        guard.telemetry.sent(Kind.BINARY, 1, size);
    }

    void send(Message message) {
        switch (message) {
            case Message.Text t -> send(t.text());
            case Message.Binary b -> send(ByteBuffer.wrap(b.data()));
        }
    }

    void sendText(CharSequence fragment, boolean last) {
        String text = fragment.toString();
        sendFrame(() -> {
            boolean continuing = continuingLocked(Opcode.TEXT);
            String whole = pendingHighSurrogate == 0 ? text : pendingHighSurrogate + text;
            char carry = 0;
            if (!last && !whole.isEmpty() && Character.isHighSurrogate(whole.charAt(whole.length() - 1))) {
                carry = whole.charAt(whole.length() - 1);
                whole = whole.substring(0, whole.length() - 1);
            }
            ByteBuffer utf8 = ByteBuffer.wrap(whole.getBytes(StandardCharsets.UTF_8));
            if (continuing) {
                protocol.sendContinuation(utf8, last);
            } else {
                protocol.sendText(utf8, last);
            }
            pendingHighSurrogate = carry;
        }, text.length());
        guard.telemetry.sentText(last ? 1 : 0, text);
    }

    void sendBinary(ByteBuffer fragment, boolean last) {
        ByteBuffer data = fragment.duplicate();
        sendFrame(() -> {
            if (continuingLocked(Opcode.BINARY)) {
                protocol.sendContinuation(data, last);
            } else {
                protocol.sendBinary(data, last);
            }
        }, data.remaining());
        guard.telemetry.sent(Kind.BINARY, last ? 1 : 0, data.remaining());
    }

    /**
     * Whether a fragmented {@code kind} message is in progress, so the next fragment is a continuation; throws if
     * a fragmented message of the other kind is. Caller holds the connection's lock.
     */
    private boolean continuingLocked(Opcode kind) {
        assert guard.lock.isHeldByCurrentThread();
        Opcode open = protocol.fragmentedMessage().orElse(null);
        if (open != null && open != kind) {
            throw new InvalidStateException("a fragmented " + open + " message is in progress; finish it first");
        }
        return open != null;
    }

    /**
     * Encodes under the lock (after waiting for room below the write limit), then writes, returning once the
     * frame is handed to TCP.
     *
     * @throws ConnectionClosedException when the connection is closed, or fails before the frame is written
     * @throws OperationInterruptedException when the thread is interrupted while it waits for room (nothing is sent),
     *     or in a blocking write that the interrupt cut short (the connection is lost)
     */
    private void sendFrame(Runnable encode, int size) {
        long start = guard.telemetry.timingSends() ? System.nanoTime() : 0;
        long end;
        guard.lock.lock();
        try {
            outgoing.awaitRoomLocked(size);
            try {
                encode.run();
            } catch (ConnectionClosedException e) {
                throw guard.closedExceptionLocked();
            }
            guard.afterProtocolLocked();
            end = outgoing.queuedLocked();
            // Replies sent while more received messages wait are written together, before the receiving thread
            // next blocks: one syscall for a batch instead of one per frame.
            if (options.batchReplies() && outgoing.pendingBytesLocked() <= options.writeLimit()
                    && reader.receivingMoreLocked()) {
                outgoing.deferLocked();
                guard.telemetry.sendBlocked(start);
                return;
            }
        } finally {
            guard.lock.unlock();
        }
        outgoing.flush(true);
        if (!outgoing.written(end)) {
            ConnectionClosedException closed = guard.closedException().orElseThrow();
            if (Thread.currentThread().isInterrupted()) {
                // the JDK closes a blocking socket whose virtual thread is interrupted in a write
                throw new OperationInterruptedException("interrupted while writing; the connection is lost", closed);
            }
            throw closed;
        }
        guard.telemetry.sendBlocked(start);
    }

    /**
     * Queues a broadcast's frame unless more than {@code writeLimit} bytes already wait (a slow reader) or the
     * application is in the middle of a fragmented message, and counts it as sent or dropped. Writing it is left to the
     * broadcast's writer (see {@link Broadcast}), so that the broadcasting thread never waits for this peer.
     */
    Broadcast.Offer offer(SharedMessage message) {
        Broadcast.Offer offer;
        guard.lock.lock();
        try {
            if (!guard.isOpenLocked()) {
                return Broadcast.Offer.NOT_OPEN;
            }
            if (protocol.fragmentedMessage().isPresent() || outgoing.pendingBytesLocked() > options.writeLimit()) {
                offer = Broadcast.Offer.DROPPED;
            } else {
                Outbound.Data shared = protocol.sendSharedFrame(message);
                guard.afterProtocolLocked();
                if (shared != null) {
                    outgoing.queueLocked(shared); // after what the protocol had to write first, if anything
                }
                offer = Broadcast.Offer.QUEUED;
            }
        } finally {
            guard.lock.unlock();
        }
        Kind kind = message.opcode() == Opcode.TEXT ? Kind.TEXT : Kind.BINARY;
        if (offer == Broadcast.Offer.QUEUED) {
            guard.telemetry.sent(kind, 1, message.size());
        } else {
            guard.telemetry.broadcastDropped(kind, message.size());
        }
        return offer;
    }

    CompletableFuture<Duration> ping() {
        CompletableFuture<Duration> answer;
        guard.lock.lock();
        try {
            answer = pings.sendPingLocked();
            guard.afterProtocolLocked();
        } finally {
            guard.lock.unlock();
        }
        outgoing.flush(true);
        return answer;
    }
}
