package dev.lifeline.interop;

import dev.lifeline.WebSocket;
import dev.lifeline.WebSocketServer;
import java.io.IOException;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Our server for the peer clients, started before a test class and closed after it (register it with
 * {@code @RegisterExtension}). Its handler hands each connection to the test, which then plays our side of the
 * scenario, and stays until the connection is closed (the handler returning would close it with 1000).
 */
final class OurServer implements BeforeAllCallback, AfterAllCallback {
    private final Handoff<WebSocket> accepted = new Handoff<>("our server", WebSocket::abort);
    private WebSocketServer server;

    /** Opens a peer's client connection to a URI of ours. */
    @FunctionalInterface
    interface PeerClient {
        Peer connect(URI uri) throws Exception;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        server = WebSocketServer.builder(ws -> {
            accepted.add(ws);
            ws.closed().get(1, TimeUnit.MINUTES);
        }).options(Interop.OPTIONS).start();
    }

    /** Connects the peer's client and pairs it with our end of that connection. */
    Link open(PeerClient client) throws Exception {
        accepted.clear();
        Peer theirs = client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/interop"));
        try {
            return new Link(accepted.take(), theirs);
        } catch (AssertionError e) {
            theirs.abort();
            throw e;
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        server.close(Interop.WAIT);
    }
}
