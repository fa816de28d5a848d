package dev.lifeline.interop;

import static dev.lifeline.interop.Interop.WAIT;
import static dev.lifeline.interop.InteropScenarios.next;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Message;
import dev.lifeline.testing.Await;
import java.time.Duration;
import okhttp3.OkHttpClient;
import okhttp3.internal.ws.RealWebSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * OkHttp's WebSocket client against our server. Its API cannot send fragments or Pings, so the peer-framing
 * scenarios do not apply; OkHttp's own keepalive Pings are checked instead.
 */
class OkHttpClientInteropTest implements InteropScenarios {
    @RegisterExtension
    static final OurServer SERVER = new OurServer();
    private static final OkHttpClient CLIENT = new OkHttpClient();

    @AfterAll
    static void stopClient() {
        CLIENT.dispatcher().executorService().shutdown();
        CLIENT.connectionPool().evictAll();
    }

    @Override
    public Link open() throws Exception {
        return SERVER.open(uri -> OkHttpPeer.connect(CLIENT, uri));
    }

    /**
     * §5.5.2: OkHttp pings every {@code pingInterval} and fails the connection when a Pong is missing by the next
     * Ping; we answer each one while nobody reads on our side.
     */
    @Test
    void okHttpKeepalivePingsAreAnsweredWhileNobodyReads() throws Exception {
        OkHttpClient pinging = CLIENT.newBuilder().pingInterval(Duration.ofMillis(100)).build();
        try (Link link = SERVER.open(uri -> OkHttpPeer.connect(pinging, uri))) {
            // the Pong count is not in OkHttp's public API
            RealWebSocket okHttp = (RealWebSocket) ((OkHttpPeer) link.theirs()).webSocket();
            Await.until("three Pongs received by OkHttp", WAIT, () -> okHttp.receivedPongCount() >= 3);
            assertThat(link.theirs().errors()).isEmpty();

            link.theirs().sendText("still here");
            assertThat(next(link.ours())).isEqualTo(Message.text("still here"));
        }
    }
}
