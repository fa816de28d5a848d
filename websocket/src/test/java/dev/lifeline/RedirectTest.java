package dev.lifeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.lifeline.protocol.handshake.HandshakeException;
import dev.lifeline.testing.RawServer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The client follows HTTP redirects (RFC 9110 §15.4) during the opening handshake, as RFC 6455 §4.1 allows
 * ("the client MAY follow redirects"): a bounded number of them, never in a loop, and the refusal says why.
 */
@Timeout(30)
class RedirectTest {

    private static String redirect(int status, String location) {
        return "HTTP/1.1 " + status + " Moved\r\nLocation: " + location + "\r\nContent-Length: 0\r\n\r\n";
    }

    /** The number in a target such as {@code /3}. */
    private static int number(String target) {
        return Integer.parseInt(target.substring(1));
    }

    /** The request target of an HTTP head. */
    private static String target(String head) {
        return head.split(" ", 3)[1];
    }

    @Test
    void clientFollowsARedirectToTheServer() throws Exception {
        try (WebSocketServer server = WebSocketServer.builder(ws -> ws.forEach(ws::send)).start();
                RawServer redirector = RawServer.start()) {
            redirector.answerEach(head -> redirect(302, "http://127.0.0.1:" + server.port() + "/chat?room=1"));

            try (WebSocket ws = WebSocketClient.connect(redirector.uri("/"))) {
                assertThat(ws.handshakeRequest().target()).isEqualTo("/chat?room=1");
                ws.send("arrived");
                assertThat(ws.receive()).isEqualTo(Message.text("arrived"));
            }
        }
    }

    @Test
    void redirectLoopIsDetected() throws Exception {
        try (RawServer a = RawServer.start(); RawServer b = RawServer.start()) {
            a.answerEach(head -> redirect(307, "ws://127.0.0.1:" + b.port() + "/"));
            b.answerEach(head -> redirect(307, "ws://127.0.0.1:" + a.port() + "/"));

            HandshakeException e = catchThrowableOfType(HandshakeException.class,
                    () -> WebSocketClient.connect(a.uri("/")));

            assertThat(e.status()).isEqualTo(307);
            assertThat(e).hasMessageContaining("redirect loop").hasMessageContaining(a.uri("/").toString());
        }
    }

    @Test
    void redirectsAreBounded() throws Exception {
        List<String> targets = new CopyOnWriteArrayList<>();
        try (RawServer chain = RawServer.start()) {
            chain.answerEach(recording(targets, head -> redirect(301, "/" + (number(target(head)) + 1))));

            HandshakeException e = catchThrowableOfType(HandshakeException.class,
                    () -> WebSocketClient.builder().maxRedirects(3).build().open(chain.uri("/0")));

            assertThat(e.status()).isEqualTo(301);
            assertThat(e).hasMessageContaining("more than 3 redirects");
            assertThat(targets).as("requests: the first and three redirects").hasSize(4);
        }
    }

    @Test
    void zeroRedirectsFollowsNone() throws Exception {
        List<String> targets = new CopyOnWriteArrayList<>();
        try (RawServer moved = RawServer.start()) {
            moved.answerEach(recording(targets, head -> redirect(308, "/elsewhere")));

            HandshakeException e = catchThrowableOfType(HandshakeException.class,
                    () -> WebSocketClient.builder().maxRedirects(0).build().open(moved.uri("/")));

            assertThat(e.status()).isEqualTo(308);
            assertThat(e.headers().first("Location")).contains("/elsewhere");
            assertThat(targets).containsExactly("/");
        }
    }

    private static UnaryOperator<String> recording(List<String> targets, UnaryOperator<String> responder) {
        return head -> {
            targets.add(target(head));
            return responder.apply(head);
        };
    }
}
