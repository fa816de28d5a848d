package dev.lifeline;

import static dev.lifeline.Peers.PATIENCE;
import static dev.lifeline.Peers.await;

import dev.lifeline.testing.RawPeer;
import dev.lifeline.testing.RawServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** Our side of a connection, client or server, with a {@link RawPeer} that misbehaves at the other end. */
final class AgainstRaw implements AutoCloseable {
    final WebSocket ours;
    final RawPeer peer;
    private final AutoCloseable owner;
    private final Optional<URI> serverUri;

    private AgainstRaw(WebSocket ours, RawPeer peer, AutoCloseable owner, Optional<URI> serverUri) {
        this.ours = ours;
        this.peer = peer;
        this.owner = owner;
        this.serverUri = serverUri;
    }

    static AgainstRaw open(boolean oursIsServer, WebSocketOptions options) throws Exception {
        return oursIsServer ? ourServer(options) : ourClient(options);
    }

    /** A Lifeline server and a raw client. */
    static AgainstRaw ourServer(WebSocketOptions options) throws Exception {
        Peers peers = Peers.start(b -> b.options(options));
        RawPeer peer = RawPeer.connect(peers.server.port());
        return new AgainstRaw(peers.accepted(), peer, peers, Optional.of(peers.uri()));
    }

    /** A Lifeline client and a raw server. */
    static AgainstRaw ourClient(WebSocketOptions options) throws Exception {
        RawServer server = RawServer.start();
        CompletableFuture<WebSocket> opening = CompletableFuture.supplyAsync(() -> {
            try {
                return WebSocketClient.builder().options(options).build().open(server.uri("/"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        RawPeer peer = server.accept(PATIENCE);
        return new AgainstRaw(await(opening), peer, server, Optional.empty());
    }

    /** Where to reach our server, when ours is the server. */
    Optional<URI> serverUri() {
        return serverUri;
    }

    @Override
    public void close() throws Exception {
        peer.close();
        ours.abort();
        owner.close();
    }
}
