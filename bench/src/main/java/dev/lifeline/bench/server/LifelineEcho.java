package dev.lifeline.bench.server;

import dev.lifeline.Message;
import dev.lifeline.WebSocketOptions;
import dev.lifeline.WebSocketServer;
import java.io.IOException;
import java.time.Duration;

/** Lifeline's echo: the handler a user would write, with keepalive off and a 2 MiB message limit. */
final class LifelineEcho implements EchoServer {
    private final WebSocketServer server;

    LifelineEcho() throws IOException {
        WebSocketOptions options = WebSocketOptions.DEFAULT.withoutKeepalive().withMaxMessageSize(MAX_MESSAGE).withBatchedReplies(true);
        server = WebSocketServer.builder(ws -> {
            for (Message m : ws) {
                ws.send(m);
            }
        }).options(options).start();
    }

    @Override
    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.close(Duration.ofSeconds(2));
    }
}
