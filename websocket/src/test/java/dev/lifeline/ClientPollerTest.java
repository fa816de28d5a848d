package dev.lifeline;

import static dev.lifeline.Peers.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.UnixOperatingSystemMXBean;
import dev.lifeline.protocol.CloseCode;
import dev.lifeline.protocol.CloseStatus;
import dev.lifeline.protocol.State;
import dev.lifeline.testing.Census;
import dev.lifeline.testing.RawPeer;
import dev.lifeline.testing.RawServer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A plain {@code ws://} client connection reads through a non-blocking socket watched by the poller, as a server's
 * does: while its peer is quiet it holds no thread (counted in a thread dump, virtual threads included), what arrives
 * after a quiet spell is delivered, and a close or a reset is seen with no thread waiting for it.
 */
@Timeout(180)
class ClientPollerTest {
    private static final WebSocketOptions QUIET = WebSocketOptions.DEFAULT.withoutKeepalive();
    private static final int MANY = 2_000;
    /** The two platform threads shared by every connection for the JVM's life, each started on first use. */
    private static final List<String> SHARED = List.of("lifeline-poller", "lifeline-timers");

    @Test
    void anIdleClientConnectionHoldsNoThreadAndGetsWhatArrivesAfterwards() throws Exception {
        try (Peers peers = Peers.start()) {
            Peers.Pair pair = peers.connect(WebSocketClient.builder().options(QUIET).pollIdle(true).build());
            awaitNoThread(readerOf(pair.client()));
            pair.server().send("after a quiet spell");
            assertThat(pair.client().receive(PATIENCE)).contains(Message.text("after a quiet spell"));
            awaitNoThread(readerOf(pair.client()));
            pair.client().send("and back");
            assertThat(pair.server().receive(PATIENCE)).contains(Message.text("and back"));
            pair.client().close();
            assertThat(Peers.await(pair.client().closed())).isEqualTo(new CloseStatus(CloseCode.NORMAL_CLOSURE, ""));
        }
    }

    @Test
    void anIdleListenerConnectionHoldsNoThreadAndItsListenerGetsWhatArrivesAfterwards() throws Exception {
        BlockingQueue<Message> received = new LinkedBlockingQueue<>();
        BlockingQueue<String> opened = new LinkedBlockingQueue<>();
        try (Peers peers = Peers.start()) {
            WebSocket client = WebSocketClient.builder().options(QUIET).pollIdle(true).build().open(peers.uri(),
                    new WebSocketListener() {
                        @Override
                        public void onOpen(WebSocket ws) {
                            opened.add(Thread.currentThread().getName());
                        }

                        @Override
                        public void onMessage(WebSocket ws, Message message) {
                            received.add(message);
                        }
                    });
            WebSocket server = peers.accepted();
            assertThat(opened.poll(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(readerOf(client));
            awaitNoThread(readerOf(client));
            server.send("after a quiet spell");
            assertThat(received.poll(PATIENCE.toMillis(), TimeUnit.MILLISECONDS))
                    .isEqualTo(Message.text("after a quiet spell"));
            awaitNoThread(readerOf(client));
            client.close();
            assertThat(Peers.await(client.closed()).code()).isEqualTo(CloseCode.NORMAL_CLOSURE);
        }
    }

    /**
     * Two thousand client connections to one server in this JVM: while they are quiet none of them holds a reader
     * (nor does the server's side, listener-style): no thread but the two shared ones is added; then each echoes a
     * message; once all are closed, no thread of theirs is left.
     */
    @Test
    void thousandsOfIdleClientConnectionsHoldNoReaderAndAllEcho() throws Exception {
        long limit = ((UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getMaxFileDescriptorCount();
        assertThat(limit).as("descriptors this JVM may hold: both ends of %d connections and what is open", MANY)
                .isGreaterThan(2L * MANY + Census.openFileDescriptors() + 100);
        List<String> before = Census.lifelineThreads();
        try (WebSocketServer server = WebSocketServer.builder((ws, message) -> ws.send(message)).host("127.0.0.1")
                .port(0).backlog(1024).options(QUIET).start()) {
            WebSocketClient client = WebSocketClient.builder().options(QUIET).pollIdle(true).build();
            List<WebSocket> connections = new ArrayList<>();
            try {
                for (int i = 0; i < MANY; i++) {
                    connections.add(client.open(Peers.uri(server)));
                }
                awaitThreads(name -> !before.contains(name) && !SHARED.contains(name), 0);
                for (int i = 0; i < MANY; i++) {
                    connections.get(i).send("echo " + i);
                }
                for (int i = 0; i < MANY; i++) {
                    assertThat(connections.get(i).receive(PATIENCE)).as("echo %d", i)
                            .contains(Message.text("echo " + i));
                }
            } finally {
                connections.forEach(WebSocket::close);
            }
            for (WebSocket ws : connections) {
                assertThat(Peers.await(ws.closed()).code()).isEqualTo(CloseCode.NORMAL_CLOSURE);
            }
        }
        awaitThreads(name -> !before.contains(name) && !SHARED.contains(name), 0);
    }

    @Test
    void aPeerThatClosesIsSeenOnAnIdleConnection() throws Exception {
        try (RawServer raw = RawServer.start()) {
            FutureTask<WebSocket> opening = openAgainst(raw);
            try (RawPeer peer = raw.accept(PATIENCE)) {
                WebSocket client = opening.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
                awaitNoThread(readerOf(client));
                peer.sendClose(1001, "going away");
                assertThat(peer.readUntil(RawPeer.CLOSE, PATIENCE).closeCode()).as("the client's Close echo")
                        .isEqualTo(1001);
                peer.socket().close();
                assertThat(Peers.await(client.closed())).isEqualTo(new CloseStatus(CloseCode.GOING_AWAY,
                        "going away"));
                assertThat(client.state()).isEqualTo(State.CLOSED);
            }
        }
    }

    @Test
    void aResetIsSeenOnAnIdleConnection() throws Exception {
        try (RawServer raw = RawServer.start()) {
            FutureTask<WebSocket> opening = openAgainst(raw);
            try (RawPeer peer = raw.accept(PATIENCE)) {
                WebSocket client = opening.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
                awaitNoThread(readerOf(client));
                peer.socket().setSoLinger(true, 0); // the close below resets the connection
                peer.socket().close();
                assertThat(Peers.await(client.closed()).code()).isEqualTo(CloseCode.ABNORMAL_CLOSURE);
                assertThat(client.closedException()).get().extracting(Throwable::getCause)
                        .isInstanceOf(java.net.SocketException.class);
            }
        }
    }

    /** Starts opening a client connection to {@code raw}, whose handshake the test answers. */
    private static FutureTask<WebSocket> openAgainst(RawServer raw) {
        FutureTask<WebSocket> opening = new FutureTask<>(
                () -> WebSocketClient.builder().options(QUIET).pollIdle(true).build().open(raw.uri("/")));
        Thread.ofVirtual().start(opening);
        return opening;
    }

    @Test
    void byDefaultAClientConnectionKeepsItsReaderParkedInItsRead() throws Exception {
        try (Peers peers = Peers.start()) {
            Peers.Pair pair = peers.connect(QUIET);
            pair.server().send("one");
            assertThat(pair.client().receive(PATIENCE)).contains(Message.text("one"));
            pair.server().send("two"); // the reader delivered "one" and went back to its read: still the same thread
            assertThat(pair.client().receive(PATIENCE)).contains(Message.text("two"));
            assertThat(matching(readerOf(pair.client())::equals)).as("the reader, alive between messages")
                    .hasSize(1);
            pair.client().close();
            Peers.await(pair.client().closed());
            awaitNoThread(readerOf(pair.client()));
        }
    }

    private static String readerOf(WebSocket ws) {
        return "lifeline-reader-" + ws.id();
    }

    /** Waits, at most {@link Peers#PATIENCE}, until no live thread has this name (a reader's run may be ending). */
    private static void awaitNoThread(String name) throws IOException, InterruptedException {
        awaitThreads(name::equals, 0);
    }

    private static void awaitThreads(Predicate<String> which, int count) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        List<String> found = matching(which);
        while (found.size() != count && System.nanoTime() < deadline) {
            Thread.sleep(20);
            found = matching(which);
        }
        assertThat(found).as("matching threads").hasSize(count);
    }

    private static List<String> matching(Predicate<String> which) throws IOException {
        return Census.lifelineThreads().stream().filter(which).toList();
    }
}
