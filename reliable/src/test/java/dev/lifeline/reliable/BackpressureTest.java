package dev.lifeline.reliable;

import static dev.lifeline.reliable.Loopback.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Message;
import dev.lifeline.testing.ChaosProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An application that does not read holds the sender back (inbox full, then the connection, then the sender's
 * bounded outbox) without losing anything, and a connection that dies meanwhile is still noticed, though the
 * server's WebSocket queue is small enough that its reader is paused when the proxy cuts (the WebSocket layer's
 * own case of a paused reader and a silent dead peer is {@code KeepaliveTest}).
 */
@Timeout(30)
class BackpressureTest {
    @Test
    void applicationThatDoesNotReadHoldsBackTheSenderAndLosesNothing() throws Exception {
        CountDownLatch read = new CountDownLatch(1);
        CompletableFuture<ServerSession> onServer = new CompletableFuture<>();
        CompletableFuture<List<Message>> received = new CompletableFuture<>();
        try (ReliableServer server = Loopback.server(session -> {
            onServer.complete(session);
            read.await();
            List<Message> all = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                all.add(session.receive());
            }
            received.complete(all);
            session.forEach(m -> { });
        }).options(Loopback.FAST.withMaxQueue(4, 1024)).reliable(Loopback.RELIABLE.withInbox(4, 1024)).start();
                ChaosProxy proxy = ChaosProxy.to(server.port());
                ReliableClient client = Loopback.client(proxy.port())
                        .reliable(Loopback.RELIABLE.withOutbox(16, 1024).withSendTimeout(Duration.ofSeconds(20)))
                        .connect()) {
            CompletableFuture<List<CompletableFuture<Void>>> sending = CompletableFuture.supplyAsync(() -> {
                List<CompletableFuture<Void>> futures = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    futures.add(client.send("m" + i));
                }
                return futures;
            });
            await(() -> client.outboxSize() == 16);
            assertThat(sending).isNotDone();

            ServerSession session = onServer.get(5, TimeUnit.SECONDS);
            proxy.refuse(true); // the client would come back at once and the session would never look idle
            proxy.cut(ChaosProxy.Cut.RESET);
            await(() -> session.idleFor().isPresent());
            proxy.refuse(false);

            read.countDown();
            List<Message> expected = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                expected.add(Message.text("m" + i));
            }
            assertThat(received.get(10, TimeUnit.SECONDS)).isEqualTo(expected);
            for (CompletableFuture<Void> f : sending.get(10, TimeUnit.SECONDS)) {
                f.get(10, TimeUnit.SECONDS);
            }
        }
    }
}
