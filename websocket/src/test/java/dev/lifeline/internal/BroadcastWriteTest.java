package dev.lifeline.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Message;
import dev.lifeline.WebSocket;
import dev.lifeline.WebSocketClient;
import dev.lifeline.WebSocketMetrics;
import dev.lifeline.WebSocketOptions;
import dev.lifeline.WebSocketServer;
import dev.lifeline.protocol.SharedMessage;
import dev.lifeline.testing.RawPeer;
import dev.lifeline.testing.TestTls;
import dev.lifeline.testing.ThreadStarts;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How a broadcast's frame is written ({@link Broadcast}, {@link Outgoing#writeWithoutWaiting}): by one writer thread
 * for all the connections, as far as each non-blocking socket takes it, the rest later by a flush thread, in order,
 * whole, beside the application's own sends; a connection in the middle of a fragmented send misses it, counted; a
 * TLS (blocking) connection gets it from a flush thread. Every step is an order of events over real sockets, never a
 * timing.
 */
@Timeout(120)
class BroadcastWriteTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final WebSocketOptions QUIET = WebSocketOptions.DEFAULT.withoutKeepalive()
            .withMaxMessageSize(1 << 20);
    private static final String LOOPBACK = "ip:127.0.0.1";

    @Test
    void framesForIdleSubscribersAreWrittenByOneThreadNotOneEach() throws Exception {
        assertThat(threadsStartedByABroadcastThatReaches(20)).containsExactly("lifeline-broadcast");
    }

    @Test
    void beyond1024ConnectionsASecondWriterTakesTheRestAndEveryoneReceives() throws Exception {
        assertThat(threadsStartedByABroadcastThatReaches(1025)).as("one writer per 1,024 connections")
                .containsExactly("lifeline-broadcast", "lifeline-broadcast");
    }

    /** Broadcasts to that many idle subscribers; each gets the frame; returns the threads started meanwhile. */
    private static List<String> threadsStartedByABroadcastThatReaches(int subscribers) throws Exception {
        List<RawPeer> peers = new ArrayList<>();
        try (WebSocketServer server = WebSocketServer.builder(c -> c.closed().join()).options(QUIET).start()) {
            for (int i = 0; i < subscribers; i++) {
                peers.add(RawPeer.connect(server.port()));
            }
            awaitConnections(server, peers.size());

            try (ThreadStarts starts = ThreadStarts.record()) {
                assertThat(server.broadcast(Message.text("all"))).isEqualTo(peers.size());
                for (RawPeer peer : peers) {
                    assertThat(peer.readFrame(PATIENCE).text()).isEqualTo("all");
                }
                return starts.stop();
            }
        } finally {
            for (RawPeer peer : peers) {
                peer.close();
            }
        }
    }

    @Test
    void broadcastsFromAListenerThreadReachEveryoneInOrderWhetherTheyKeepUpOrComeInABurst() throws Exception {
        int subscribers = 1100; // two writers per broadcast
        int oneByOne = 5;
        int burst = 20;
        AtomicLong virtualBroadcasts = new AtomicLong();
        WebSocketServer[] self = new WebSocketServer[1];
        List<RawPeer> peers = new ArrayList<>();
        try (WebSocketServer server = WebSocketServer.builder((ws, m) -> {
            if (Thread.currentThread().isVirtual()) {
                virtualBroadcasts.incrementAndGet();
            }
            self[0].broadcast(m);
        }).options(QUIET).start()) {
            self[0] = server;
            for (int i = 0; i < subscribers; i++) {
                peers.add(RawPeer.connect(server.port()));
            }
            awaitConnections(server, peers.size());
            RawPeer publisher = peers.get(0);

            for (int i = 0; i < oneByOne; i++) { // each written before the next: every broadcast keeps up
                publisher.write(RawPeer.frame(true, RawPeer.TEXT, ("m" + i).getBytes(StandardCharsets.UTF_8), true));
                for (RawPeer peer : peers) {
                    assertThat(peer.readFrame(PATIENCE).text()).isEqualTo("m" + i);
                }
            }
            ByteArrayOutputStream frames = new ByteArrayOutputStream();
            for (int i = oneByOne; i < oneByOne + burst; i++) { // in one write: broadcasts may fall behind
                frames.writeBytes(RawPeer.frame(true, RawPeer.TEXT, ("m" + i).getBytes(StandardCharsets.UTF_8), true));
            }
            publisher.write(frames.toByteArray());
            for (RawPeer peer : peers) {
                for (int i = oneByOne; i < oneByOne + burst; i++) {
                    assertThat(peer.readFrame(PATIENCE).text()).isEqualTo("m" + i);
                }
            }
            assertThat(virtualBroadcasts.get()).as("broadcast from a virtual thread").isEqualTo(oneByOne + burst);
        } finally {
            for (RawPeer peer : peers) {
                peer.close();
            }
        }
    }

    @Test
    void aPeerThatDoesNotReadGetsTheRestOfAFrameLaterAndInOrderWhileAnotherReceivesEveryMessage() throws Exception {
        slowPeerGetsTheRestLaterAndInOrder(64 * 1024); // a frame larger than a writer's buffer: written as it is
    }

    @Test
    void framesCopiedIntoTheWritersBufferThatTcpTakesOnlyPartOfReachASlowPeerWholeAndInOrder() throws Exception {
        slowPeerGetsTheRestLaterAndInOrder(16 * 1024); // four fit in a writer's buffer: copied there, written together
    }

    @Test
    void framesThatFitAWritersBufferGoTogetherAndALargerOneAfterThemEachConnectionGettingAllWholeAndInOrder()
            throws Exception {
        ByteBuffer scratch = ByteBuffer.allocateDirect(100); // two 42-byte frames fit, not a third nor a 302-byte one
        int[] sizes = {40, 40, 40, 300, 40};
        List<RawPeer> peers = new ArrayList<>();
        try (WebSocketServer server = WebSocketServer.builder(c -> c.closed().join()).options(QUIET).start()) {
            for (int i = 0; i < 2; i++) {
                peers.add(RawPeer.connect(server.port()));
            }
            awaitConnections(server, peers.size());
            List<Connection> both = connections(server);
            List<SharedMessage> messages = new ArrayList<>();
            for (int i = 0; i < sizes.length; i++) {
                messages.add(SharedMessage.binary(ByteBuffer.wrap(numbered('S', i, sizes[i]))));
            }
            for (Connection c : both) {
                for (SharedMessage m : messages) {
                    assertThat(c.offer(m)).isEqualTo(Broadcast.Offer.QUEUED);
                }
            }

            for (Connection c : both) { // one buffer for both, as a writer goes from connection to connection
                c.writeWithoutWaiting(scratch);
                assertThat(c.queuedBytes()).as("all handed to TCP by this thread").isZero();
            }

            for (RawPeer peer : peers) {
                for (int i = 0; i < sizes.length; i++) {
                    assertNumbered(Message.binary(peer.readFrame(PATIENCE).payload()), 'S', i, sizes[i]);
                }
            }
        } finally {
            for (RawPeer peer : peers) {
                peer.close();
            }
        }
    }

    /**
     * Broadcasts messages of {@code size} bytes to a peer that does not read and to one that does, until the first
     * misses one; then the first reads everything queued for it.
     */
    private static void slowPeerGetsTheRestLaterAndInOrder(int size) throws Exception {
        int writeLimit = 1 << 20;
        try (WebSocketServer server = WebSocketServer.builder(c -> c.closed().join())
                .options(QUIET.withWriteLimit(writeLimit)).start();
                RawPeer slow = RawPeer.connect(server.port())) {
            Connection slowOnServer = only(server);
            WebSocket fast = WebSocketClient.builder().options(QUIET).build().open(uri(server, "ws"));
            awaitConnections(server, 2);
            List<Connection> both = connections(server);

            List<Integer> queuedForSlow = new ArrayList<>();
            int seq = 0;
            // until the slow peer misses one: then more than writeLimit bytes wait for it, the rest of a frame
            // TCP took only part of among them (TCP's buffers on loopback hold a few MiB at most)
            for (boolean missed = false; !missed; seq++) {
                assertThat(seq).as("broadcasts before the slow peer missed one").isLessThan(2000);
                int queued = Broadcast.send(both, SharedMessage.binary(ByteBuffer.wrap(numbered('B', seq, size))));
                assertThat(queued).as("the fast peer is never skipped").isBetween(1, 2);
                if (queued == 2) {
                    queuedForSlow.add(seq);
                }
                missed = queued == 1;
                assertNumbered(fast.receive(), 'B', seq, size);
            }

            for (int expected : queuedForSlow) {
                RawPeer.Frame frame = slow.readFrame(PATIENCE);
                assertNumbered(Message.binary(frame.payload()), 'B', expected, size);
            }
            assertThat(slowOnServer.queuedBytes()).as("everything queued was written once the peer read").isZero();
            fast.close();
        }
    }

    @Test
    void broadcastsAndTheApplicationsOwnSendsFromAnotherThreadArriveWholeAndEachInItsOrder() throws Exception {
        int messages = 200;
        int size = 32 * 1024;
        CountDownLatch go = new CountDownLatch(1);
        try (WebSocketServer server = WebSocketServer.builder(c -> {
            go.await();
            for (int i = 0; i < messages; i++) {
                c.send(numbered('S', i, size));
            }
            c.closed().join();
        }).options(QUIET.withWriteLimit(16 << 20)).start()) {
            WebSocket client = WebSocketClient.builder().options(QUIET).build().open(uri(server, "ws"));
            awaitConnections(server, 1);

            go.countDown();
            for (int i = 0; i < messages; i++) {
                assertThat(server.broadcast(Message.binary(numbered('B', i, size)))).as("below writeLimit").isOne();
            }

            int sends = 0;
            int broadcasts = 0;
            for (int i = 0; i < 2 * messages; i++) {
                Message m = client.receive();
                if (((Message.Binary) m).buffer().get(0) == 'S') {
                    assertNumbered(m, 'S', sends++, size);
                } else {
                    assertNumbered(m, 'B', broadcasts++, size);
                }
            }
            assertThat(sends).isEqualTo(messages);
            assertThat(broadcasts).isEqualTo(messages);
            client.close();
        }
    }

    @Test
    void aConnectionInTheMiddleOfAFragmentedSendMissesTheBroadcastAndTheMissIsCounted() throws Exception {
        AtomicLong dropped = new AtomicLong();
        WebSocketMetrics counting = new WebSocketMetrics() {
            @Override
            public void broadcastDropped(Kind kind, long bytes) {
                dropped.incrementAndGet();
            }
        };
        CountDownLatch firstHalfSent = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        try (WebSocketServer server = WebSocketServer.builder(c -> {
            c.sendText("first half, ", false);
            firstHalfSent.countDown();
            finish.await();
            c.sendText("second half", true);
            c.closed().join();
        }).options(QUIET.withMetrics(counting)).start()) {
            WebSocket client = WebSocketClient.builder().options(QUIET).build().open(uri(server, "ws"));
            assertThat(firstHalfSent.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();

            assertThat(server.broadcast(Message.text("missed"))).as("queued for nobody").isZero();
            assertThat(dropped.get()).as("the miss counted").isOne();

            finish.countDown();
            assertThat(client.receive()).isEqualTo(Message.text("first half, second half"));
            assertThat(server.broadcast(Message.text("after"))).isOne();
            assertThat(client.receive()).as("the next message, never the missed one").isEqualTo(Message.text("after"));
            assertThat(dropped.get()).isOne();
            client.close();
        }
    }

    @Test
    void tlsSubscribersReceiveEveryBroadcastWholeAndInOrder() throws Exception {
        int messages = 60;
        SSLContext serverContext = TestTls.server(LOOPBACK);
        try (WebSocketServer server = WebSocketServer.builder(c -> c.closed().join()).sslContext(serverContext)
                .options(QUIET.withWriteLimit(16 << 20)).start()) {
            WebSocketClient tls = WebSocketClient.builder().options(QUIET).sslContext(TestTls.trusting(LOOPBACK))
                    .build();
            List<WebSocket> clients = List.of(tls.open(uri(server, "wss")), tls.open(uri(server, "wss")));
            awaitConnections(server, clients.size());

            for (int i = 0; i < messages; i++) {
                int size = i % 3 == 2 ? 200 * 1024 : 64; // the large ones take more than one TLS record and write
                assertThat(server.broadcast(Message.binary(numbered('B', i, size)))).isEqualTo(clients.size());
            }

            for (WebSocket client : clients) {
                for (int i = 0; i < messages; i++) {
                    assertNumbered(client.receive(), 'B', i, i % 3 == 2 ? 200 * 1024 : 64);
                }
                client.close();
            }
        }
    }

    /** {@code size} bytes: {@code tag}, {@code seq} as an int, then bytes that depend on both and their place. */
    private static byte[] numbered(char tag, int seq, int size) {
        byte[] data = new byte[size];
        ByteBuffer.wrap(data).put((byte) tag).putInt(seq);
        for (int i = 5; i < size; i++) {
            data[i] = (byte) (i * 31 + seq + tag);
        }
        return data;
    }

    private static void assertNumbered(Message m, char tag, int seq, int size) {
        assertThat(m).isInstanceOf(Message.Binary.class);
        assertThat(((Message.Binary) m).data()).as("message %c%d, whole", tag, seq).isEqualTo(numbered(tag, seq, size));
    }

    private static URI uri(WebSocketServer server, String scheme) {
        return URI.create(scheme + "://127.0.0.1:" + server.port() + "/");
    }

    private static List<Connection> connections(WebSocketServer server) {
        return server.connections().stream().map(Connection.class::cast).toList();
    }

    private static Connection only(WebSocketServer server) throws InterruptedException {
        awaitConnections(server, 1);
        return connections(server).get(0);
    }

    private static void awaitConnections(WebSocketServer server, int count) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (server.connections().size() < count && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(server.connections()).hasSize(count);
    }
}
