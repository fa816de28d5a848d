package dev.lifeline.deflate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Message;
import dev.lifeline.WebSocket;
import dev.lifeline.WebSocketClient;
import dev.lifeline.WebSocketOptions;
import dev.lifeline.WebSocketServer;
import dev.lifeline.protocol.extension.PerMessageDeflate;
import dev.lifeline.testing.Await;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The compressed exchange that every interoperability test runs against a real peer (RFC 7692 in practice): many
 * small, similar text messages so that a shared context is reused, then a 1 MiB text and a 1 MiB binary message,
 * each echoed back and compared; our client also sends a fragmented compressed message.
 */
final class Scenario {
    static final WebSocketOptions COMPRESSING = WebSocketOptions.DEFAULT.withExtensions(
            List.of(PerMessageDeflate.DEFAULT));
    static final WebSocketOptions FRUGAL = WebSocketOptions.DEFAULT.withExtensions(
            List.of(PerMessageDeflate.DEFAULT.withoutContextTakeover()));
    static final Duration WAIT = Duration.ofSeconds(20);
    static final int MIB = 1 << 20;
    private static final List<Message> MESSAGES = messages();

    private Scenario() {
    }

    /** One side of a connection driven by the scenario. */
    interface Peer {
        void send(Message message) throws Exception;

        /** The next message received, waiting at most {@link #WAIT}. */
        Message receive() throws Exception;
    }

    private static List<Message> messages() {
        List<Message> messages = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            messages.add(Message.text("{\"seq\": " + i + ", \"event\": \"price\", \"symbol\": \"ACME\", \"bid\": "
                    + (100 + i % 7) + ".25, \"ask\": " + (101 + i % 5) + ".75}"));
        }
        messages.add(Message.text(text(MIB)));
        messages.add(Message.binary(binary(MIB)));
        return List.copyOf(messages);
    }

    /** {@code length} bytes of ASCII text, compressible like real text. */
    static String text(int length) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; text.length() < length; i++) {
            text.append("line ").append(i).append(": the quick brown fox jumps over the lazy dog ").append(i * 31)
                    .append('\n');
        }
        text.setLength(length);
        return text.toString();
    }

    /** {@code length} random bytes of 6 bits each: compressible, so that the deflated form stays under 1 MiB. */
    static byte[] binary(int length) {
        SplittableRandom random = new SplittableRandom(7);
        byte[] data = new byte[length];
        for (int i = 0; i < length; i++) {
            data[i] = (byte) random.nextInt(64);
        }
        return data;
    }

    /** Sends every message through {@code peer} and checks that each one comes back unchanged. */
    static void echoThrough(Peer peer) throws Exception {
        for (Message message : MESSAGES) {
            peer.send(message);
            assertThat(peer.receive()).isEqualTo(message);
        }
    }

    /** Our echo server, compressing with {@code options}. */
    static WebSocketServer echoServer(WebSocketOptions options) throws IOException {
        return WebSocketServer.builder(ws -> {
            for (Message message : ws) {
                ws.send(message);
            }
        }).host("127.0.0.1").port(0).options(options).start();
    }

    /**
     * The {@code Sec-WebSocket-Extensions} our server answered on its one connection, which it registers right after
     * the handshake: waits for it at most {@link #WAIT}.
     */
    static List<String> answered(WebSocketServer server) throws InterruptedException {
        Await.until("the server lists its connection", WAIT, () -> !server.connections().isEmpty());
        assertThat(server.connections()).hasSize(1);
        return server.connections().iterator().next().handshakeResponse().headers().all("Sec-WebSocket-Extensions");
    }

    static void assertCompressionNegotiated(WebSocketServer server) throws InterruptedException {
        assertThat(answered(server)).singleElement().asString().startsWith("permessage-deflate");
    }

    static URI uri(int port) {
        return URI.create("ws://127.0.0.1:" + port + "/");
    }

    /** Our compressing client against a peer's echo server: the whole scenario, then fragmented messages. */
    static void ourClientAgainst(URI echoServer) throws Exception {
        ourClientAgainst(echoServer, COMPRESSING);
    }

    static void ourClientAgainst(URI echoServer, WebSocketOptions options) throws Exception {
        ourClientAgainst(echoServer, options, Scenario::ours);
    }

    /** @param peer our connection as the scenario's peer: how it sends and receives */
    static void ourClientAgainst(URI echoServer, WebSocketOptions options, Function<WebSocket, Peer> peer)
            throws Exception {
        try (WebSocket ws = WebSocketClient.builder().options(options).build().open(echoServer)) {
            assertThat(ws.handshakeResponse().headers().all("Sec-WebSocket-Extensions"))
                    .singleElement().asString().startsWith("permessage-deflate");
            Peer ours = peer.apply(ws);
            echoThrough(ours);
            ws.sendText("Hello, ", false);
            ws.sendText("fragmented ", false);
            ws.sendText("world", true);
            assertThat(ours.receive()).isEqualTo(Message.text("Hello, fragmented world"));
            byte[] data = binary(100_000);
            ws.sendBinary(ByteBuffer.wrap(data, 0, 60_000), false);
            ws.sendBinary(ByteBuffer.wrap(data, 60_000, 40_000), true);
            assertThat(ours.receive()).isEqualTo(Message.binary(data));
        }
    }

    static Peer ours(WebSocket ws) {
        return new Peer() {
            @Override
            public void send(Message message) {
                ws.send(message);
            }

            @Override
            public Message receive() {
                return ws.receive(WAIT).orElseThrow(() -> new AssertionError("no echo within " + WAIT));
            }
        };
    }

    /** What a peer's callbacks received, for its {@link Peer#receive()}. */
    static final class Inbox {
        private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();

        void text(String text) {
            received.add(Message.text(text));
        }

        void binary(ByteBuffer data) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            received.add(Message.binary(bytes));
        }

        void binary(byte[] data) {
            received.add(Message.binary(data));
        }

        void failed(Throwable cause) {
            received.add(cause);
        }

        Message take() throws InterruptedException {
            Object next = received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (next instanceof Message message) {
                return message;
            }
            throw new AssertionError(next == null ? "nothing received within " + WAIT : "peer failed: " + next,
                    next instanceof Throwable t ? t : null);
        }
    }
}
