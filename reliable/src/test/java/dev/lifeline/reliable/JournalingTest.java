package dev.lifeline.reliable;

import static dev.lifeline.Message.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/** The commits a journaled session asks of its store: consume-transform-produce, with group commit. */
class JournalingTest {
    /** One commit asked of the store. */
    private record Commit(long consumedBefore, long consumed, long firstSeq, List<Message> sends) {
    }

    /** Records the commits; each completes only when the test says so. */
    private static final class Recording implements SessionJournal {
        final List<Commit> commits = new ArrayList<>();

        @Override
        public CompletionStage<Void> received(long firstSeq, List<Message> messages) {
            return new CompletableFuture<>();
        }

        @Override
        public CompletionStage<Void> commit(long consumedBefore, long consumed, long firstSeq, List<Message> sends) {
            commits.add(new Commit(consumedBefore, consumed, firstSeq, sends));
            return new CompletableFuture<>();
        }

        @Override
        public CompletionStage<Void> acknowledged(long ack) {
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
                new Commit(0, 1, 1, List.of(text("echo 1"))),
                new Commit(1, 2, 2, List.of(text("echo 2"), text("broadcast"))));
    }
}
