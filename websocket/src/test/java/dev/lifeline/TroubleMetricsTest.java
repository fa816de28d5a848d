package dev.lifeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.testing.RawPeer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rare, costly things reach the metrics listener and the flight recorder, over real sockets with a raw peer:
 * a peer that never answers Pings (keepalive failure, 1011 sent by us), a peer that never reads (a stalled write),
 * and an application that does not receive (the reader paused once, not once per wake-up).
 */
@Timeout(30)
class TroubleMetricsTest {
    private static final long PATIENCE_SECONDS = Peers.PATIENCE.toSeconds();

    private static List<RecordedEvent> recorded(Recording recording, Path file, String name) throws Exception {
        recording.stop();
        recording.dump(file);
        return RecordingFile.readAllEvents(file).stream()
                .filter(e -> e.getEventType().getName().equals(name)).toList();
    }

    @Test
    void aPeerThatNeverAnswersPingsIsAKeepaliveFailureClosedWith1011ByUs(@TempDir Path dir) throws Exception {
        MetricsTest.Recorded metrics = new MetricsTest.Recorded();
        LinkedBlockingQueue<String> ids = new LinkedBlockingQueue<>();
        Duration timeout = Duration.ofMillis(200);
        try (Recording recording = new Recording();
                WebSocketServer server = WebSocketServer.builder(ws -> {
                    ids.add(ws.id());
                    ws.forEach(ws::send);
                }).options(WebSocketOptions.DEFAULT.withKeepalive(Duration.ofMillis(100), timeout)
                        .withMetrics(metrics)).start();
                RawPeer peer = RawPeer.connect(server.port())) {
            recording.enable("dev.lifeline.KeepaliveFailed");
            recording.start();
            String id = ids.poll(PATIENCE_SECONDS, TimeUnit.SECONDS);
            // the raw peer reads nothing and answers nothing: the Ping stays unanswered
            assertThat(metrics.closes.poll(PATIENCE_SECONDS, TimeUnit.SECONDS))
                    .isEqualTo("SERVER sent 1011 received 0 first US");
            assertThat(metrics.troubles).containsExactly("SERVER keepalive failed");
            assertThat(recorded(recording, dir.resolve("k.jfr"), "dev.lifeline.KeepaliveFailed"))
                    .singleElement().satisfies(e -> {
                        assertThat(e.getString("id")).isEqualTo(id);
                        assertThat(e.getString("side")).isEqualTo("SERVER");
                        assertThat(e.getDuration("pingTimeout")).isEqualTo(timeout);
                    });
        }
    }

    @Test
    void aPeerThatNeverReadsStallsAWriteAndIsDropped(@TempDir Path dir) throws Exception {
        MetricsTest.Recorded metrics = new MetricsTest.Recorded();
        Duration writeTimeout = Duration.ofMillis(300);
        try (Recording recording = new Recording();
                WebSocketServer server = WebSocketServer.builder(ws -> {
                    byte[] big = new byte[256 * 1024];
                    while (true) {
                        ws.send(big); // until the write times out and the send fails
                    }
                }).options(WebSocketOptions.DEFAULT.withoutKeepalive().withWriteTimeout(writeTimeout)
                        .withMetrics(metrics)).start();
                RawPeer peer = RawPeer.connect(server.port())) {
            recording.enable("dev.lifeline.WriteStalled");
            recording.start();
            assertThat(metrics.troubles.poll(PATIENCE_SECONDS, TimeUnit.SECONDS)).isEqualTo("SERVER write stalled");
            assertThat(metrics.closes.poll(PATIENCE_SECONDS, TimeUnit.SECONDS)).startsWith("SERVER");
            assertThat(recorded(recording, dir.resolve("w.jfr"), "dev.lifeline.WriteStalled"))
                    .singleElement().satisfies(e -> {
                        assertThat(e.getString("side")).isEqualTo("SERVER");
                        assertThat(e.getDuration("writeTimeout")).isEqualTo(writeTimeout);
                    });
        }
    }

    @Test
    void anApplicationThatDoesNotReceivePausesTheReaderOnce(@TempDir Path dir) throws Exception {
        MetricsTest.Recorded metrics = new MetricsTest.Recorded();
        CountDownLatch receive = new CountDownLatch(1);
        LinkedBlockingQueue<String> ids = new LinkedBlockingQueue<>();
        int messages = 20;
        try (Recording recording = new Recording();
                WebSocketServer server = WebSocketServer.builder(ws -> {
                    ids.add(ws.id());
                    receive.await();
                    ws.forEach(m -> { }); // until the peer closes
                }).options(WebSocketOptions.DEFAULT.withoutKeepalive().withMaxQueue(2, 1 << 20)
                        .withMetrics(metrics)).start();
                RawPeer peer = RawPeer.connect(server.port())) {
            recording.enable("dev.lifeline.ReaderPaused");
            recording.start();
            String id = ids.poll(PATIENCE_SECONDS, TimeUnit.SECONDS);
            for (int i = 0; i < messages; i++) {
                peer.send(RawPeer.TEXT, ("m" + i).getBytes(StandardCharsets.UTF_8));
            }
            assertThat(metrics.troubles.poll(PATIENCE_SECONDS, TimeUnit.SECONDS)).isEqualTo("SERVER reader paused");
            receive.countDown();
            peer.sendClose(1000, "");
            assertThat(peer.awaitEnd(Peers.PATIENCE)).as("the server closed TCP").isTrue();
            peer.close(); // the server's reader sees the end: CLOSED
            assertThat(metrics.closes.poll(PATIENCE_SECONDS, TimeUnit.SECONDS))
                    .isEqualTo("SERVER sent 1000 received 1000 first PEER");
            assertThat(metrics.count("SERVER in TEXT")).isEqualTo(messages);
            assertThat(recorded(recording, dir.resolve("r.jfr"), "dev.lifeline.ReaderPaused"))
                    .isNotEmpty().allSatisfy(e -> assertThat(e.getString("id")).isEqualTo(id));
        }
        assertThat(metrics.troubles).as("pauses after the first, while the application receives")
                .allMatch(t -> t.equals("SERVER reader paused"));
    }
}
