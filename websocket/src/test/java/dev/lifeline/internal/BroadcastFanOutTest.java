package dev.lifeline.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Message;
import dev.lifeline.WebSocket;
import dev.lifeline.WebSocketClient;
import dev.lifeline.WebSocketMetrics;
import dev.lifeline.WebSocketOptions;
import dev.lifeline.WebSocketServer;
import dev.lifeline.protocol.ConnectionClosedException;
import dev.lifeline.protocol.SharedMessage;
import dev.lifeline.protocol.extension.PerMessageDeflate;
import dev.lifeline.testing.Await;
import dev.lifeline.testing.RawPeer;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code WebSocketServer.broadcast} over real sockets ({@link Broadcast}): many subscribers of every kind (our client
 * compressing without context takeover, with it, or not at all; the JDK's {@code java.net.http} client) receive
 * every message intact and in order, while the frame is encoded once per distinct encoding; and a subscriber that
 * stops reading misses whole messages, each counted, holds at most {@code writeLimit} plus one frame on the server,
 * and slows none of the others.
 */
@Timeout(120)
class BroadcastFanOutTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final WebSocketOptions PLAIN = WebSocketOptions.DEFAULT;
    private static final WebSocketOptions FRUGAL = WebSocketOptions.DEFAULT.withExtensions(
            List.of(PerMessageDeflate.DEFAULT.withoutContextTakeover()));
    private static final WebSocketOptions TAKEOVER = WebSocketOptions.DEFAULT.withExtensions(
            List.of(PerMessageDeflate.DEFAULT));

    /** What one subscriber received, in order. */
    private static final class Subscriber {
        final String kind;
        final Queue<Message> received = new ConcurrentLinkedQueue<>();
        /** A permit per message received. */
        final Semaphore arrived = new Semaphore(0);
        /** How many the test has waited for; only the test's thread touches it. */
        int awaited;

        Subscriber(String kind) {
            this.kind = kind;
        }

        void received(Message m) {
            received.add(m);
            arrived.release();
        }
    }

    @Test
    void everySubscriberOfEveryKindReceivesEveryMessageIntactAndInOrder() throws Exception {
        int messages = 240;
        int window = 12; // at most 12 x 20 KiB in flight per subscriber: below writeLimit, so nobody misses any
        WebSocketOptions serverOptions = TAKEOVER.withWriteLimit(1 << 20).withMaxMessageSize(1 << 20);
        HttpClient http = HttpClient.newHttpClient();
        List<java.net.http.WebSocket> jdk = new ArrayList<>();
        try (WebSocketServer server = WebSocketServer.builder(c -> c.closed().join()).options(serverOptions).start()) {
            List<Subscriber> subscribers = new ArrayList<>();
            List<WebSocket> ours = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                ours.add(subscribe(server, FRUGAL, "frugal", subscribers));
                ours.add(subscribe(server, TAKEOVER, "takeover", subscribers));
                ours.add(subscribe(server, PLAIN, "plain", subscribers));
            }
            for (int i = 0; i < 4; i++) {
                Subscriber s = new Subscriber("java.net.http");
                subscribers.add(s);
                jdk.add(http.newWebSocketBuilder().buildAsync(uri(server), new JdkSubscriber(s))
                        .get(PATIENCE.toSeconds(), TimeUnit.SECONDS));
            }
            awaitConnections(server, subscribers.size());

            List<Message> sent = new ArrayList<>();
            for (int seq = 0; seq < messages; seq++) {
                Message m = message(seq);
                sent.add(m);
                if (seq % 30 == 5) { // a binary one (seq % 3 == 2)
                    SharedMessage shared = SharedMessage.binary(ByteBuffer.wrap(((Message.Binary) m).data()));
                    assertThat(Broadcast.send(connections(server), shared)).isEqualTo(subscribers.size());
                    assertThat(shared.encodings()).as("one frame for the plain, one for the frugal").isEqualTo(2);
                } else {
                    assertThat(server.broadcast(m)).as("queued for every subscriber").isEqualTo(subscribers.size());
                }
                if (seq % window == window - 1) {
                    awaitReceived(subscribers, seq + 1);
                }
            }
            awaitReceived(subscribers, messages);

            for (Subscriber s : subscribers) {
                assertThat(List.copyOf(s.received)).as("what a %s subscriber received", s.kind)
                        .containsExactlyElementsOf(sent);
            }
            for (WebSocket c : ours) {
                c.close();
            }
            for (java.net.http.WebSocket c : jdk) {
                c.sendClose(1000, "").get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            }
        } finally {
            jdk.forEach(java.net.http.WebSocket::abort);
            http.shutdownNow();
        }
    }

    @Test
    void aSubscriberThatStopsReadingMissesWholeMessagesCountedAndHoldsAtMostWriteLimitWhileOthersGetAll()
            throws Exception {
        int messages = 1500;
        int size = 16 * 1024;
        int writeLimit = 128 * 1024;
        AtomicLong dropped = new AtomicLong();
        WebSocketMetrics counting = new WebSocketMetrics() {
            @Override
            public void broadcastDropped(Kind kind, long bytes) {
                assertThat(bytes).isEqualTo(size);
                dropped.incrementAndGet();
            }
        };
        WebSocketOptions options = TAKEOVER.withWriteLimit(writeLimit).withMetrics(counting);
        try (WebSocketServer server = WebSocketServer.builder(c -> c.closed().join()).options(options).start();
                RawPeer slow = RawPeer.connect(server.port())) {
            List<Subscriber> fast = new ArrayList<>();
            List<WebSocket> ours = List.of(subscribe(server, FRUGAL, "frugal", fast), subscribe(server, PLAIN, "plain", fast),
                    subscribe(server, TAKEOVER, "takeover", fast));
            awaitConnections(server, fast.size() + 1);
            Connection slowOnServer = connections(server).stream()
                    .filter(c -> c.remoteAddress().getPort() == slow.socket().getLocalPort()).findFirst().orElseThrow();

            List<Integer> queuedForSlow = new ArrayList<>();
            long mostHeldForSlow = 0;
            for (int seq = 0; seq < messages; seq++) {
                byte[] data = new byte[size];
                ByteBuffer.wrap(data).putInt(0, seq);
                int queued = server.broadcast(Message.binary(data));
                assertThat(queued).isBetween(fast.size(), fast.size() + 1);
                if (queued > fast.size()) {
                    queuedForSlow.add(seq);
                }
                mostHeldForSlow = Math.max(mostHeldForSlow, slowOnServer.queuedBytes());
                if (seq % 4 == 3) {
                    awaitReceived(fast, seq + 1);
                }
            }
            awaitReceived(fast, messages);

            for (Subscriber s : fast) {
                assertThat(s.received).as("a %s subscriber", s.kind).hasSize(messages);
                int expected = 0;
                for (Message m : s.received) {
                    assertThat(((Message.Binary) m).buffer().getInt(0)).isEqualTo(expected++);
                }
            }
            assertThat(queuedForSlow).as("messages queued for the slow subscriber").isNotEmpty()
                    .allMatch(seq -> seq < messages * 3 / 4, "none in the last quarter at least");
            assertThat(dropped.get()).as("each miss counted").isEqualTo(messages - queuedForSlow.size());
            assertThat(mostHeldForSlow).as("bytes waiting on the server for the slow subscriber")
                    .isPositive().isLessThanOrEqualTo(writeLimit + size + 16);
            for (int seq : queuedForSlow) {
                RawPeer.Frame frame = slow.readFrame(PATIENCE);
                assertThat(frame.payload()).as("whole messages, never part of one").hasSize(size);
                assertThat(ByteBuffer.wrap(frame.payload()).getInt(0)).isEqualTo(seq);
            }
            for (WebSocket c : ours) {
                c.close();
            }
        }
    }

    /** Text of 64 bytes or 4 KiB, or binary of 20 KiB, each starting with its sequence number. */
    private static Message message(int seq) {
        String head = seq + ":";
        return switch (seq % 3) {
            case 0 -> Message.text(head + "x".repeat(64 - head.length()));
            case 1 -> Message.text(head + "é".repeat((4096 - head.length()) / 2));
            default -> {
                byte[] data = new byte[20 * 1024];
                data[0] = (byte) seq;
                for (int i = 1; i < data.length; i++) {
                    data[i] = (byte) (i * 31 + seq);
                }
                yield Message.binary(data);
            }
        };
    }

    private static WebSocket subscribe(WebSocketServer server, WebSocketOptions options, String kind,
            List<Subscriber> subscribers) throws Exception {
        Subscriber s = new Subscriber(kind);
        subscribers.add(s);
        WebSocket ws = WebSocketClient.builder().options(options.withMaxMessageSize(1 << 20)).build()
                .open(uri(server));
        Thread.ofVirtual().name("subscriber-" + kind).start(() -> {
            try {
                for (Message m : ws) {
                    s.received(m);
                }
            } catch (ConnectionClosedException e) {
                // the server went away first: the test has failed already, or is over
            }
        });
        return ws;
    }

    /** The JDK's client joins the parts it delivers. */
    private record JdkSubscriber(Subscriber s, StringBuilder text, java.io.ByteArrayOutputStream binary)
            implements java.net.http.WebSocket.Listener {
        JdkSubscriber(Subscriber s) {
            this(s, new StringBuilder(), new java.io.ByteArrayOutputStream());
        }

        @Override
        public CompletionStage<?> onText(java.net.http.WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                s.received(Message.text(text.toString()));
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(java.net.http.WebSocket ws, ByteBuffer data, boolean last) {
            byte[] part = new byte[data.remaining()];
            data.get(part);
            binary.writeBytes(part);
            if (last) {
                s.received(Message.binary(binary.toByteArray()));
                binary.reset();
            }
            ws.request(1);
            return null;
        }
    }

    private static URI uri(WebSocketServer server) {
        return URI.create("ws://127.0.0.1:" + server.port() + "/");
    }

    private static List<Connection> connections(WebSocketServer server) {
        return server.connections().stream().map(Connection.class::cast).toList();
    }

    private static void awaitConnections(WebSocketServer server, int count) throws InterruptedException {
        Await.until(count + " connections", PATIENCE, () -> server.connections().size() == count);
    }

    private static void awaitReceived(List<Subscriber> subscribers, int count) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        for (Subscriber s : subscribers) {
            assertThat(s.arrived.tryAcquire(count - s.awaited, deadline - System.nanoTime(), TimeUnit.NANOSECONDS))
                    .as("a %s subscriber received message %d", s.kind, count - 1).isTrue();
            s.awaited = count;
        }
    }
}
