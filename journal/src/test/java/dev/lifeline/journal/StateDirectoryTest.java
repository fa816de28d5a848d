package dev.lifeline.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeline.Backoff;
import dev.lifeline.Message;
import dev.lifeline.ReconnectPolicy;
import dev.lifeline.reliable.ReliableClient;
import dev.lifeline.reliable.ReliableServer;
import dev.lifeline.reliable.SessionOutcome;
import dev.lifeline.reliable.SessionStoreException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The state directory: one process at a time, a damaged or foreign database refused with a clear error (never read
 * as if it were sound), tokens stored hashed.
 */
@Timeout(60)
class StateDirectoryTest {
    @TempDir
    Path dir;

    /** A state directory with one session saved in it (its client closed without ending it), and the token. */
    private String stateWithASession() throws Exception {
        try (ReliableServer server = echoServer(0);
                ReliableClient client = ReliableClient.builder(URI.create("ws://127.0.0.1:" + server.port() + "/"))
                        .options(ChildServer.FAST).reliable(ChildServer.RELIABLE).connect()) {
            for (int i = 0; i < 200; i++) {
                client.send("message " + i + " ".repeat(100)).get(10, TimeUnit.SECONDS);
            }
            return client.token().orElseThrow();
        }
    }

    @Test
    void aServerClosedGracefullyLeavesItsSessionsOnDiskForTheNextServerOnTheDirectory() throws Exception {
        List<SessionOutcome.Kind> outcomes = new CopyOnWriteArrayList<>();
        ReliableServer first = echoServer(0);
        int port = first.port();
        try (ReliableClient client = ReliableClient.builder(URI.create("ws://127.0.0.1:" + port + "/"))
                .options(ChildServer.FAST).reliable(ChildServer.RELIABLE)
                .reconnect(ReconnectPolicy.standard(new Backoff(Duration.ofMillis(5), Duration.ofMillis(10), 2.0,
                        Duration.ofMillis(100))))
                .listener(new ReliableClient.Listener() {
                    @Override
                    public void sessionJoined(SessionOutcome outcome) {
                        outcomes.add(outcome.kind());
                    }
                }).connect()) {
            for (int i = 0; i < 50; i++) {
                client.send("before " + i).get(10, TimeUnit.SECONDS);
            }
            first.close(); // 1001 to the client, which retries; the session stays on disk
            try (ReliableServer second = echoServer(port)) {
                List<CompletableFuture<Void>> sent = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    sent.add(client.send("after " + i));
                }
                CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
                for (String phase : List.of("before ", "after ")) {
                    for (int i = 0; i < 50; i++) {
                        assertThat(client.receive(Duration.ofSeconds(10))).contains(Message.text(phase + i));
                    }
                }
                assertThat(client.receive(Duration.ofMillis(200))).isEmpty();
                assertThat(outcomes).containsExactly(SessionOutcome.Kind.NEW, SessionOutcome.Kind.RESUMED);
                assertThat(second.sessions()).hasSize(1);
            }
        } finally {
            first.close();
        }
    }

    private ReliableServer echoServer(int port) throws IOException {
        return ReliableServer.builder(session -> {
            for (Message m : session) {
                session.send(m);
            }
        }).options(ChildServer.FAST).reliable(ChildServer.RELIABLE).port(port)
                .store(JournalSessionStore.builder(dir).build()).start();
    }

    @Test
    void aSecondStoreOnTheSameDirectoryIsRefusedWhileTheFirstIsOpen() {
        try (JournalSessionStore first = JournalSessionStore.builder(dir).build()) {
            assertThatThrownBy(() -> JournalSessionStore.builder(dir).build())
                    .isInstanceOf(SessionStoreException.class)
                    .hasMessageContaining("is in use by another process (pid " + ProcessHandle.current().pid());
        }
        JournalSessionStore.builder(dir).build().close(); // released on close
    }

    @Test
    void aTruncatedDatabaseIsRefusedWithAClearError() throws Exception {
        stateWithASession();
        Path db = dir.resolve(Database.FILE);
        long size = Files.size(db);
        assertThat(size).isGreaterThan(3 * 4096);
        try (RandomAccessFile f = new RandomAccessFile(db.toFile(), "rw")) {
            f.setLength(size / 2);
        }
        assertThatThrownBy(() -> JournalSessionStore.builder(dir).build())
                .isInstanceOf(SessionStoreException.class)
                .hasMessageContaining("state database " + db + " is damaged")
                .hasMessageContaining("refusing to start on it");
    }

    @Test
    void aDatabaseWithAPageOverwrittenIsRefusedWithAClearError() throws Exception {
        stateWithASession();
        Path db = dir.resolve(Database.FILE);
        byte[] garbage = new byte[4096];
        Arrays.fill(garbage, (byte) 0x5a);
        try (RandomAccessFile f = new RandomAccessFile(db.toFile(), "rw")) {
            f.seek(Files.size(db) - 4096); // the last page: some table's
            f.write(garbage);
        }
        assertThatThrownBy(() -> JournalSessionStore.builder(dir).build())
                .isInstanceOf(SessionStoreException.class)
                .hasMessageContaining("is damaged");
    }

    @Test
    void aFileThatIsNoDatabaseIsRefused() throws IOException {
        Files.write(dir.resolve(Database.FILE), "not a database at all, just text\n".repeat(200)
                .getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> JournalSessionStore.builder(dir).build())
                .isInstanceOf(SessionStoreException.class)
                .hasMessageContaining("is damaged");
    }

    @Test
    void anotherApplicationsDatabaseIsRefusedAndLeftAlone() throws Exception {
        Path db = dir.resolve(Database.FILE);
        try (Connection c = new org.sqlite.JDBC().connect("jdbc:sqlite:" + db, new Properties());
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE accounts (name TEXT)");
        }
        String before = Arrays.toString(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(db)));
        assertThatThrownBy(() -> JournalSessionStore.builder(dir).build())
                .isInstanceOf(SessionStoreException.class)
                .hasMessageContaining("is not a Lifeline state database");
        assertThat(Arrays.toString(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(db))))
                .isEqualTo(before);
    }

    @Test
    void theTokenIsStoredOnlyHashed() throws Exception {
        String token = stateWithASession();
        String files = new String(Files.readAllBytes(dir.resolve(Database.FILE)), StandardCharsets.ISO_8859_1);
        assertThat(files).contains(JournalSessionStore.idOf(token)).doesNotContain(token);
    }

    @Test
    void theFsyncIntervalMustBePositive() {
        assertThatThrownBy(() -> JournalSessionStore.builder(dir).fsyncEvery(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
