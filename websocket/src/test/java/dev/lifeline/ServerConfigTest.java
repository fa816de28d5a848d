package dev.lifeline;

import static dev.lifeline.Peers.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.protocol.handshake.HttpResponse;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A running server reads the configuration its builder held at {@code start()}, never the builder itself. */
@Timeout(30)
class ServerConfigTest {
    @Test
    void changingTheBuilderAfterStartChangesNothingForTheRunningServer() throws Exception {
        WebSocketServer.Builder builder = WebSocketServer.builder(ws -> {
            for (Message m : ws) {
                ws.send(m);
            }
        }).subprotocols("chat");
        try (WebSocketServer server = builder.start()) {
            builder.subprotocols("other").allowedOrigins(Set.of("https://only.example"), false)
                    .processRequest(request -> Optional.of(HttpResponse.of(403, "changed after start")));

            try (WebSocket ws = WebSocketClient.builder().subprotocols("chat").build().open(Peers.uri(server))) {
                assertThat(ws.subprotocol()).contains("chat");
                ws.send("still served as started");
                assertThat(ws.receive(PATIENCE)).contains(Message.text("still served as started"));
            }
        }
    }
}
