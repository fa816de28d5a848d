package dev.lifeline.interop;

import dev.lifeline.WebSocket;
import dev.lifeline.WebSocketClient;
import java.net.URI;

/** One open connection between us and a peer library: our end and theirs. Closing it drops both ends. */
record Link(WebSocket ours, Peer theirs) implements AutoCloseable {
    /** Connects our client to a peer's server and pairs it with the peer's end, handed over by that server. */
    static Link ourClient(URI uri, Handoff<? extends Peer> accepted) throws Exception {
        accepted.clear();
        WebSocket ours = WebSocketClient.builder().options(Interop.OPTIONS).build().open(uri);
        try {
            return new Link(ours, accepted.take());
        } catch (AssertionError e) {
            ours.abort();
            throw e;
        }
    }

    @Override
    public void close() {
        theirs.abort();
        ours.abort();
    }
}
