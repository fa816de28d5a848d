package dev.lifeline.deflate;

import static dev.lifeline.deflate.Scenario.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Message;
import dev.lifeline.WebSocketOptions;
import dev.lifeline.WebSocketServer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * permessage-deflate with OkHttp 5, whose client always offers it (and compresses messages of 1 KiB and more):
 * OkHttp's client against our server, with context takeover and with our frugal configuration.
 */
@Timeout(60)
class OkHttpDeflateTest {

    @Test
    void okHttpsClientExchangesCompressedMessagesWithOurServer() throws Exception {
        exchangeWith(Scenario.COMPRESSING, "permessage-deflate");
    }

    @Test
    void okHttpsClientExchangesCompressedMessagesWithOurFrugalServer() throws Exception {
        exchangeWith(Scenario.FRUGAL,
                "permessage-deflate; server_no_context_takeover; client_no_context_takeover");
    }

    private static void exchangeWith(WebSocketOptions options, String answer) throws Exception {
        OkHttpClient client = new OkHttpClient.Builder().build();
        try (WebSocketServer server = Scenario.echoServer(options)) {
            Scenario.Inbox inbox = new Scenario.Inbox();
            CompletableFuture<Response> opened = new CompletableFuture<>();
            WebSocket ws = client.newWebSocket(new Request.Builder().url(Scenario.uri(server.port()).toString())
                    .build(), new WebSocketListener() {
                        @Override
                        public void onOpen(WebSocket webSocket, Response response) {
                            opened.complete(response);
                        }

                        @Override
                        public void onMessage(WebSocket webSocket, String text) {
                            inbox.text(text);
                        }

                        @Override
                        public void onMessage(WebSocket webSocket, ByteString bytes) {
                            inbox.binary(bytes.toByteArray());
                        }

                        @Override
                        public void onFailure(WebSocket webSocket, Throwable cause, Response response) {
                            opened.completeExceptionally(cause);
                            inbox.failed(cause);
                        }
                    });
            Response response = opened.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(response.header("Sec-WebSocket-Extensions")).isEqualTo(answer);
            Scenario.echoThrough(new Scenario.Peer() {
                @Override
                public void send(Message message) {
                    boolean queued = switch (message) {
                        case Message.Text t -> ws.send(t.text());
                        case Message.Binary b -> ws.send(ByteString.of(b.data()));
                    };
                    assertThat(queued).isTrue();
                }

                @Override
                public Message receive() throws InterruptedException {
                    return inbox.take();
                }
            });
            ws.close(1000, "done");
        } finally {
            client.dispatcher().executorService().shutdown();
            client.connectionPool().evictAll();
        }
    }
}
