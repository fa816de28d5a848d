package dev.lifeline.internal;

import dev.lifeline.WebSocketOptions;
import dev.lifeline.protocol.ClientProtocol;
import dev.lifeline.protocol.Event;
import dev.lifeline.protocol.Outbound;
import dev.lifeline.protocol.Protocol;
import dev.lifeline.protocol.ServerProtocol;
import dev.lifeline.protocol.handshake.Headers;
import dev.lifeline.testing.Await;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.channels.Pipe;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Two open connections, a client's and a server's, joined in memory: two {@link Pipe}s (one each way) under the
 * poller's watch as {@link Transport.Polled} transports, the same code path as a server's plain socket, with no
 * TCP and no port. The opening handshake is done by the two protocols directly (sans-I/O); the connections start
 * right after it, in the handler style, with their keepalive, closing handshake and write watchdog timed by one stepped clock
 * ({@link #timers}): nothing moves in time until the test steps it.
 *
 * <p>A pipe holds what the kernel buffers for it (64 KiB on Linux): a side that stops reading pushes back on the
 * other, as TCP does.
 */
final class InMemoryPair implements AutoCloseable {
    private static final InetSocketAddress CLIENT_ADDRESS = new InetSocketAddress(InetAddress.getLoopbackAddress(), 1);
    private static final InetSocketAddress SERVER_ADDRESS = new InetSocketAddress(InetAddress.getLoopbackAddress(), 2);

    final Timers timers = Timers.stepped();
    final Connection client;
    final Connection server;

    private InMemoryPair(WebSocketOptions clientOptions, WebSocketOptions serverOptions) throws IOException {
        ClientProtocol clientProtocol = new ClientProtocol(URI.create("ws://in-memory/"), List.of(), Headers.empty(),
                clientOptions.protocolConfig(), Handshakes.newRandom());
        ServerProtocol serverProtocol = new ServerProtocol(serverOptions.protocolConfig());
        clientProtocol.sendRequest();
        List<Event> serverEvents = new ArrayList<>(cross(clientProtocol, serverProtocol));
        serverProtocol.accept(Optional.empty(), Headers.empty());
        serverEvents.addAll(serverProtocol.takeEvents());
        List<Event> clientEvents = cross(serverProtocol, clientProtocol);
        if (!(Handshakes.handshakeEvent(clientEvents) instanceof Event.HandshakeCompleted)) {
            throw new IllegalStateException("the opening handshake failed: " + clientEvents);
        }

        Pipe up = Pipe.open(); // client to server
        Pipe down = Pipe.open(); // server to client
        client = new Connection("c-mem", Transport.polled(down.source(), up.sink(), CLIENT_ADDRESS, SERVER_ADDRESS),
                clientProtocol, clientOptions, clientEvents, timers, closed -> { });
        server = new Connection("s-mem", Transport.polled(up.source(), down.sink(), SERVER_ADDRESS, CLIENT_ADDRESS),
                serverProtocol, serverOptions, serverEvents, timers, closed -> { });
        client.start(null, Reader.FirstRun.NEW_THREAD);
        server.start(null, Reader.FirstRun.NEW_THREAD);
    }

    /** Opens a pair whose sides have these options. */
    static InMemoryPair open(WebSocketOptions clientOptions, WebSocketOptions serverOptions) throws IOException {
        return new InMemoryPair(clientOptions, serverOptions);
    }

    /** Waits for {@code future}, at most {@code Await.PATIENCE}. */
    static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(Await.PATIENCE.toSeconds(), TimeUnit.SECONDS);
    }

    /** What {@code from} has to write, handed to {@code to}: the events it then reports. */
    private static List<Event> cross(Protocol from, Protocol to) {
        for (Outbound item : from.takeOutbound()) {
            switch (item) {
                case Outbound.Data d -> to.receiveData(d.bytes());
                case Outbound.Eof e -> to.receiveEof();
            }
        }
        return to.takeEvents();
    }

    /** Drops both sides (a no-op for one already closed). */
    @Override
    public void close() {
        client.abort();
        server.abort();
    }
}
