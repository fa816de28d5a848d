package dev.lifeline.reliable;

import static dev.lifeline.reliable.Loopback.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Message;
import dev.lifeline.testing.ChaosProxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What sessions tell their {@link SessionMetrics} and the flight recorder: a NEW session, acknowledged sends with
 * their outbox depth, a resume (RESUMED) with what is resent, an expiry with its unacknowledged count, and the NEW
 * outcome of a client that asked to resume a session the server no longer had.
 */
@Timeout(30)
class SessionMetricsTest {
    /** Records every call; thread-safe. */
    static final class Recorded implements SessionMetrics {
        final List<String> joined = new CopyOnWriteArrayList<>();
        final List<Integer> expired = new CopyOnWriteArrayList<>();
        final AtomicLong resent = new AtomicLong();
        final AtomicLong depths = new AtomicLong();
        final AtomicLong acknowledged = new AtomicLong();

        @Override
        public void joined(SessionOutcome.Kind outcome, boolean resumeAsked) {
            joined.add(outcome + (resumeAsked ? " asked" : ""));
        }

        @Override
        public void expired(int unacknowledged) {
            expired.add(unacknowledged);
        }

        @Override
        public void resent(int messages) {
            resent.addAndGet(messages);
        }

        @Override
        public void outboxDepth(int messages) {
            depths.incrementAndGet();
        }

        @Override
        public void acknowledged(long nanos) {
            acknowledged.incrementAndGet();
        }
    }

    @Test
    void sessionsAreCountedByOutcomeAndTheirExpiryWithWhatWasLost(@TempDir Path dir) throws Exception {
        Recorded metrics = new Recorded();
        BlockingQueue<ServerSession> sessions = new LinkedBlockingQueue<>();
        Path file = dir.resolve("sessions.jfr");
        Loopback.Recorder recorder = new Loopback.Recorder();
        String firstId;
        try (Recording recording = new Recording()) {
            recording.enable("dev.lifeline.SessionJoined");
            recording.enable("dev.lifeline.SessionExpired");
            recording.start();
            try (ReliableServer server = Loopback.server(session -> {
                sessions.add(session);
                for (Message m : session) {
                    session.send(m);
                }
            }).reliable(Loopback.RELIABLE.withMetrics(metrics)).resumeWindow(Duration.ofMillis(300), 100).start();
                    ChaosProxy proxy = ChaosProxy.to(server.port());
                    ReliableClient client = Loopback.client(proxy.port()).listener(recorder).connect()) {
                client.send("one").get(5, TimeUnit.SECONDS);
                assertThat(client.receive(Duration.ofSeconds(5))).contains(Message.text("one"));
                ServerSession first = sessions.poll(5, TimeUnit.SECONDS);
                firstId = first.id;
                await(() -> metrics.acknowledged.get() == 1); // the client acknowledges the echo
                assertThat(metrics.depths).hasValue(1);

                proxy.cut(ChaosProxy.Cut.RESET); // the client resumes at once
                await(() -> recorder.outcomes.size() == 2);

                proxy.refuse(true);
                proxy.cut(ChaosProxy.Cut.RESET);
                await(() -> first.idleFor().isPresent());
                CompletableFuture<Void> lost = first.send("to a client that never came back");
                assertThat(first.closed().get(5, TimeUnit.SECONDS).kind()).isEqualTo(CloseReason.Kind.EXPIRED);
                assertThat(lost).failsWithin(Duration.ofSeconds(5));

                proxy.refuse(false); // the client comes back with its token: NEW
                await(() -> recorder.outcomes.size() == 3);
                // the server counts a join after its WELCOME left, and after recording the event
                await(() -> metrics.joined.size() == 3);
            }
            recording.stop();
            recording.dump(file);
        }
        assertThat(metrics.joined).containsExactly("NEW", "RESUMED asked", "NEW asked");
        assertThat(metrics.expired).containsExactly(1);
        // a recording's file holds each thread's events together, not in time order across threads
        List<RecordedEvent> events = RecordingFile.readAllEvents(file).stream()
                .sorted(Comparator.comparing(RecordedEvent::getStartTime)).toList();
        assertThat(events).filteredOn(e -> e.getEventType().getName().equals("dev.lifeline.SessionJoined"))
                .extracting(e -> e.getString("outcome") + " " + e.getBoolean("resumeAsked"))
                .containsExactly("NEW false", "RESUMED true", "NEW true");
        assertThat(events).filteredOn(e -> e.getEventType().getName().equals("dev.lifeline.SessionExpired"))
                .singleElement().satisfies(e -> {
                    assertThat(e.getString("session")).isEqualTo(firstId);
                    assertThat(e.getInt("unacknowledged")).isEqualTo(1);
                });
    }
}
