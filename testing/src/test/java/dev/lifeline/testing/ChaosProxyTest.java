package dev.lifeline.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The chaos proxy itself, over plain TCP to an echo server: forward, stall and resume, delay, cut, stall and cut one
 * connection, refuse, retarget, round robin, mute.
 */
@Timeout(20)
class ChaosProxyTest {
    private ServerSocket echo;
    private ChaosProxy proxy;
    private Socket client;

    @BeforeEach
    void start() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket socket = echo.accept();
                    Thread.ofVirtual().start(() -> {
                        try (socket) {
                            socket.getInputStream().transferTo(socket.getOutputStream());
                        } catch (IOException e) {
                            // the proxy cut the connection
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
        proxy = ChaosProxy.to(echo.getLocalPort());
        client = new Socket();
        client.connect(new InetSocketAddress("127.0.0.1", proxy.port()), 5_000);
        client.setSoTimeout(5_000);
    }

    @AfterEach
    void stop() throws IOException {
        client.close();
        proxy.close();
        echo.close();
    }

    private String roundTrip(String text) throws IOException {
        client.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        return new String(client.getInputStream().readNBytes(text.length()), StandardCharsets.US_ASCII);
    }

    @Test
    void forwardsBothWays() throws IOException {
        assertThat(roundTrip("hello")).isEqualTo("hello");
        assertThat(proxy.connections()).isEqualTo(1);
    }

    @Test
    void stallHoldsBytesWithoutClosingAndResumeDeliversThem() throws IOException {
        roundTrip("warm");
        proxy.stall();
        client.getOutputStream().write("held".getBytes(StandardCharsets.US_ASCII));
        client.setSoTimeout(300);

        assertThatThrownBy(() -> client.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);

        proxy.resume();
        client.setSoTimeout(5_000);
        assertThat(new String(client.getInputStream().readNBytes(4), StandardCharsets.US_ASCII)).isEqualTo("held");
    }

    @Test
    void delayHoldsEachChunkBothWays() throws IOException {
        roundTrip("warm");
        proxy.delay(Duration.ofMillis(100));
        long start = System.nanoTime();

        assertThat(roundTrip("slow")).isEqualTo("slow");

        // a lower bound the proxy guarantees (each way waits for the delay after reading), not a measurement
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(200).toNanos());
    }

    @Test
    void cutWithFinEndsTheStream() throws IOException {
        roundTrip("warm");
        proxy.cut(ChaosProxy.Cut.FIN);

        assertThat(client.getInputStream().read()).isEqualTo(-1);
        assertThat(proxy.connections()).isZero();
    }

    @Test
    void cutWithResetResetsTheConnection() throws IOException {
        roundTrip("warm");
        proxy.cut(ChaosProxy.Cut.RESET);

        InputStream in = client.getInputStream();
        assertThatThrownBy(in::read).isInstanceOf(SocketException.class).hasMessageContaining("reset");
    }

    @Test
    void cutOneResetsALiveConnectionAndCountsIt() throws IOException {
        roundTrip("warm");

        assertThat(proxy.cutOne(new SplittableRandom(1))).isTrue();

        assertThatThrownBy(client.getInputStream()::read).isInstanceOf(SocketException.class);
        assertThat(proxy.cuts()).isEqualTo(1);
        assertThat(proxy.accepted()).isEqualTo(1);
        assertThat(proxy.cutOne(new SplittableRandom(1))).as("no live connection left").isFalse();
    }

    @Test
    void stallOneHoldsItsConnectionUntilCalm() throws IOException {
        roundTrip("warm");
        assertThat(proxy.stallOne(new SplittableRandom(1), Duration.ofMinutes(1))).isTrue();
        client.getOutputStream().write("held".getBytes(StandardCharsets.US_ASCII));
        client.setSoTimeout(300);

        assertThatThrownBy(() -> client.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);

        proxy.calm();
        client.setSoTimeout(5_000);
        assertThat(new String(client.getInputStream().readNBytes(4), StandardCharsets.US_ASCII)).isEqualTo("held");
        assertThat(proxy.stalls()).isEqualTo(1);
    }

    @Test
    void roundRobinSendsEachConnectionToTheNextTargetSkippingOneThatRefuses() throws IOException {
        try (Named a = new Named("a"); Named b = new Named("b");
                ChaosProxy balancer = ChaosProxy.roundRobin(List.of(a.port(), deadPort(), b.port()))) {
            assertThat(List.of(nameVia(balancer), nameVia(balancer), nameVia(balancer))).containsExactly("a", "b", "a");
        }
    }

    @Test
    void refuseResetsNewConnectionsAndRetargetSendsThemElsewhere() throws IOException {
        try (Named b = new Named("b")) {
            // the connection made before: through the proxy once, so that its accept cannot come after the refuse
            assertThat(roundTrip("before")).isEqualTo("before");
            proxy.refuse(true);
            assertThatThrownBy(() -> {
                try (Socket refused = connect(proxy)) {
                    refused.getInputStream().read();
                }
            }).as("reset, while connecting or at the first read").isInstanceOf(SocketException.class);
            proxy.refuse(false);
            proxy.retarget(b.port());

            assertThat(nameVia(proxy)).isEqualTo("b");
            assertThat(roundTrip("live")).as("the connection made before goes on").isEqualTo("live");
        }
    }

    @Test
    void muteMarkedDropsRepliesOnMarkedConnectionsOnly() throws IOException {
        proxy.markConnectionsSending(chunk -> new String(chunk, StandardCharsets.US_ASCII).contains("SUBSCRIBE"));
        try (Socket subscriber = connect(proxy)) {
            subscriber.getOutputStream().write("SUBSCRIBE".getBytes(StandardCharsets.US_ASCII));
            assertThat(subscriber.getInputStream().readNBytes(9)).asString().isEqualTo("SUBSCRIBE");
            roundTrip("warm");

            proxy.muteMarked();

            subscriber.getOutputStream().write("more".getBytes(StandardCharsets.US_ASCII));
            subscriber.setSoTimeout(300);
            assertThatThrownBy(subscriber.getInputStream()::read).isInstanceOf(SocketTimeoutException.class);
            assertThat(roundTrip("other")).isEqualTo("other");
        }
    }

    private static Socket connect(ChaosProxy through) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", through.port()), 5_000);
        socket.setSoTimeout(5_000);
        return socket;
    }

    /** What the target behind {@code through} says its name is, on a new connection. */
    private static String nameVia(ChaosProxy through) throws IOException {
        try (Socket socket = connect(through)) {
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    /** A loopback port nothing listens on (just closed). */
    private static int deadPort() throws IOException {
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return closed.getLocalPort();
        }
    }

    /** A server that writes its name on each connection, then closes it. */
    private static final class Named implements AutoCloseable {
        private final ServerSocket listener;

        Named(String name) throws IOException {
            listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread.ofVirtual().start(() -> {
                while (!listener.isClosed()) {
                    try (Socket socket = listener.accept()) {
                        socket.getOutputStream().write(name.getBytes(StandardCharsets.US_ASCII));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        int port() {
            return listener.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            listener.close();
        }
    }
}
