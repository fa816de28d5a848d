package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Backoff;
import dev.lifeline.Message;
import dev.lifeline.ReconnectPolicy;
import dev.lifeline.WebSocketOptions;
import dev.lifeline.reliable.ReliableClient;
import dev.lifeline.reliable.ReliableOptions;
import dev.lifeline.reliable.SessionOutcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lifeline serve --reliable --state-dir DIR} from the packaged jar, killed with SIGKILL while a client sends
 * and receives and started again on the same directory and port: the client's session is RESUMED with nothing lost
 * or twice. {@code -Dlifeline.stateDir.messages} sets how many messages (the run: 20,000).
 */
@Timeout(180)
class StateDirProcessIT {
    private static final int MESSAGES = Integer.getInteger("lifeline.stateDir.messages", 1_500);

    @TempDir
    Path dir;

    @Test
    void aKilledAndRestartedServerResumesItsSessionsWithEveryEchoOnceAndInOrder() throws Exception {
        Path state = dir.resolve("state");
        LifelineProcess first = serve(state, 0);
        int port = first.endpoint().getPort();
        List<SessionOutcome.Kind> outcomes = new CopyOnWriteArrayList<>();
        LifelineProcess[] second = new LifelineProcess[1];
        try (ReliableClient client = ReliableClient.builder(first.endpoint())
                .options(WebSocketOptions.DEFAULT.withKeepalive(Duration.ofMillis(300), Duration.ofMillis(600)))
                .reliable(ReliableOptions.DEFAULT.withSendTimeout(Duration.ofSeconds(60)))
                .reconnect(ReconnectPolicy.standard(new Backoff(Duration.ofMillis(10), Duration.ofMillis(20), 2.0,
                        Duration.ofMillis(200))))
                .listener(new ReliableClient.Listener() {
                    @Override
                    public void sessionJoined(SessionOutcome outcome) {
                        outcomes.add(outcome.kind());
                    }
                }).connect()) {
            List<CompletableFuture<Void>> sent = new ArrayList<>();
            List<String> echoed = new ArrayList<>();
            for (int i = 0; i < MESSAGES; i++) {
                sent.add(client.send("line " + i));
                if (i == MESSAGES / 3) {
                    first.kill(); // with sends unacknowledged and echoes on their way
                    second[0] = serve(state, port, "--fsync-interval", "100ms"); // the other policy
                }
                if (i >= 100) { // keep at most 100 in flight; read the echoes as they come
                    sent.get(i - 100).get(60, TimeUnit.SECONDS);
                    for (var m = client.receive(Duration.ZERO); m.isPresent(); m = client.receive(Duration.ZERO)) {
                        echoed.add(text(m.get()));
                    }
                }
            }
            while (echoed.size() < MESSAGES) {
                Message m = client.receive(Duration.ofSeconds(60)).orElseThrow(() -> new AssertionError(
                        "no echo after " + echoed.size() + "; server:\n" + second[0].stdout() + second[0].stderr()));
                echoed.add(text(m));
            }
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < MESSAGES; i++) {
                expected.add("line " + i);
            }
            assertThat(echoed).containsExactlyElementsOf(expected);
            assertThat(client.receive(Duration.ofMillis(300))).isEmpty();
            assertThat(outcomes.getFirst()).isEqualTo(SessionOutcome.Kind.NEW);
            assertThat(outcomes.subList(1, outcomes.size())).isNotEmpty()
                    .allMatch(k -> k == SessionOutcome.Kind.RESUMED);
            assertThat(second[0].stdout()).contains("reliable sessions kept in " + state);

            // the directory is the running server's: a second one is refused, and exits 4
            try (LifelineProcess third = LifelineProcess.start("serve", "--reliable", "--port", "0", "--state-dir",
                    state.toString())) {
                assertThat(third.exitCode()).isEqualTo(ExitCodes.CONNECTION_FAILED);
                assertThat(third.stderr()).contains("lifeline serve: cannot use the state directory: the state"
                        + " directory " + state + " is in use by another process (pid ");
            }
        } finally {
            first.close();
            if (second[0] != null) {
                second[0].close();
            }
        }
    }

    @Test
    void anFsyncIntervalWithoutAStateDirectoryIsAUsageError() throws Exception {
        try (LifelineProcess serve = LifelineProcess.start("serve", "--reliable", "--port", "0",
                "--fsync-interval", "50ms")) {
            assertThat(serve.exitCode()).isEqualTo(ExitCodes.USAGE);
            assertThat(serve.stderr()).contains("--fsync-interval needs --state-dir");
        }
    }

    @Test
    void aStateDirectoryWithoutReliableIsAUsageError() throws Exception {
        try (LifelineProcess serve = LifelineProcess.start("serve", "--port", "0", "--state-dir",
                dir.toString())) {
            assertThat(serve.exitCode()).isEqualTo(ExitCodes.USAGE);
            assertThat(serve.stderr()).contains("--state-dir keeps reliable sessions: it needs --reliable");
        }
    }

    /** {@code serve --reliable --state-dir state --port port more}, once it listens (else fails with what it said). */
    private static LifelineProcess serve(Path state, int port, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("serve", "--reliable", "--state-dir", state.toString(),
                "--port", Integer.toString(port)));
        args.addAll(List.of(more));
        LifelineProcess serve = LifelineProcess.start(args.toArray(String[]::new));
        try {
            Eventually.contains(serve::stdout, "listening on ");
        } catch (AssertionError e) {
            serve.close();
            throw new AssertionError(e.getMessage() + "\nstderr:\n" + serve.stderr(), e);
        }
        return serve;
    }

    private static String text(Message m) {
        return ((Message.Text) m).text();
    }
}
