package dev.lifeline.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeline.Message;
import dev.lifeline.reliable.ReliableServer;
import dev.lifeline.reliable.SessionStoreException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The client process killed: a {@link ChildClient} on a journal directory, sending and answering against a real
 * {@link ReliableServer} on 127.0.0.1, is killed with SIGKILL at a random moment, round after round, and started
 * again on the same directory; a last round finishes and closes. Then the server has seen one session (RESUMED
 * after every restart), every message each round persisted exactly once and in order, and an answer to each of its
 * own messages exactly once and in order: the client handed each server message to its application until its
 * handling was committed, never after. While a child runs, this process is refused its journal, naming the child's
 * pid. Under both fsync policies (a kill loses nothing under either). {@code -Dlifeline.crash.rounds} sets the rounds killed (default 6),
 * {@code -Dlifeline.crash.seed} the random kill moments.
 */
@Timeout(600)
class ClientCrashTest {
    private static final int ROUNDS = Integer.getInteger("lifeline.crash.rounds", 6);
    private static final long SEED = Long.getLong("lifeline.crash.seed", System.nanoTime());
    private static final int PER_ROUND = 400;

    @TempDir
    Path dir;

    /** What the server's handlers received, by session token, in order. */
    private final Map<String, List<String>> received = new LinkedHashMap<>();
    private final CountDownLatch finished = new CountDownLatch(1);

    @ParameterizedTest(name = "fsync {0}")
    @ValueSource(strings = {"commit", "50"})
    void aClientKilledAtRandomMomentsResumesItsSessionAndDeliversEachMessageOnceInOrderBothWays(String fsync)
            throws Exception {
        System.err.println("ClientCrashTest: " + ROUNDS + " rounds, -Dlifeline.crash.seed=" + SEED);
        Random random = new Random(SEED);
        Path journal = dir.resolve("journal");
        List<String> joined = new ArrayList<>();
        List<String> persisted = new ArrayList<>();
        try (ReliableServer server = ReliableServer.builder(session -> {
            String token = session.token().orElseThrow();
            for (Message m : session) {
                String text = ((Message.Text) m).text();
                record(token, text);
                if (!text.startsWith("got ")) {
                    session.send("echo:" + text);
                }
                if (text.equals("got echo:done")) {
                    finished.countDown();
                }
            }
        }).options(ChildServer.FAST).reliable(ChildServer.RELIABLE).port(0).start()) {
            for (int round = 0; round <= ROUNDS; round++) {
                boolean last = round == ROUNDS;
                try (ChildClient child = ChildClient.start(journal, server.port(), round, PER_ROUND, last,
                        fsync, dir.resolve("client-" + round + ".log"))) {
                    if (last) {
                        assertThat(child.awaitExit(Duration.ofSeconds(120))).isZero();
                    } else {
                        if (round == 0) { // the journal is the running child's: this process is refused
                            assertThatThrownBy(() -> SqliteClientJournal.open(journal))
                                    .isInstanceOf(SessionStoreException.class)
                                    .hasMessageContaining("in use by another process (pid " + child.pid() + ")");
                        }
                        // a random moment of the round: connecting, resending, sending, answering, or idle. A pause,
                        // not a wait for an event: the kill must land wherever the child is, not after a known step
                        Thread.sleep(random.nextInt(1_200));
                        child.kill();
                    }
                    List<String> out = child.output();
                    out.stream().filter(l -> l.startsWith("JOINED ")).forEach(joined::add);
                    out.stream().filter(l -> l.startsWith("PERSISTED ")).map(l -> l.substring(10))
                            .forEach(persisted::add);
                    if (last) {
                        assertThat(out).contains("CLOSED CLOSED");
                    }
                }
            }
            assertThat(finished.await(30, TimeUnit.SECONDS)).isTrue();
        }
        // one NEW, when the token was first saved; every later session joined was the same one, RESUMED
        assertThat(joined).isNotEmpty();
        assertThat(joined.subList(1, joined.size())).allMatch(j -> j.equals("JOINED RESUMED"));
        List<List<String>> used;
        synchronized (this) {
            used = received.values().stream().filter(l -> !l.isEmpty()).map(List::copyOf).toList();
        }
        assertThat(used).as("sessions that received messages").hasSize(1);
        List<String> all = used.getFirst();
        List<String> sent = all.stream().filter(t -> !t.startsWith("got ")).toList();
        List<String> answers = all.stream().filter(t -> t.startsWith("got ")).toList();

        // the client's messages: each round's persisted ones, a prefix of its sends, once, in order, then "done"
        List<String> expected = new ArrayList<>();
        for (int round = 0; round <= ROUNDS; round++) {
            String prefix = "r" + round + "-";
            long count = sent.stream().filter(t -> t.startsWith(prefix)).count();
            for (int j = 0; j < count; j++) {
                expected.add(prefix + j);
            }
        }
        expected.add("done");
        assertThat(sent).containsExactlyElementsOf(expected);
        assertThat(sent).containsAll(persisted);
        assertThat(sent.stream().filter(t -> t.startsWith("r" + ROUNDS + "-"))).hasSize(PER_ROUND);

        // the server's messages: each handled once by the client application, in order
        assertThat(answers).containsExactlyElementsOf(sent.stream().map(t -> "got echo:" + t).toList());
    }

    private synchronized void record(String token, String text) {
        received.computeIfAbsent(token, t -> new ArrayList<>()).add(text);
    }
}
