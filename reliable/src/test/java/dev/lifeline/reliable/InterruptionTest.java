package dev.lifeline.reliable;

import static dev.lifeline.reliable.Loopback.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.OperationInterruptedException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A reliable client's thread interrupted while it waits, in {@code receive} for a message or in {@code send} for
 * room in the outbox, gets the connection layer's one answer, {@link OperationInterruptedException}, with its
 * interrupt status kept; the session goes on.
 */
@Timeout(30)
class InterruptionTest {

    @Test
    void anInterruptedReceiveThrowsOperationInterruptedAndKeepsTheInterruptStatus() throws Exception {
        try (ReliableServer server = Loopback.server(session -> session.forEach(session::send)).start();
                ReliableClient client = Loopback.client(server.port()).connect()) {
            client.send("before").get(10, TimeUnit.SECONDS);
            assertThat(client.receive(Duration.ofSeconds(5)).orElseThrow().toString()).contains("before");

            CompletableFuture<Throwable> thrown = new CompletableFuture<>();
            AtomicBoolean stillInterrupted = new AtomicBoolean();
            Thread receiver = Thread.ofVirtual().start(() -> {
                try {
                    client.receive();
                    thrown.complete(null);
                } catch (RuntimeException e) {
                    stillInterrupted.set(Thread.currentThread().isInterrupted());
                    thrown.complete(e);
                }
            });
            await(() -> waiting(receiver));
            receiver.interrupt();

            assertThat(thrown.get(10, TimeUnit.SECONDS)).isInstanceOf(OperationInterruptedException.class)
                    .hasCauseInstanceOf(InterruptedException.class);
            assertThat(stillInterrupted).isTrue();
            client.send("after").get(10, TimeUnit.SECONDS); // the session goes on
            assertThat(client.receive(Duration.ofSeconds(5)).orElseThrow().toString()).contains("after");
        }
    }

    @Test
    void aSendInterruptedWhileTheOutboxIsFullThrowsOperationInterruptedAndSendsNothing() throws Exception {
        CountDownLatch read = new CountDownLatch(1);
        try (ReliableServer server = Loopback.server(session -> {
            read.await();
            session.forEach(m -> { });
        }).options(Loopback.FAST.withMaxQueue(4, 1024)).reliable(Loopback.RELIABLE.withInbox(4, 1024)).start();
                ReliableClient client = Loopback.client(server.port())
                        .reliable(Loopback.RELIABLE.withOutbox(4, 1024).withSendTimeout(Duration.ofSeconds(20)))
                        .connect()) {
            CompletableFuture<Throwable> thrown = new CompletableFuture<>();
            AtomicBoolean stillInterrupted = new AtomicBoolean();
            Thread sender = Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < 100; i++) {
                        client.send("m" + i);
                    }
                    thrown.complete(null);
                } catch (RuntimeException e) {
                    stillInterrupted.set(Thread.currentThread().isInterrupted());
                    thrown.complete(e);
                }
            });
            await(() -> client.outboxSize() == 4 && waiting(sender));
            sender.interrupt();

            assertThat(thrown.get(10, TimeUnit.SECONDS)).isInstanceOf(OperationInterruptedException.class)
                    .hasCauseInstanceOf(InterruptedException.class);
            assertThat(stillInterrupted).isTrue();
            assertThat(client.outboxSize()).isEqualTo(4);
            read.countDown();
        }
    }

    private static boolean waiting(Thread thread) {
        return thread.getState() == Thread.State.WAITING || thread.getState() == Thread.State.TIMED_WAITING;
    }
}
