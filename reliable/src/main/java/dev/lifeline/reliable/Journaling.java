package dev.lifeline.reliable;

import dev.lifeline.Message;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * What a journaled session has handed out, saved and committed; guarded by its
 * {@link SessionCore}'s lock, like the session (the callbacks run without it, on the store's threads).
 * Received messages wait here until saved; sends wait for their commit: at once, or with the handling of the
 * message being handled (consume-transform-produce).
 */
final class Journaling {
    private final SessionJournal journal;
    private final int maxUnsaved;
    private final LongConsumer savedThrough;
    private final LongConsumer receivedSavedThrough;
    private final Consumer<Throwable> saveFailed;
    private final ArrayDeque<SessionState.Saved> unsaved = new ArrayDeque<>();
    private final ArrayList<Message> uncommitted = new ArrayList<>();
    /** The sequence number of the last message handed to the application. */
    private long handed;
    /** What the last commit saved as consumed, and the next sequence number it left. */
    private long consumedCommitted;
    private long nextCommitted;
    /** The thread handling message {@link #handed}, until it commits; null when none is being handled. */
    private Thread handler;
    /** The peer's highest acknowledgement, and the highest one put in a save. */
    private long acknowledgedWanted;
    private long acknowledgedSaved;
    /** A save of received messages is under way, through this sequence number. */
    private boolean receiving;
    private long receivedSaving;
    /** A commit is under way; the one asked for meanwhile (consumed, or -1 for none, and how many sends). */
    private boolean committing;
    private long wantedConsumed = -1;
    private int wantedSends;

    /**
     * @param maxUnsaved received messages waiting to be saved beyond which the session stops reading
     * @param savedThrough called (from the store's thread) when the sends through a number are saved
     * @param receivedSavedThrough likewise for received messages
     * @param saveFailed called once, when a save failed first: the session ends on this node
     */
    Journaling(SessionJournal journal, SessionState state, int maxUnsaved, LongConsumer savedThrough,
            LongConsumer receivedSavedThrough, Consumer<Throwable> saveFailed) {
        this.journal = Objects.requireNonNull(journal, "journal");
        this.maxUnsaved = maxUnsaved;
        this.savedThrough = savedThrough;
        this.receivedSavedThrough = receivedSavedThrough;
        java.util.concurrent.atomic.AtomicBoolean failed = new java.util.concurrent.atomic.AtomicBoolean();
        // the saves pipelined after a failed one fail too: the first failure is the one to report
        this.saveFailed = failure -> {
            if (failed.compareAndSet(false, true)) {
                saveFailed.accept(failure);
            }
        };
        this.handed = state.consumed();
        this.consumedCommitted = state.consumed();
        this.nextCommitted = state.nextSeq();
        this.acknowledgedSaved = state.acknowledged();
        this.acknowledgedWanted = acknowledgedSaved;
        this.receivedSaving = state.received();
    }

    SessionJournal journal() {
        return journal;
    }

    /**
     * The next {@code messages} handed to the application are not in this journal (a renewed session's inbox holds
     * the old one's): they are handed without being committed.
     */
    void handOutside(int messages) {
        handed -= messages;
    }

    /** A message from the peer: saved at once, or with the others that come while a save is under way. */
    void received(long seq, Message message) {
        unsaved.add(new SessionState.Saved(seq, message));
        if (!receiving) {
            saveReceived();
        }
    }

    /** The save of received messages under way is done (the endpoint calls it under its lock). */
    void receivedSaved() {
        receiving = false;
        saveReceived();
        saveAcknowledgedAlone();
    }

    /** Saves every received message not yet being saved, in one step (group commit). */
    private void saveReceived() {
        List<Message> batch = new ArrayList<>();
        long first = receivedSaving + 1;
        for (SessionState.Saved m : unsaved) {
            if (m.seq() >= first) {
                batch.add(m.message());
            }
        }
        if (batch.isEmpty()) {
            return;
        }
        long last = first + batch.size() - 1;
        receiving = true;
        receivedSaving = last;
        journal.received(first, batch, acknowledgement()).whenComplete((v, e) -> {
            if (e == null) {
                receivedSavedThrough.accept(last);
            } else {
                saveFailed.accept(e);
            }
        });
    }

    List<Message> unsavedThrough(long seq) {
        List<Message> saved = new ArrayList<>();
        while (!unsaved.isEmpty() && unsaved.peek().seq() <= seq) {
            saved.add(unsaved.poll().message());
        }
        return saved;
    }

    boolean unsavedFull() {
        return unsaved.size() >= maxUnsaved;
    }

    /**
     * The peer acknowledged through {@code ack}: saved with the next save of received messages or commit if one is
     * under way or coming (a received message waits to be handed or is being handled), else at once on its own.
     * At one message in flight, the acknowledgement on a DATA thus rides on the commit of that message's handling.
     */
    void acknowledged(long ack) {
        if (ack > acknowledgedWanted) {
            acknowledgedWanted = ack;
            saveAcknowledgedAlone();
        }
    }

    /** Saves the acknowledgement on its own if it is new and no save that would carry it is under way or coming. */
    private void saveAcknowledgedAlone() {
        if (acknowledgedWanted <= acknowledgedSaved || receiving || committing || handler != null
                || receivedSaving > handed) {
            return;
        }
        acknowledgedSaved = acknowledgedWanted;
        journal.acknowledged(acknowledgedSaved).whenComplete((v, e) -> {
            if (e != null) {
                saveFailed.accept(e);
            }
        });
    }

    /** The acknowledgement for the save about to be issued, if it has one not saved yet. */
    private OptionalLong acknowledgement() {
        if (acknowledgedWanted <= acknowledgedSaved) {
            return OptionalLong.empty();
        }
        acknowledgedSaved = acknowledgedWanted;
        return OptionalLong.of(acknowledgedSaved);
    }

    /** A send was numbered: committed at once, or with the message being handled. */
    void sent(Message message) {
        uncommitted.add(message);
        if (handler == null) {
            commit(consumedCommitted);
        }
    }

    /** The current thread takes the next message from the inbox. */
    void handing() {
        handed++;
        handler = Thread.currentThread();
    }

    /** The current thread asks for the next message, or is done: what it handled is committed. */
    void handled() {
        if (handler == Thread.currentThread()) {
            handler = null;
            commit(Math.max(handed, consumedCommitted));
            saveAcknowledgedAlone(); // if nothing was committed
        }
    }

    /**
     * Commits the consumption through {@code consumed} with every send made so far; while a commit is under way,
     * after it, merged with the others asked for meanwhile (group commit: still one atomic step, which covers the
     * handling of several messages).
     */
    private void commit(long consumed) {
        if (committing) {
            // never backwards: a send from another thread (a broadcast) asks with what was committed, after the
            // handler asked for more; going back would let answers out with their messages saved as unconsumed
            wantedConsumed = Math.max(wantedConsumed, consumed);
            wantedSends = uncommitted.size();
            return;
        }
        issue(consumed, uncommitted.size());
    }

    /** The commit under way is done (the endpoint calls it under its lock): the next one goes. */
    void committed() {
        committing = false;
        if (wantedConsumed >= 0) {
            long consumed = wantedConsumed;
            int sends = wantedSends;
            wantedConsumed = -1;
            wantedSends = 0;
            issue(consumed, sends);
        }
        saveAcknowledgedAlone();
    }

    /** Commits the consumption through {@code consumed} and the first {@code count} uncommitted sends. */
    private void issue(long consumed, int count) {
        if (consumed == consumedCommitted && count == 0) {
            return;
        }
        List<Message> taken = uncommitted.subList(0, count);
        List<Message> sends = List.copyOf(taken);
        taken.clear();
        long last = nextCommitted + sends.size() - 1;
        committing = true;
        journal.commit(consumedCommitted, consumed, nextCommitted, sends, acknowledgement()).whenComplete((v, e) -> {
            if (e == null) {
                savedThrough.accept(last);
            } else {
                saveFailed.accept(e);
            }
        });
        consumedCommitted = consumed;
        nextCommitted = last + 1;
    }
}
