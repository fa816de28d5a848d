package dev.lifeline.deflate;

import static dev.lifeline.deflate.Scenario.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Message;
import dev.lifeline.WebSocket;
import dev.lifeline.WebSocketClient;
import dev.lifeline.WebSocketOptions;
import dev.lifeline.WebSocketServer;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Negotiation between Lifeline endpoints and with a peer that knows no extension (RFC 6455 §9.1: an extension not
 * in the response is not in use): the JDK's {@code java.net.http.WebSocket} offers none, so our compressing server
 * answers without it; our compressing client talks plainly to a server without compression; and our client and
 * server agree in every combination of context takeover.
 */
@Timeout(60)
class DeflateFallbackTest {

    @Test
    void theJdkClientOffersNoExtensionAndExchangesPlainMessagesWithOurCompressingServer() throws Exception {
        try (WebSocketServer server = Scenario.echoServer(Scenario.COMPRESSING);
                HttpClient client = HttpClient.newHttpClient()) {
            JdkReceiver receiver = new JdkReceiver();
            java.net.http.WebSocket ws = client.newWebSocketBuilder()
                    .buildAsync(Scenario.uri(server.port()), receiver).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(Scenario.answered(server)).isEmpty();
            ws.sendText(Scenario.text(100_000), true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(receiver.inbox.take()).isEqualTo(Message.text(Scenario.text(100_000)));
            ws.sendBinary(ByteBuffer.wrap(Scenario.binary(100_000)), true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(receiver.inbox.take()).isEqualTo(Message.binary(Scenario.binary(100_000)));
            ws.sendClose(1000, "").get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    @Test
    void ourCompressingClientExchangesPlainMessagesWithAServerWithoutCompression() throws Exception {
        try (WebSocketServer server = Scenario.echoServer(WebSocketOptions.DEFAULT);
                WebSocket ws = WebSocketClient.builder().options(Scenario.COMPRESSING).build()
                        .open(Scenario.uri(server.port()))) {
            assertThat(ws.handshakeResponse().headers().all("Sec-WebSocket-Extensions")).isEmpty();
            Scenario.echoThrough(Scenario.ours(ws));
        }
    }

    static Stream<Arguments> configurations() {
        return Stream.of(
                Arguments.of("takeover", Scenario.COMPRESSING, "takeover", Scenario.COMPRESSING),
                Arguments.of("frugal", Scenario.FRUGAL, "frugal", Scenario.FRUGAL),
                Arguments.of("frugal", Scenario.FRUGAL, "takeover", Scenario.COMPRESSING),
                Arguments.of("takeover", Scenario.COMPRESSING, "frugal", Scenario.FRUGAL));
    }

    @ParameterizedTest(name = "{0} client, {2} server")
    @MethodSource("configurations")
    void ourClientAndServerExchangeCompressedMessages(String clientName, WebSocketOptions clientOptions,
            String serverName, WebSocketOptions serverOptions) throws Exception {
        try (WebSocketServer server = Scenario.echoServer(serverOptions)) {
            Scenario.ourClientAgainst(Scenario.uri(server.port()), clientOptions);
        }
    }

    /** Assembles the JDK client's partial messages. */
    private static final class JdkReceiver implements java.net.http.WebSocket.Listener {
        final Scenario.Inbox inbox = new Scenario.Inbox();
        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onText(java.net.http.WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                inbox.text(text.toString());
                text.setLength(0);
            }
            ws.request(1);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<?> onBinary(java.net.http.WebSocket ws, ByteBuffer data, boolean last) {
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            binary.writeBytes(chunk);
            if (last) {
                inbox.binary(binary.toByteArray());
                binary.reset();
            }
            ws.request(1);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void onError(java.net.http.WebSocket ws, Throwable error) {
            inbox.failed(error);
        }
    }
}
