package dev.lifeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.protocol.State;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void echo() throws Exception {
        try (WebSocketServer server = WebSocketServer.builder(ws -> {
            for (Message m : ws) {
                ws.send(m);
            }
        }).start()) {
            try (WebSocket ws = WebSocketClient.connect(URI.create("ws://127.0.0.1:" + server.port() + "/"))) {
                ws.send("hello");
                assertThat(ws.receive()).isEqualTo(Message.text("hello"));
                ws.send(new byte[] {1, 2, 3});
                assertThat(ws.receive()).isEqualTo(Message.binary(new byte[] {1, 2, 3}));
                assertThat(ws.ping().get().toNanos()).isPositive();
                ws.close();
                assertThat(ws.state()).isEqualTo(State.CLOSED);
                assertThat(ws.closed().get(1, java.util.concurrent.TimeUnit.SECONDS).code().value()).isEqualTo(1000);
            }
        }
    }
}
