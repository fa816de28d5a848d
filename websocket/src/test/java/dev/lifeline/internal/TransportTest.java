package dev.lifeline.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The two transports' contract, each way a connection uses it: a polled transport over a pipe (in memory, the same
 * code as a server's plain socket) reads what is there or nothing, says when more arrives, writes what fits without
 * waiting or waits for room, and half-closes; a blocking one never writes without the risk of waiting.
 */
@Timeout(30)
class TransportTest {
    private static final InetSocketAddress ADDRESS = new InetSocketAddress(InetAddress.getLoopbackAddress(), 1);
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    private Pipe pipe;
    /** Reads the pipe: its writing side is a pipe nobody reads. */
    private Transport reading;
    /** Writes the pipe: its reading side is a pipe nobody writes. */
    private Transport writing;
    private final ReadBuffer buffer = new ReadBuffer(true);

    @BeforeEach
    void open() throws Exception {
        pipe = Pipe.open();
        Pipe unused = Pipe.open();
        reading = Transport.polled(pipe.source(), unused.sink(), ADDRESS, ADDRESS);
        writing = Transport.polled(unused.source(), pipe.sink(), ADDRESS, ADDRESS);
    }

    @AfterEach
    void close() {
        buffer.release();
        reading.close();
        writing.close();
    }

    private String readText(int n) {
        return StandardCharsets.UTF_8.decode(buffer.filled(n)).toString();
    }

    @Test
    void aPolledReadFindsNothingThenTheTaskRunsOnceBytesArrive() throws Exception {
        assertThat(reading.read(buffer)).as("nothing there yet").isZero();
        CompletableFuture<Void> readable = new CompletableFuture<>();
        assertThat(reading.whenReadable(() -> readable.complete(null))).isTrue();
        assertThat(readable).as("nothing arrived").isNotDone();

        writing.write(ByteBuffer.wrap("hello".getBytes(StandardCharsets.UTF_8)));

        readable.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        int n = reading.read(buffer);
        assertThat(readText(n)).isEqualTo("hello");
    }

    @Test
    void aPolledWriteThatDoesNotFitIsLeftForAWriteThatWaitsForTheReader() throws Exception {
        ByteBuffer big = ByteBuffer.allocate(1024 * 1024); // more than a pipe holds
        assertThat(writing.tryWrite(big)).as("what did not fit stays in the buffer").isFalse();
        long total = big.position();
        assertThat(total).as("part of it went").isPositive();

        CompletableFuture<Void> rest = CompletableFuture.runAsync(() -> {
            try {
                writing.write(big);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(rest).as("the writer waits for room").isNotDone();
        int n;
        while (total < big.capacity() && (n = reading.read(buffer, System.nanoTime() + PATIENCE.toNanos())) > 0) {
            total += n;
        }
        rest.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        assertThat(total).as("every byte arrived").isEqualTo(big.capacity());
    }

    @Test
    void aPolledHalfCloseIsTheEndOfTheOtherSidesInput() throws Exception {
        writing.write(ByteBuffer.wrap("last".getBytes(StandardCharsets.UTF_8)));
        writing.shutdownOutput();

        long deadline = System.nanoTime() + PATIENCE.toNanos();
        assertThat(readText(reading.read(buffer, deadline))).isEqualTo("last");
        assertThat(reading.read(buffer, deadline)).as("the end of the input").isEqualTo(-1);
    }

    @Test
    void aBlockingTransportTakesNothingWithoutTheRiskOfWaiting() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                Socket accepted = server.accept()) {
            Transport blocking = Transport.blocking(socket, socket);
            ByteBuffer bytes = ByteBuffer.wrap("later".getBytes(StandardCharsets.UTF_8));

            assertThat(blocking.tryWrite(bytes)).isFalse();
            assertThat(bytes.remaining()).as("all left for a write that may wait").isEqualTo(5);

            blocking.write(bytes);
            assertThat(new String(accepted.getInputStream().readNBytes(5), StandardCharsets.UTF_8)).isEqualTo("later");
        }
    }
}
