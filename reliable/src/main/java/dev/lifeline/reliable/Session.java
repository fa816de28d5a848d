package dev.lifeline.reliable;

import dev.lifeline.Message;
import dev.lifeline.protocol.CloseCode;
import dev.lifeline.protocol.InvalidStateException;
import dev.lifeline.protocol.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The logic of one side of a reliable session: sequence numbers, the outbox of unacknowledged messages,
 * cumulative acknowledgements, duplicate detection and what to resend after a resume. Pure: no threads, no
 * sockets, no clock (callers pass {@code nanoTime} values in) and no timers (it answers "an ACK is due at t").
 *
 * <p>Lifecycle: a session starts detached. {@link #resume(long)} attaches it to a connection once the resume
 * handshake has told it the peer's last received sequence number; {@link #detach()} records that the
 * connection is gone. Messages may be sent while detached: they wait in the outbox.
 *
 * <p>A session kept in a shared {@link SessionStore} is <em>journaled</em>: what it sends may be transmitted only once
 * the store has saved it ({@link #savedThrough}), and what it receives may be acknowledged only once the store has
 * saved it ({@link #receivedSavedThrough}), and is then due at once (the save grouped what it covers). An unjournaled
 * session (the default) has both at once.
 *
 * <p>Not thread-safe: its owner serialises calls (one lock per session).
 */
public final class Session {
    private final ReliableOptions options;

    /** Transmitted on the current connection, not yet acknowledged, in sequence order. */
    private final ArrayDeque<Entry> inFlight = new ArrayDeque<>();
    /** Not yet transmitted on the current connection (or not attached), in sequence order; after inFlight. */
    private final ArrayDeque<Entry> waiting = new ArrayDeque<>();
    private long outboxBytes;
    private long nextSeq = 1;
    private long highestTransmitted;
    /** The highest sequence number the peer has acknowledged: it has everything up to here. */
    private long acknowledged;
    /** The highest sequence number received in order from the peer. */
    private long received;
    /** The highest acknowledgement sent to the peer (ACK, DATA or handshake). */
    private long ackSent;
    private long firstUnackedAt;
    /** A duplicate arrived: the peer does not know what we have, so an ACK is owed at once. */
    private boolean duplicateUnacked;
    private long duplicates;
    private boolean attached;
    private final boolean journaled;
    /** Journaled: the highest sequence number sent that the store has saved; only those are transmitted. */
    private long saved;
    /** Journaled: the highest sequence number received that the store has saved; only those are acknowledged. */
    private long receivedSaved;

    private record Entry(long seq, boolean text, byte[] payload) {
        Message message() {
            return text ? Message.text(new String(payload, StandardCharsets.UTF_8)) : Message.binary(payload);
        }
    }

    /**
     * The outcome of {@link #receive}: a message for the application (empty for ACKs and duplicates), and the
     * peer's cumulative acknowledgement after this envelope.
     */
    public record Received(Optional<Message> delivery, long acknowledged) {
    }

    public Session(ReliableOptions options) {
        this(options, false);
    }

    /** A new session; {@code journaled} if a store saves it (see the class comment). */
    public Session(ReliableOptions options, boolean journaled) {
        this.options = Objects.requireNonNull(options, "options");
        this.journaled = journaled;
    }

    /**
     * A journaled session as a store saved it (another node may have run it before): its outbox, numbers and what
     * it received. Everything saved counts as transmitted (the peer may acknowledge any of it).
     */
    public Session(ReliableOptions options, SessionState state) {
        this(options, true);
        for (SessionState.Saved m : state.outbox()) {
            byte[] payload = payloadOf(m.message());
            waiting.add(new Entry(m.seq(), m.message() instanceof Message.Text, payload));
            outboxBytes += payload.length;
        }
        nextSeq = state.nextSeq();
        highestTransmitted = nextSeq - 1;
        saved = nextSeq - 1;
        acknowledged = state.acknowledged();
        received = state.received();
        receivedSaved = received;
        ackSent = received;
    }

    // ------------------------------------------------------------------ sending

    /** Whether a message of {@code payloadBytes} fits in the outbox now. */
    public boolean hasRoomFor(int payloadBytes) {
        return outboxSize() < options.outboxMessages() && outboxBytes + payloadBytes <= options.outboxBytes();
    }

    /**
     * Numbers a message and puts it in the outbox; it is transmitted by {@link #poll} while attached.
     *
     * @return its sequence number
     * @throws IllegalArgumentException if the message alone exceeds the outbox's byte bound
     * @throws InvalidStateException if the outbox is full ({@link #hasRoomFor} said so)
     */
    public long send(Message message) {
        return offer(message).orElseThrow(() -> new InvalidStateException(
                "outbox full: " + outboxSize() + " messages, " + outboxBytes + " bytes"));
    }

    /**
     * Like {@link #send}, but answers empty instead of throwing when the outbox is full.
     *
     * @throws IllegalArgumentException if the message alone exceeds the outbox's byte bound
     */
    public OptionalLong offer(Message message) {
        byte[] payload = payloadOf(message);
        if (payload.length > options.outboxBytes()) {
            throw new IllegalArgumentException("message of " + payload.length + " bytes exceeds the outbox bound of "
                    + options.outboxBytes() + " bytes");
        }
        if (!hasRoomFor(payload.length)) {
            return OptionalLong.empty();
        }
        if (nextSeq > Envelope.MAX_SEQ) {
            throw new InvalidStateException("sequence numbers exhausted");
        }
        Entry entry = new Entry(nextSeq++, message instanceof Message.Text, payload);
        waiting.add(entry);
        outboxBytes += payload.length;
        return OptionalLong.of(entry.seq());
    }

    /** The payload bytes a message takes in an envelope and in the outbox (UTF-8 for text). */
    public static byte[] payloadOf(Message message) {
        return switch (message) {
            case Message.Text t -> t.text().getBytes(StandardCharsets.UTF_8);
            case Message.Binary b -> b.data();
        };
    }

    /**
     * The envelopes to write on the attached connection now, at most {@code max}: DATA not yet transmitted on it
     * (each carrying the current acknowledgement), or else an ACK if one is due at {@code nowNanos}. Empty when
     * detached or when there is nothing to send.
     */
    public List<Envelope> poll(long nowNanos, int max) {
        if (!attached) {
            return List.of();
        }
        List<Envelope> out = new ArrayList<>(Math.min(max, waiting.size() + 1));
        long ack = acknowledgeable();
        while (out.size() < max && transmittable()) {
            Entry e = waiting.poll();
            inFlight.add(e);
            highestTransmitted = Math.max(highestTransmitted, e.seq());
            out.add(new Envelope.Data(e.seq(), ack, e.text(), e.payload()));
        }
        if (out.isEmpty() && ackSchedule(nowNanos) instanceof AckSchedule.Now) {
            out.add(new Envelope.Ack(ack));
        }
        if (!out.isEmpty()) {
            ackSent = ack;
            duplicateUnacked = false;
        }
        return out;
    }

    /** When an ACK is owed, given the time now. */
    public AckSchedule ackSchedule(long nowNanos) {
        if (attached && duplicateUnacked) {
            return new AckSchedule.Now();
        }
        if (!attached || acknowledgeable() == ackSent) {
            return new AckSchedule.None();
        }
        if (journaled) {
            // the store's save already grouped these and took its round trip: waiting longer for DATA to carry the
            // acknowledgement would only delay the peer's send futures
            return new AckSchedule.Now();
        }
        long due = firstUnackedAt + options.ackDelay().toNanos();
        if (acknowledgeable() - ackSent >= options.ackEvery() || nowNanos - due >= 0) {
            return new AckSchedule.Now();
        }
        return new AckSchedule.At(due);
    }

    /**
     * An ACK of everything received, if anything is unacknowledged (and a connection attached); for a graceful
     * close, so that the peer does not count as lost what arrived just before.
     */
    public Optional<Envelope.Ack> ackNow() {
        if (!attached || acknowledgeable() == ackSent && !duplicateUnacked) {
            return Optional.empty();
        }
        ackSent = acknowledgeable();
        duplicateUnacked = false;
        return Optional.of(new Envelope.Ack(ackSent));
    }

    /** Whether {@link #poll} has DATA to return (while attached). */
    public boolean hasUntransmitted() {
        return attached && transmittable();
    }

    /** Whether the next waiting message may be transmitted: there is one, and it is saved (if journaled). */
    private boolean transmittable() {
        return !waiting.isEmpty() && (!journaled || waiting.peek().seq() <= saved);
    }

    // ------------------------------------------------------------------ journaling

    /** Journaled: the store has saved the messages sent through {@code seq}; they may be transmitted. */
    public void savedThrough(long seq) {
        saved = Math.max(saved, Math.min(seq, nextSeq - 1));
    }

    /** Journaled: the store has saved the messages received through {@code seq}; they may be acknowledged. */
    public void receivedSavedThrough(long seq) {
        receivedSaved = Math.max(receivedSaved, Math.min(seq, received));
    }

    /**
     * The highest sequence number received that may be acknowledged: {@link #lastReceived()}, or for a journaled
     * session the highest one its store has saved. What acknowledgements and the resume handshake carry.
     */
    public long acknowledgeable() {
        return journaled ? receivedSaved : received;
    }

    // ------------------------------------------------------------------ receiving

    /**
     * Takes one DATA or ACK envelope from the attached connection. A DATA envelope with the next sequence number
     * is a delivery; one at or below the last received is a duplicate: it is dropped and an ACK becomes due at once
     * (the peer evidently does not know what we have). Its acknowledgement counts either way.
     *
     * @throws ProtocolException (1002) for a gap in sequence numbers, an acknowledgement of something never sent,
     *         or a handshake envelope
     * @throws InvalidStateException when detached
     */
    public Received receive(Envelope envelope, long nowNanos) {
        if (!attached) {
            throw new InvalidStateException("no connection is attached");
        }
        return switch (envelope) {
            case Envelope.Ack a -> new Received(Optional.empty(), acknowledge(a.ack()));
            case Envelope.Data d -> receiveData(d, nowNanos);
            case Envelope.Hello h -> throw violation("HELLO after the resume handshake");
            case Envelope.Welcome w -> throw violation("WELCOME after the resume handshake");
        };
    }

    private Received receiveData(Envelope.Data d, long nowNanos) {
        long ack = acknowledge(d.ack());
        if (d.seq() <= received) {
            duplicates++;
            duplicateUnacked = true;
            return new Received(Optional.empty(), ack);
        }
        if (d.seq() != received + 1) {
            throw violation("sequence gap: expected " + (received + 1) + ", received " + d.seq());
        }
        if (received == ackSent) {
            firstUnackedAt = nowNanos;
        }
        received = d.seq();
        Message message = d.text() ? Message.text(new String(d.payload(), StandardCharsets.UTF_8))
                : Message.binary(d.payload());
        return new Received(Optional.of(message), ack);
    }

    /** Applies a cumulative acknowledgement; returns the acknowledgement now in force. */
    private long acknowledge(long ack) {
        if (ack > highestTransmitted) {
            throw violation("acknowledgement of " + ack + " but only " + highestTransmitted + " were sent");
        }
        if (ack <= acknowledged) {
            return acknowledged;
        }
        acknowledged = ack;
        drop(inFlight, ack);
        drop(waiting, ack);
        return acknowledged;
    }

    private void drop(ArrayDeque<Entry> queue, long through) {
        while (!queue.isEmpty() && queue.peek().seq() <= through) {
            outboxBytes -= queue.poll().payload().length;
        }
    }

    // ------------------------------------------------------------------ connections

    /**
     * Attaches a connection after the resume handshake: the peer has received everything up to
     * {@code peerLastReceived} (that acknowledges it), and every later message in the outbox will be transmitted
     * again, in order. The handshake carried {@link #lastReceived()} to the peer, which counts as an ACK.
     *
     * @throws ProtocolException (1002) if the peer claims messages never sent, or fewer than it acknowledged
     *         before (it lost what it had acknowledged: nothing can be resent)
     * @throws InvalidStateException if already attached
     */
    public void resume(long peerLastReceived) {
        if (attached) {
            throw new InvalidStateException("already attached; detach first");
        }
        checkResume(peerLastReceived);
        acknowledge(peerLastReceived);
        attached = true;
        ackSent = acknowledgeable();
        duplicateUnacked = false;
    }

    /**
     * Checks, without changing anything, that a peer that received up to {@code peerLastReceived} can resume this
     * session.
     *
     * @throws ProtocolException (1002) if not: see {@link #resume}
     */
    public void checkResume(long peerLastReceived) {
        if (peerLastReceived < acknowledged) {
            throw violation("peer reports " + peerLastReceived + " received but had acknowledged " + acknowledged);
        }
        if (peerLastReceived > highestTransmitted) {
            throw violation("peer reports " + peerLastReceived + " received but only " + highestTransmitted
                    + " were sent");
        }
    }

    /** The connection is gone: what it had in flight and unacknowledged waits to be resent after a resume. */
    public void detach() {
        if (!attached) {
            return;
        }
        attached = false;
        while (!inFlight.isEmpty()) {
            waiting.addFirst(inFlight.pollLast());
        }
    }

    // ------------------------------------------------------------------ state

    public boolean isAttached() {
        return attached;
    }

    /** The highest sequence number received in order: what a resume handshake announces. */
    public long lastReceived() {
        return received;
    }

    /** The peer's cumulative acknowledgement: every message up to here has been acknowledged. */
    public long acknowledged() {
        return acknowledged;
    }

    /** The sequence number the next {@link #send} gets. */
    public long nextSeq() {
        return nextSeq;
    }

    /** Unacknowledged messages in the outbox. */
    public int outboxSize() {
        return inFlight.size() + waiting.size();
    }

    /** Payload bytes of the unacknowledged messages in the outbox. */
    public long outboxBytes() {
        return outboxBytes;
    }

    /** How many duplicate DATA envelopes were dropped. */
    public long duplicates() {
        return duplicates;
    }

    /** The messages sent and not acknowledged, in order. */
    public List<Message> unacknowledged() {
        List<Message> all = new ArrayList<>(outboxSize());
        inFlight.forEach(e -> all.add(e.message()));
        waiting.forEach(e -> all.add(e.message()));
        return all;
    }

    private static ProtocolException violation(String message) {
        return new ProtocolException(CloseCode.PROTOCOL_ERROR, message);
    }

    @Override
    public String toString() {
        return "Session[next=" + nextSeq + " acknowledged=" + acknowledged + " received=" + received + " outbox="
                + outboxSize() + (attached ? " attached]" : " detached]");
    }
}
