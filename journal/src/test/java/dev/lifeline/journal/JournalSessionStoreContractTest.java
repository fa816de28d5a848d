package dev.lifeline.journal;

import dev.lifeline.redis.SessionStoreContract;
import dev.lifeline.reliable.SessionStore;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;

/** The session store contract (from lifeline-redis' test-jar), kept by the journal store on a fresh directory. */
class JournalSessionStoreContractTest extends SessionStoreContract {
    @TempDir
    Path dir;
    private int stores;

    @Override
    protected SessionStore newStore(Duration window) {
        return JournalSessionStore.builder(dir.resolve("state" + stores++)).window(window).capacity(100).build();
    }
}
