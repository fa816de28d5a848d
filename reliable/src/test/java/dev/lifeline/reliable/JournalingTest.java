package dev.lifeline.reliable;

import static dev.lifeline.Message.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * The commits a journaled session asks of its store: consume-transform-produce, with group commit; and when the
 * peer's acknowledgement is saved.
 */
class JournalingTest {
    /** One commit asked of the store, with the acknowledgement it carries. */
    private record Commit(long consumedBefore, long consumed, long firstSeq, List<Message> sends, OptionalLong ack) {
    }

    /** Records the commits and the acknowledgements saved alone; each save completes only when the test says so. */
    private static final class Recording implements SessionJournal {
        final List<Commit> commits = new ArrayList<>();
        final List<Long> acknowledgedAlone = new ArrayList<>();

        @Override
        public CompletionStage<Void> received(long firstSeq, List<Message> messages) {
            return new CompletableFuture<>();
        }

        @Override
        public CompletionStage<Void> commit(long consumedBefore, long consumed, long firstSeq, List<Message> sends) {
            return commit(consumedBefore, consumed, firstSeq, sends, OptionalLong.empty());
        }

        @Override
        public CompletionStage<Void> commit(long consumedBefore, long consumed, long firstSeq, List<Message> sends,
                OptionalLong ack) {
            commits.add(new Commit(consumedBefore, consumed, firstSeq, sends, ack));
            return new CompletableFuture<>();
        }

        @Override
        public CompletionStage<Void> acknowledged(long ack) {
            acknowledgedAlone.add(ack);
            return new CompletableFuture<>();
        }
    }

    @Test
    void aBroadcastSentWhileACommitIsUnderWayNeverTakesTheConsumptionBack() {
        Recording journal = new Recording();
        Journaling journaling = new Journaling(journal, new SessionState(1, 0, 0, 0, List.of(), List.of()), 100,
                seq -> { }, seq -> { }, failure -> { });
        journaling.handing();
        journaling.sent(text("echo 1"));
        journaling.handled(); // commit 1 goes: consumed through 1, with its echo
        journaling.handing();
        journaling.sent(text("echo 2"));
        journaling.handled(); // waits for commit 1: consumed through 2
        journaling.sent(text("broadcast")); // no handling under way: waits for commit 1 too
        journaling.committed();

        assertThat(journal.commits).containsExactly(
                new Commit(0, 1, 1, List.of(text("echo 1")), OptionalLong.empty()),
                new Commit(1, 2, 2, List.of(text("echo 2"), text("broadcast")), OptionalLong.empty()));
    }

    @Test
    void anAcknowledgementRidesOnTheCommitOfTheMessageItCameWithAndIsSavedAloneWhenNoSaveIsComing() {
        Recording journal = new Recording();
        Journaling journaling = new Journaling(journal, new SessionState(1, 0, 0, 0, List.of(), List.of()), 100,
                seq -> { }, seq -> { }, failure -> { });
        journaling.received(1, text("m1")); // its save goes
        journaling.acknowledged(1); // on the same DATA: a save is under way
        journaling.unsavedThrough(1);
        journaling.receivedSaved(); // m1 waits to be handed: its commit is coming
        assertThat(journal.acknowledgedAlone).isEmpty();
        journaling.handing();
        journaling.sent(text("echo 1"));
        journaling.handled();
        assertThat(journal.commits).containsExactly(new Commit(0, 1, 1, List.of(text("echo 1")), OptionalLong.of(1)));

        journaling.acknowledged(2); // the commit is under way: it waits
        assertThat(journal.acknowledgedAlone).isEmpty();
        journaling.committed(); // nothing else is coming
        journaling.acknowledged(2);
        journaling.acknowledged(3); // nothing under way or coming: at once
        assertThat(journal.acknowledgedAlone).containsExactly(2L, 3L);
        assertThat(journal.commits).hasSize(1);
    }
}
