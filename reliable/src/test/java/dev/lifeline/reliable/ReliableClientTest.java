package dev.lifeline.reliable;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Message;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A reliable client against a reliable server over loopback: sending, acknowledging, receiving, closing. */
@Timeout(20)
class ReliableClientTest {
    @Test
    void sendFutureCompletesWhenTheServerAcknowledgesAndTheEchoArrives() throws Exception {
        try (ReliableServer server = Loopback.echoServer();
                ReliableClient client = Loopback.client(server.port()).connect()) {
            client.send("hello").get(5, TimeUnit.SECONDS);
            client.send(new byte[] {1, 2, 3}).get(5, TimeUnit.SECONDS);
            assertThat(client.receive(Duration.ofSeconds(5))).contains(Message.text("hello"));
            assertThat(client.receive(Duration.ofSeconds(5))).contains(Message.binary(new byte[] {1, 2, 3}));
            assertThat(client.state()).isEqualTo(ReliableClient.State.OPEN);
            assertThat(client.token()).isPresent();
        }
    }
}
