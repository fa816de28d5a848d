package dev.lifeline.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.WebSocketOptions;
import dev.lifeline.testing.Await;
import dev.lifeline.testing.TestTls;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The server's open timeout on a stepped clock: a client that connects and never finishes its opening handshake is
 * dropped {@code openTimeout} after its accept and not one nanosecond before, over plain TCP (the poller reads its
 * request as it comes) and over TLS (a worker waits in the TLS handshake, which the timeout ends by closing the
 * socket). The server ({@link Acceptor}) is given the stepped timers; the timeout runs on the test's thread, inside
 * {@link Timers#advance}, so what it did is seen as soon as that returns.
 */
@Timeout(30)
class SteppedOpenTimeoutTest {
    private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration NANO = Duration.ofNanos(1);

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aClientThatNeverFinishesItsHandshakeIsDroppedAtOpenTimeoutAndNotBefore(boolean tls) throws Exception {
        Timers timers = Timers.stepped();
        Optional<SSLContext> context = tls ? Optional.of(TestTls.server("ip:127.0.0.1")) : Optional.empty();
        ServerConfig config = new ServerConfig(ws -> { }, null, "127.0.0.1", 0, 16,
                WebSocketOptions.DEFAULT.withOpenTimeout(OPEN_TIMEOUT), Optional.empty(), Optional.empty(), true,
                List.of(), false, Optional.empty(), context, 4, false, Optional.empty());
        Acceptor server = new Acceptor(config, timers);
        try (Socket slow = new Socket("127.0.0.1", server.address().getPort())) {
            slow.setSoTimeout((int) Await.PATIENCE.toMillis());
            if (!tls) {
                OutputStream out = slow.getOutputStream();
                out.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII)); // no end
                out.flush();
            }
            // accepted, and its open timeout armed (the only entry of these timers), at stepped time 0
            Await.until("the handshake's open timeout is armed", () -> armed(timers) == 1);

            timers.advance(OPEN_TIMEOUT.minus(NANO));
            assertThat(server.handshakesInFlight()).as("one nanosecond before openTimeout").isEqualTo(1);
            timers.advance(NANO);
            assertThat(server.handshakesInFlight()).as("at openTimeout: ended, its slot free").isZero();

            assertThat(slow.getInputStream().read()).as("the server closed the socket").isEqualTo(-1);
        } finally {
            server.close(System.nanoTime() + Await.PATIENCE.toNanos(), Await.PATIENCE);
        }
    }

    /** How many entries wait in {@code timers}: their private heap's size, read as it is (no accessor in main). */
    private static int armed(Timers timers) {
        try {
            Field field = Timers.class.getDeclaredField("size");
            field.setAccessible(true);
            return field.getInt(timers);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Timers.size is gone: update this test", e);
        }
    }
}
