package dev.lifeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.lifeline.WebSocketMetrics.ClosedFirst;
import dev.lifeline.WebSocketMetrics.Kind;
import dev.lifeline.protocol.CloseCode;
import dev.lifeline.protocol.Side;
import dev.lifeline.protocol.handshake.HandshakeException;
import dev.lifeline.protocol.handshake.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What connections tell their {@link WebSocketMetrics} and the flight recorder, over real loopback sockets: exact
 * message and byte counts both ways, closes with their codes and who closed first, refused handshakes with their
 * status, handshakes in flight back to zero, and the JFR events with their fields.
 */
@Timeout(30)
class MetricsTest {
    private static final Duration PATIENCE = Peers.PATIENCE;

    /** Records every call, per side; thread-safe as the contract asks. */
    static final class Recorded implements WebSocketMetrics {
        final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger open = new AtomicInteger();
        final List<Integer> refused = new CopyOnWriteArrayList<>();
        final LinkedBlockingQueue<String> closes = new LinkedBlockingQueue<>();

        private void add(String key, long n) {
            counts.computeIfAbsent(key, k -> new AtomicLong()).addAndGet(n);
        }

        long count(String key) {
            AtomicLong n = counts.get(key);
            return n == null ? 0 : n.get();
        }

        @Override
        public void handshakeStarted() {
            inFlight.incrementAndGet();
        }

        @Override
        public void handshakeEnded() {
            inFlight.decrementAndGet();
        }

        @Override
        public void handshakeRefused(int status) {
            refused.add(status);
        }

        @Override
        public void opened(Side side, Duration handshake) {
            open.incrementAndGet();
            add(side.name() + " opened", 1);
        }

        @Override
        public void closed(Side side, Duration openFor, Optional<CloseCode> sent, Optional<CloseCode> received,
                ClosedFirst first) {
            open.decrementAndGet();
            closes.add(side.name() + " sent " + sent.map(CloseCode::value).orElse(0) + " received "
                    + received.map(CloseCode::value).orElse(0) + " first " + first);
        }

        @Override
        public void received(Side side, Kind kind, int messages, long bytes) {
            add(side.name() + " in " + kind, messages);
            add(side.name() + " in " + kind + " bytes", bytes);
        }

        @Override
        public void sent(Side side, Kind kind, int messages, long bytes) {
            add(side.name() + " out " + kind, messages);
            add(side.name() + " out " + kind + " bytes", bytes);
        }

        @Override
        public void pingAnswered(Side side, Duration roundTrip) {
            add(side.name() + " pongs", 1);
        }

        @Override
        public void sendBlocked(Side side, long nanos) {
            add(side.name() + " sends timed", 1);
        }

        /** Keepalive failures, stalled writes and reader pauses, in order. */
        final LinkedBlockingQueue<String> troubles = new LinkedBlockingQueue<>();

        @Override
        public void keepaliveFailed(Side side) {
            troubles.add(side.name() + " keepalive failed");
        }

        @Override
        public void writeStalled(Side side) {
            troubles.add(side.name() + " write stalled");
        }

        @Override
        public void readerPaused(Side side) {
            troubles.add(side.name() + " reader paused");
        }
    }

    @Test
    void everyMessageAndByteIsCountedOnceOnEachSide() throws Exception {
        Recorded server = new Recorded();
        Recorded client = new Recorded();
        int n = 1000;
        try (WebSocketServer s = WebSocketServer.builder(ws -> ws.forEach(ws::send))
                .options(WebSocketOptions.DEFAULT.withMetrics(server)).start();
                WebSocket ws = WebSocketClient.builder().options(WebSocketOptions.DEFAULT.withMetrics(client)).build()
                        .open(Peers.uri(s))) {
            for (int i = 0; i < n; i++) {
                ws.send("é" + i % 10); // 3 UTF-8 bytes
                ws.send(new byte[] {1, 2, 3, 4, 5});
            }
            for (int i = 0; i < 2 * n; i++) {
                ws.receive();
            }
            ws.ping().get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            ws.close();
            assertThat(server.closes.poll(PATIENCE.toSeconds(), TimeUnit.SECONDS))
                    .isEqualTo("SERVER sent 1000 received 1000 first PEER");
            assertThat(client.closes.poll(PATIENCE.toSeconds(), TimeUnit.SECONDS))
                    .isEqualTo("CLIENT sent 1000 received 1000 first US");
        }
        for (String side : List.of("SERVER", "CLIENT")) {
            Recorded r = side.equals("SERVER") ? server : client;
            assertThat(r.count(side + " opened")).isEqualTo(1);
            assertThat(r.count(side + " in TEXT")).isEqualTo(n);
            assertThat(r.count(side + " in TEXT bytes")).isEqualTo(3L * n);
            assertThat(r.count(side + " out TEXT")).isEqualTo(n);
            assertThat(r.count(side + " out TEXT bytes")).isEqualTo(3L * n);
            assertThat(r.count(side + " in BINARY")).isEqualTo(n);
            assertThat(r.count(side + " out BINARY bytes")).isEqualTo(5L * n);
            assertThat(r.count(side + " sends timed")).isEqualTo(2L * n);
            assertThat(r.open).hasValue(0);
        }
        assertThat(client.count("CLIENT pongs")).isEqualTo(1);
        assertThat(server.inFlight).hasValue(0);
    }

    @Test
    void aTooBigMessageIsClosedWith1009ByUs() throws Exception {
        Recorded server = new Recorded();
        try (WebSocketServer s = WebSocketServer.builder(ws -> ws.forEach(ws::send))
                .options(WebSocketOptions.DEFAULT.withMaxMessageSize(100).withMetrics(server)).start();
                WebSocket ws = WebSocketClient.connect(Peers.uri(s))) {
            ws.send(new byte[101]);
            assertThat(ws.closed().get(PATIENCE.toSeconds(), TimeUnit.SECONDS).code())
                    .isEqualTo(CloseCode.MESSAGE_TOO_BIG);
            assertThat(server.closes.poll(PATIENCE.toSeconds(), TimeUnit.SECONDS))
                    .isEqualTo("SERVER sent 1009 received 0 first US");
        }
        assertThat(server.count("SERVER in BINARY")).isZero();
    }

    @Test
    void refusedHandshakesAreCountedUnderTheirStatusAndNeverOpen() throws Exception {
        Recorded server = new Recorded();
        try (WebSocketServer s = WebSocketServer.builder(ws -> ws.forEach(ws::send))
                .options(WebSocketOptions.DEFAULT.withMetrics(server))
                .processRequest(request -> Optional.of(HttpResponse.of(403, "not you"))).start()) {
            HandshakeException e = catchThrowableOfType(HandshakeException.class,
                    () -> WebSocketClient.connect(Peers.uri(s)));
            assertThat(e.status()).isEqualTo(403);
        }
        assertThat(server.refused).containsExactly(403);
        assertThat(server.count("SERVER opened")).isZero();
        assertThat(server.inFlight).hasValue(0);
    }

    @Test
    void aFlightRecordingHoldsTheConnectionEventsWithTheirFields(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("lifeline.jfr");
        String serverId;
        try (Recording recording = new Recording()) {
            recording.enable("dev.lifeline.ConnectionOpened");
            recording.enable("dev.lifeline.ConnectionClosed");
            recording.enable("dev.lifeline.HandshakeRefused");
            recording.start();
            LinkedBlockingQueue<String> ids = new LinkedBlockingQueue<>();
            try (WebSocketServer s = WebSocketServer.builder(ws -> {
                ids.add(ws.id());
                ws.forEach(ws::send);
            }).processRequest(request -> request.target().equals("/no")
                    ? Optional.of(HttpResponse.of(503, "full")) : Optional.empty()).start()) {
                try (WebSocket ws = WebSocketClient.connect(Peers.uri(s))) {
                    serverId = ids.poll(PATIENCE.toSeconds(), TimeUnit.SECONDS);
                    ws.close(CloseCode.GOING_AWAY, "bye");
                }
                catchThrowableOfType(HandshakeException.class,
                        () -> WebSocketClient.connect(Peers.uri(s).resolve("/no")));
            }
            recording.stop();
            recording.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        assertThat(events).filteredOn(e -> e.getEventType().getName().equals("dev.lifeline.ConnectionOpened"))
                .anySatisfy(e -> {
                    assertThat(e.getString("id")).isEqualTo(serverId);
                    assertThat(e.getString("side")).isEqualTo("SERVER");
                    assertThat(e.getString("remote")).contains("127.0.0.1");
                    assertThat(e.getDuration("handshake")).isPositive();
                });
        assertThat(events).filteredOn(e -> e.getEventType().getName().equals("dev.lifeline.ConnectionClosed"))
                .anySatisfy(e -> {
                    assertThat(e.getString("id")).isEqualTo(serverId);
                    assertThat(e.getInt("codeSent")).isEqualTo(1001);
                    assertThat(e.getInt("codeReceived")).isEqualTo(1001);
                    assertThat(e.getString("closedFirst")).isEqualTo("PEER");
                    assertThat(e.getDuration("openFor")).isPositive();
                })
                .anySatisfy(e -> {
                    assertThat(e.getString("side")).isEqualTo("CLIENT");
                    assertThat(e.getString("closedFirst")).isEqualTo("US");
                });
        assertThat(events).filteredOn(e -> e.getEventType().getName().equals("dev.lifeline.HandshakeRefused"))
                .singleElement().satisfies(e -> {
                    assertThat(e.getInt("status")).isEqualTo(503);
                    assertThat(e.getString("reason")).isEqualTo("full");
                });
        assertThat(Files.size(file)).isPositive();
    }
}
