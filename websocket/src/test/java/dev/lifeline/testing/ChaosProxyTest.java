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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The chaos proxy itself, over plain TCP to an echo server: forward, stall and resume, delay, cut. */
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

        assertThat((System.nanoTime() - start) / 1_000_000).isBetween(200L, 2_000L);
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
}
