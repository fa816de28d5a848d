package dev.lifeline.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.protocol.ProtocolConfig;
import dev.lifeline.protocol.ServerProtocol;
import dev.lifeline.protocol.handshake.HttpResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The poller's thread must never wait to write: {@link Opening#tryWriteOutbound} writes what fits in TCP's buffer
 * and leaves the rest to {@link Opening#writeOutbound} on a thread that may wait, and the peer gets every byte once,
 * in order.
 */
@Timeout(30)
class OpeningTest {

    @Test
    void anAnswerTooBigForTcpsBufferIsWrittenPartlyWithoutWaitingAndTheRestLater() throws Exception {
        String body = "x".repeat(8 << 20); // more than the socket buffers of both ends hold
        HttpResponse answer = HttpResponse.of(403, body);
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try (Socket client = new Socket()) {
                client.connect(server.getLocalAddress(), 5_000);
                client.setSoTimeout(10_000);
                SocketChannel accepted = server.accept();
                ServerProtocol protocol = new ServerProtocol(ProtocolConfig.DEFAULT);
                Opening opening = Opening.watched(accepted, protocol);
                protocol.reject(answer);

                assertThat(opening.tryWriteOutbound()).as("all written at once, with nobody reading").isFalse();

                CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> readAll(client));
                opening.writeOutbound();
                byte[] bytes = received.get(20, TimeUnit.SECONDS);
                assertThat(bytes).isEqualTo(answer.toBytes());
                opening.closeQuietly();
            }
        }
    }

    @Test
    void aSmallAnswerIsAllWrittenAtOnce() throws Exception {
        HttpResponse answer = HttpResponse.of(403, "origin not allowed");
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try (Socket client = new Socket()) {
                client.connect(server.getLocalAddress(), 5_000);
                client.setSoTimeout(10_000);
                ServerProtocol protocol = new ServerProtocol(ProtocolConfig.DEFAULT);
                Opening opening = Opening.watched(server.accept(), protocol);
                protocol.reject(answer);

                assertThat(opening.tryWriteOutbound()).isTrue();
                assertThat(readAll(client)).as("the answer, then the end (the protocol closes TCP)")
                        .isEqualTo(answer.toBytes());
                opening.closeQuietly();
            }
        }
    }

    /** Everything until the end of the input (the rejection half-closes). */
    private static byte[] readAll(Socket socket) {
        try {
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            return all.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
