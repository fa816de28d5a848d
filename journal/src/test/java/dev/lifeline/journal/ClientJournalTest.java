package dev.lifeline.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeline.Backoff;
import dev.lifeline.Message;
import dev.lifeline.ReconnectPolicy;
import dev.lifeline.reliable.ClientJournal;
import dev.lifeline.reliable.ReliableClient;
import dev.lifeline.reliable.ReliableServer;
import dev.lifeline.reliable.SendFuture;
import dev.lifeline.reliable.SessionOutcome;
import dev.lifeline.reliable.SessionStoreException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@link ReliableClient} on a {@link SqliteClientJournal}, in this process: a send is persisted before it is
 * acknowledged, what the journal holds is what was persisted, one process per journal, and a torn, truncated or
 * contradictory journal is recovered or refused, never misread. (Killing the client process: ClientCrashTest.)
 */
@Timeout(60)
class ClientJournalTest {
    private static final Backoff QUICK = new Backoff(Duration.ofMillis(5), Duration.ofMillis(10), 2.0,
            Duration.ofMillis(100));

    @TempDir
    Path dir;

    /** A port nothing listens on now (it was free a moment ago). */
    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static ReliableClient client(int port, ClientJournal journal) {
        ReliableClient.Builder b = ReliableClient.builder(URI.create("ws://127.0.0.1:" + port + "/"))
                .options(ChildServer.FAST).reliable(ChildServer.RELIABLE).reconnect(ReconnectPolicy.standard(QUICK));
        return (journal == null ? b : b.journal(journal)).connect();
    }

    /** A client on {@code journal} that counts {@code joined} down on each session it joins. */
    private static ReliableClient client(int port, ClientJournal journal, CountDownLatch joined) {
        return ReliableClient.builder(URI.create("ws://127.0.0.1:" + port + "/"))
                .options(ChildServer.FAST).reliable(ChildServer.RELIABLE).reconnect(ReconnectPolicy.standard(QUICK))
                .journal(journal).listener(new ReliableClient.Listener() {
                    @Override
                    public void sessionJoined(SessionOutcome outcome) {
                        joined.countDown();
                    }
                }).connect();
    }

    private static ReliableServer echoServer(int port) throws IOException {
        return ReliableServer.builder(session -> {
            for (Message m : session) {
                session.send(m);
            }
        }).options(ChildServer.FAST).reliable(ChildServer.RELIABLE).port(port).start();
    }

    @Test
    void aSendIsPersistedWhileNoServerIsThereAndAcknowledgedOnceOneIs() throws Exception {
        int port = freePort();
        try (ReliableClient client = client(port, SqliteClientJournal.open(dir))) {
            List<SendFuture> sent = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                sent.add(client.send("early " + i));
            }
            for (SendFuture f : sent) {
                f.persisted().get(10, TimeUnit.SECONDS);
                assertThat(f).isNotDone();
            }
            try (ReliableServer server = echoServer(port)) {
                CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
                for (int i = 0; i < 20; i++) {
                    assertThat(client.receive(Duration.ofSeconds(10))).contains(Message.text("early " + i));
                }
                client.close();
            }
        }
        // closed: the session ended, and the journal forgot it
        try (SqliteClientJournal journal = SqliteClientJournal.open(dir)) {
            ClientJournal.Saved saved = journal.load();
            assertThat(saved.token()).isEmpty();
            assertThat(saved.state().outbox()).isEmpty();
            assertThat(saved.state().nextSeq()).isEqualTo(1);
        }
    }

    @Test
    void withoutAJournalPersistedCompletesWithTheAcknowledgement() throws Exception {
        int port = freePort();
        try (ReliableClient client = client(port, null)) {
            SendFuture f = client.send("only in memory"); // no server yet: nothing can acknowledge it
            assertThat(f.persisted()).isNotDone();
            try (ReliableServer server = echoServer(port)) {
                f.get(10, TimeUnit.SECONDS);
                assertThat(f.persisted()).isCompleted();
                client.close();
            }
        }
    }

    /** Sends {@code count} messages on a journal with no server to take them, and leaves them there. */
    private void persistUnsent(int count, int size) throws Exception {
        SqliteClientJournal journal = SqliteClientJournal.open(dir);
        ReliableClient client = client(freePort(), journal);
        List<SendFuture> sent = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sent.add(client.send("m" + i + " " + "x".repeat(size)));
        }
        for (SendFuture f : sent) {
            f.persisted().get(10, TimeUnit.SECONDS);
        }
        journal.close(); // the database closes under the client, as if its process had died
    }

    @Test
    void whatWasPersistedIsLoadedAgainInOrder() throws Exception {
        persistUnsent(50, 10);
        try (SqliteClientJournal journal = SqliteClientJournal.open(dir)) {
            ClientJournal.Saved saved = journal.load();
            assertThat(saved.token()).isEmpty();
            assertThat(saved.state().outbox()).extracting(s -> s.message())
                    .containsExactlyElementsOf(range(50, 10));
            assertThatThrownBy(journal::load).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("in use by a client already");
        }
    }

    private static List<Message> range(int count, int size) {
        List<Message> messages = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            messages.add(Message.text("m" + i + " " + "x".repeat(size)));
        }
        return messages;
    }

    @Test
    void aSessionTheServerNoLongerHasIsReplacedInTheJournalByTheNewOne() throws Exception {
        int port = freePort();
        SqliteClientJournal journal = SqliteClientJournal.open(dir);
        CountDownLatch secondJoined = new CountDownLatch(2);
        ReliableClient client = client(port, journal, secondJoined);
        try (ReliableServer first = echoServer(port)) {
            client.send("old").get(10, TimeUnit.SECONDS);
            assertThat(client.receive(Duration.ofSeconds(10))).contains(Message.text("old"));
        }
        String old = client.token().orElseThrow();
        try (ReliableServer second = echoServer(port)) { // in memory: it has no session for the old token
            assertThat(secondJoined.await(20, TimeUnit.SECONDS)).isTrue();
            List<SendFuture> sent = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                sent.add(client.send("new " + i));
            }
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
            for (int i = 0; i < 3; i++) {
                assertThat(client.receive(Duration.ofSeconds(10))).contains(Message.text("new " + i));
            }
            String renewed = client.token().orElseThrow();
            assertThat(renewed).isNotEqualTo(old);
            SendFuture answer = client.send("answer"); // while handling "new 2": saved with its consumption
            assertThat(client.receive(Duration.ZERO)).isEmpty(); // the handling of "new 2" ends: committed
            answer.persisted().get(10, TimeUnit.SECONDS);
            journal.close(); // as if the process died here
            try (SqliteClientJournal reopened = SqliteClientJournal.open(dir)) {
                ClientJournal.Saved saved = reopened.load();
                assertThat(saved.token().map(t -> java.util.Base64.getUrlEncoder().withoutPadding()
                        .encodeToString(t))).contains(renewed);
                // numbered from 1 in the new session: "new 0" to "new 2" were 1 to 3, "answer" 4
                assertThat(saved.state().nextSeq()).isEqualTo(5);
                assertThat(saved.state().consumed()).isEqualTo(3);
            }
        }
    }

    @Test
    void messagesOfALostSessionStillInTheInboxAreHandedBeforeTheNewSessionsOutsideTheJournal() throws Exception {
        int port = freePort();
        SqliteClientJournal journal = SqliteClientJournal.open(dir);
        CountDownLatch joinedTwice = new CountDownLatch(2);
        ReliableClient client = client(port, journal, joinedTwice);
        CompletableFuture<Void> oldAcknowledged = new CompletableFuture<>();
        try (ReliableServer first = ReliableServer.builder(session -> {
            CompletableFuture.allOf(session.send("old 1"), session.send("old 2")).thenRun(() ->
                    oldAcknowledged.complete(null));
            for (Message m : session) {
                session.send(m);
            }
        }).options(ChildServer.FAST).reliable(ChildServer.RELIABLE).port(port).start()) {
            oldAcknowledged.get(10, TimeUnit.SECONDS); // in the client's journal and inbox, not yet handed
        }
        try (ReliableServer second = echoServer(port)) { // in memory: NEW
            assertThat(joinedTwice.await(20, TimeUnit.SECONDS)).isTrue();
            client.send("new 1");
            assertThat(client.receive(Duration.ofSeconds(10))).contains(Message.text("old 1"));
            assertThat(client.receive(Duration.ofSeconds(10))).contains(Message.text("old 2"));
            assertThat(client.receive(Duration.ofSeconds(10))).contains(Message.text("new 1"));
            assertThat(client.receive(Duration.ZERO)).isEmpty(); // the handling of "new 1" ends: committed
            String renewed = client.token().orElseThrow();
            // the commit is saved before anything after it: a save of no consequence, waited for
            client.send("after").persisted().get(10, TimeUnit.SECONDS);
            journal.close(); // as if the process died here
            try (SqliteClientJournal reopened = SqliteClientJournal.open(dir)) {
                ClientJournal.Saved saved = reopened.load();
                assertThat(saved.token().map(t -> java.util.Base64.getUrlEncoder().withoutPadding()
                        .encodeToString(t))).contains(renewed);
                assertThat(saved.state().consumed()).isEqualTo(1); // the new session's "new 1" only
                assertThat(saved.state().nextSeq()).isEqualTo(3);
            }
        }
    }

    @Test
    void aSecondJournalOnTheSameDirectoryIsRefusedNamingTheHolder() {
        try (SqliteClientJournal first = SqliteClientJournal.open(dir)) {
            assertThatThrownBy(() -> SqliteClientJournal.open(dir))
                    .isInstanceOf(SessionStoreException.class)
                    .hasMessageContaining("is in use by another process (pid " + ProcessHandle.current().pid());
        }
        SqliteClientJournal.open(dir).close(); // released on close
    }

    @Test
    void aTruncatedJournalIsRefusedWithAClearError() throws Exception {
        persistUnsent(200, 100);
        Path db = dir.resolve(Database.FILE);
        long size = Files.size(db);
        assertThat(size).isGreaterThan(3 * 4096);
        try (RandomAccessFile f = new RandomAccessFile(db.toFile(), "rw")) {
            f.setLength(size / 2);
        }
        assertThatThrownBy(() -> SqliteClientJournal.open(dir))
                .isInstanceOf(SessionStoreException.class)
                .hasMessageContaining("state database " + db + " is damaged");
    }

    @Test
    void aTornTailOfTheLogIsDroppedAndTheCommitsBeforeItAreLoaded() throws Exception {
        Path copy = dir.resolve("copy");
        Path live = dir.resolve("live");
        SqliteClientJournal journal = SqliteClientJournal.open(live);
        ReliableClient client = client(freePort(), journal);
        for (int i = 0; i < 40; i++) {
            client.send("m" + i + " " + "x".repeat(10)).persisted().get(10, TimeUnit.SECONDS); // one commit each
        }
        // the files as a crash leaves them: the database and its log, with every commit in the log
        Files.createDirectories(copy);
        Files.copy(live.resolve(Database.FILE), copy.resolve(Database.FILE));
        Path wal = copy.resolve(Database.FILE + "-wal");
        Files.copy(live.resolve(Database.FILE + "-wal"), wal);
        journal.close();
        try (RandomAccessFile f = new RandomAccessFile(wal.toFile(), "rw")) {
            f.setLength(f.length() - 100); // the last commit torn in the middle of its frame
        }
        try (SqliteClientJournal recovered = SqliteClientJournal.open(copy)) {
            List<Message> loaded = recovered.load().state().outbox().stream().map(s -> s.message()).toList();
            assertThat(loaded).hasSizeLessThan(40).hasSizeGreaterThan(0);
            assertThat(loaded).containsExactlyElementsOf(range(40, 10).subList(0, loaded.size()));
        }
    }

    @Test
    void aJournalWhoseNumbersContradictItsMessagesIsRefused() throws Exception {
        persistUnsent(5, 1);
        try (Connection c = new org.sqlite.JDBC().connect("jdbc:sqlite:" + dir.resolve(Database.FILE),
                new Properties()); Statement s = c.createStatement()) {
            s.execute("DELETE FROM outbox WHERE seq = 3");
        }
        try (SqliteClientJournal journal = SqliteClientJournal.open(dir)) {
            assertThatThrownBy(journal::load)
                    .isInstanceOf(SessionStoreException.class)
                    .hasMessageContaining("is inconsistent (outbox: 4 saved, 5 expected");
        }
    }

    @Test
    void aServerStateDirectoryAndAClientJournalRefuseEachOther() throws Exception {
        Path server = dir.resolve("server");
        try (ReliableServer s = ReliableServer.builder(session -> {
            for (Message m : session) {
                session.send(m);
            }
        }).options(ChildServer.FAST).port(0).store(JournalSessionStore.builder(server).build()).start();
                ReliableClient c = client(s.port(), null)) {
            c.send("hello").get(10, TimeUnit.SECONDS);
            s.close(); // stopped first: its session stays on disk
        }
        assertThatThrownBy(() -> SqliteClientJournal.open(server))
                .isInstanceOf(SessionStoreException.class).hasMessageContaining("holds a server's sessions");
        persistUnsent(1, 1);
        assertThatThrownBy(() -> JournalSessionStore.builder(dir).build())
                .isInstanceOf(SessionStoreException.class).hasMessageContaining("is a client's journal");
    }
}
