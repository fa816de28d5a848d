package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Message;
import dev.lifeline.reliable.ReliableServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lifeline connect --reliable --state-dir DIR} from the packaged jar, killed with SIGKILL and started again on
 * the same directory: the session is RESUMED, the lines typed before the kill reach the server once, and an echo
 * whose handling (printing) was committed is not printed again.
 */
@Timeout(120)
class ConnectStateDirProcessIT {
    @TempDir
    Path dir;

    @Test
    void aKilledConnectStartedAgainOnItsStateDirectoryResumesItsSession() throws Exception {
        Path state = dir.resolve("client");
        List<String> tokens = new CopyOnWriteArrayList<>();
        List<String> received = new CopyOnWriteArrayList<>();
        try (ReliableServer server = ReliableServer.builder(session -> {
            tokens.add(session.token().orElseThrow());
            for (Message m : session) {
                received.add(((Message.Text) m).text());
                session.send(m);
            }
        }).port(0).start()) {
            String uri = "ws://127.0.0.1:" + server.port() + "/";
            try (LifelineProcess first = LifelineProcess.start("connect", "--reliable", "--state-dir",
                    state.toString(), uri)) {
                first.write("one\ntwo\n");
                Eventually.contains(first::stdout, "two");
                assertThat(first.stderr()).contains("= session NEW"); // state lines go to stderr in a pipe

                // the directory is the running client's: a second one is refused, and exits 4
                try (LifelineProcess second = LifelineProcess.start("connect", "--reliable", "--state-dir",
                        state.toString(), uri)) {
                    assertThat(second.exitCode()).isEqualTo(ExitCodes.CONNECTION_FAILED);
                    assertThat(second.stderr()).contains("cannot use the state directory: the state directory "
                            + state + " is in use by another process (pid ");
                }
                // sent after "two" was printed: the server has it only once the handling of "two" is committed
                first.write("three\n");
                Eventually.contains(() -> String.join(",", received), "three");
                first.kill();
            }
            try (LifelineProcess again = LifelineProcess.start("connect", "--reliable", "--state-dir",
                    state.toString(), uri)) {
                // at the end of piped input the command waits for as many replies as lines it sent, and the
                // server's replay of "three" (when the killed process never received it) counts as one: so the end
                // of input comes once "four" is printed
                again.write("four\n");
                Eventually.contains(again::stdout, "four");
                again.input("");
                assertThat(again.exitCode()).isZero();
                assertThat(again.stderr()).contains("= session RESUMED");
                // "three" may be printed again (its handling may not have been committed), the others not
                assertThat(again.stdout().lines().toList()).doesNotContain("one", "two").contains("four");
            }
        }
        assertThat(tokens).hasSize(1);
        assertThat(new ArrayList<>(received)).containsExactly("one", "two", "three", "four");
    }
}
