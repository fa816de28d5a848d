package dev.lifeline;

import static dev.lifeline.Peers.PATIENCE;
import static dev.lifeline.Peers.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.testing.LogCapture;
import dev.lifeline.testing.RawPeer;
import java.util.List;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Logging goes through {@link System.Logger}, and every line says which connection it is about: {@code [c1f]} for
 * a client connection, {@code [s2a]} for a server one, {@code [server 127.0.0.1:port]} for the server itself.
 */
@Timeout(20)
class LoggingTest {
    /** A connection's id, the server's address, or (for a handshake that opened no connection) the peer's. */
    private static final String TAGGED = "\\[(c[0-9a-z]+|s[0-9a-z]+|server [^\\]]+|[0-9a-f.:\\[\\]]+:\\d+)\\] .+";

    @Test
    void everyLineCarriesTheConnectionId() throws Exception {
        try (LogCapture log = new LogCapture()) {
            String clientId;
            try (Peers peers = Peers.start()) {
                Peers.Pair pair = peers.connect();
                clientId = pair.client().id();
                pair.client().send("hello");
                pair.server().receive();
                await(pair.client().ping());
                pair.client().close();
                try (RawPeer bad = RawPeer.connect(peers.server.port())) {
                    bad.write(RawPeer.frame(true, RawPeer.TEXT, new byte[] {'x'}, false));
                    bad.readUntil(RawPeer.CLOSE, PATIENCE);
                }
                RawPeer.exchange(peers.server.port(), "GET / HTTP/1.1\r\n\r\n", PATIENCE);
            }

            List<String> lines = log.records().stream().map(LogRecord::getMessage).toList();
            assertThat(lines).hasSizeGreaterThan(10).allMatch(line -> line.matches(TAGGED), "tagged");
            assertThat(lines).anyMatch(line -> line.startsWith("[" + clientId + "] "));
            assertThat(lines).anyMatch(line -> line.contains("frame from client is not masked")
                    || line.contains("not masked"));
        }
    }

    /** Closing the server stops its accept loop quietly: no warning, and no pause before it returns. */
    @Test
    void closingAServerLogsNoWarning() throws Exception {
        try (LogCapture log = new LogCapture()) {
            WebSocketServer server = WebSocketServer.builder(ws -> { }).start();
            WebSocketClient.connect(Peers.uri(server)).close();
            Thread.sleep(100); // the accept loop is waiting for the next connection when close() cuts it short
            server.close();

            assertThat(log.records()).noneMatch(r -> r.getLevel().intValue() >= java.util.logging.Level.WARNING
                    .intValue());
        }
    }
}
