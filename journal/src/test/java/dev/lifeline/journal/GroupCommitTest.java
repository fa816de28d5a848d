package dev.lifeline.journal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.reliable.SessionStoreException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database's writer: saves submitted while it commits share the next commit (one fsync), and a save that fails
 * in a shared commit is undone alone.
 */
@Timeout(30)
class GroupCommitTest {
    @TempDir
    Path dir;

    @Test
    void savesSubmittedWhileTheWriterIsBusyShareOneCommitAndAFailingOneIsUndoneAlone() throws Exception {
        try (Database db = Database.open(dir, Duration.ZERO)) {
            db.call(c -> SqliteJournal.update(c, "INSERT INTO session (id, next, acked, recv, used) VALUES"
                    + " ('s', 1, 0, 0, 0)"));
            long before = db.commits();
            CountDownLatch busy = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<Object> blocker = db.submit(c -> {
                busy.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return null;
            });
            busy.await(10, TimeUnit.SECONDS); // the writer is inside the first transaction
            List<CompletableFuture<Integer>> saves = new ArrayList<>();
            for (int i = 1; i <= 100; i++) {
                long seq = i;
                saves.add(db.submit(c -> SqliteJournal.update(c, "UPDATE session SET recv = ? WHERE id = 's'",
                        seq)));
                if (i == 50) {
                    saves.add(db.submit(c -> {
                        SqliteJournal.update(c, "UPDATE session SET used = 99 WHERE id = 's'");
                        throw new SessionStoreException("this save does not follow the previous one", null);
                    }));
                }
            }
            release.countDown();
            blocker.get(10, TimeUnit.SECONDS);
            CompletableFuture<?> failed = saves.remove(50);
            CompletableFuture.allOf(saves.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);

            assertThat(db.commits() - before).isEqualTo(2); // the blocker's, then all 101 in one
            assertThat(failed).failsWithin(Duration.ofSeconds(1)).withThrowableOfType(ExecutionException.class)
                    .withCauseInstanceOf(SessionStoreException.class)
                    .withMessageContaining("does not follow");
            long[] saved = db.call(c -> SqliteJournal.numbers(c, "s"));
            assertThat(saved).containsExactly(1, 0, 100, 0); // next, acked, recv, used: "used" undone
        }
    }
}
