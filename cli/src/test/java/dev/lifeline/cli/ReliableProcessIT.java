package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code lifeline connect --reliable} against {@code lifeline serve --reliable}, both run as processes from the
 * packaged jar, the client driven through a pipe: a dropped connection is resumed, every line echoed once.
 */
@Timeout(60)
class ReliableProcessIT {
    private static LifelineProcess server;

    @BeforeAll
    static void serve() throws Exception {
        server = LifelineProcess.serve("--reliable");
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void aPipedSessionSurvivesADroppedConnectionAndEveryLineIsEchoedOnce() throws Exception {
        try (LifelineProcess client = LifelineProcess.start("connect", "--reliable", "--wait", "30s",
                server.endpoint().toString())) {
            client.input("one\n{\"lifeline\":\"drop\"}\ntwo\nthree\n");

            assertThat(client.exitCode()).as(client.stderr()).isEqualTo(ExitCodes.OK);
            assertThat(client.stdout()).isEqualTo("one\ntwo\nthree\n");
            assertThat(client.stderr()).containsSubsequence("= session NEW", "= session is RECONNECTING",
                    "= session RESUMED", "= session is CLOSED\n");
        }
        assertThat(server.stdout()).contains("(echo mode, reliable sessions)");
        Eventually.contains(server::stdout, "r1 session ended after ");
        assertThat(server.stdout()).contains(", 4 messages: CLOSED_BY_PEER");
    }

    @Test
    void aPlainClientIsRefusedWith400AndExitsThree() throws Exception {
        try (LifelineProcess client = LifelineProcess.start("connect", server.endpoint().toString())) {
            client.input("never sent\n");

            assertThat(client.exitCode()).isEqualTo(ExitCodes.HANDSHAKE_REFUSED);
            assertThat(client.stderr()).contains("400 Bad Request: this endpoint speaks the WebSocket subprotocol"
                    + " lifeline.reliable.v1");
        }
    }
}
