package dev.lifeline.protocol.handshake;

import static dev.lifeline.protocol.handshake.Wire.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Wire bytes of HTTP/1.1 messages (RFC 9112 §2.1, §3, §4, §6.3) and reason phrases (RFC 9110 §15). */
class HttpMessageTest {

    @Test
    void requestBytesAreTheRequestLineTheFieldsAndABlankLineEachEndedByCrlf() {
        HttpRequest request = new HttpRequest("GET", "/chat?room=1",
                Headers.of("Host", "example.com", "Upgrade", "websocket"));

        assertThat(text(request.toBytes())).isEqualTo(
                "GET /chat?room=1 HTTP/1.1\r\nHost: example.com\r\nUpgrade: websocket\r\n\r\n");
    }

    @Test
    void thePathIsTheTargetsWithoutItsQueryInOriginOrAbsoluteForm() {
        assertThat(path("/chat?room=1")).isEqualTo("/chat");
        assertThat(path("/")).isEqualTo("/");
        assertThat(path("/?x")).isEqualTo("/");
        assertThat(path("/a/b/")).isEqualTo("/a/b/");
        assertThat(path("ws://example.com/chat?room=1")).isEqualTo("/chat");
        assertThat(path("http://example.com")).isEqualTo("/");
        assertThat(path("http://exa mple")).as("no URI: whole").isEqualTo("http://exa mple".replace(' ', '%'));
        assertThat(path("mailto:a@b")).as("no path: whole").isEqualTo("mailto:a@b");
    }

    private static String path(String target) {
        return new HttpRequest("GET", target.replace(' ', '%'), Headers.of("Host", "x")).path();
    }

    @Test
    void responseWithoutBodyHasNoContentLength() {
        HttpResponse response = new HttpResponse(101, "Switching Protocols", Headers.of("Upgrade", "websocket"),
                new byte[0]);

        assertThat(text(response.toBytes())).isEqualTo(
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n");
    }

    @Test
    void responseWithBodyGetsAContentLengthWhenItHasNone() {
        HttpResponse response = new HttpResponse(404, "Not Found", Headers.of("X-A", "1"), Wire.bytes("nope"));

        assertThat(text(response.toBytes())).isEqualTo(
                "HTTP/1.1 404 Not Found\r\nX-A: 1\r\nContent-Length: 4\r\n\r\nnope");
        assertThat(response.headers().contains("Content-Length")).isFalse();
    }

    @Test
    void responseWithBodyKeepsItsOwnContentLength() {
        HttpResponse response = new HttpResponse(200, "OK", Headers.of("content-length", "4"), Wire.bytes("pong"));

        assertThat(text(response.toBytes())).isEqualTo("HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\npong");
    }

    @Test
    void plainTextResponseCountsUtf8BytesAndClosesTheConnection() {
        HttpResponse response = HttpResponse.of(403, "h\u00e9llo");

        assertThat(response.reason()).isEqualTo("Forbidden");
        assertThat(new String(response.toBytes(), StandardCharsets.UTF_8)).isEqualTo("HTTP/1.1 403 Forbidden\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\nContent-Length: 6\r\nConnection: close\r\n\r\n"
                + "h\u00e9llo");
        assertThat(response.bodyText()).isEqualTo("h\u00e9llo");
    }

    @Test
    void plainTextResponseLetsExtraHeadersReplaceConnection() {
        HttpResponse response = HttpResponse.of(503, "later", Headers.of("Connection", "keep-alive",
                "Retry-After", "5"));

        assertThat(response.headers().all("Connection")).containsExactly("keep-alive");
        assertThat(response.headers().first("Retry-After")).contains("5");
    }

    @Test
    void commonStatusesHaveTheirStandardReasonAndOthersAnEmptyOne() {
        assertThat(HttpResponse.reasonPhrase(101)).isEqualTo("Switching Protocols");
        assertThat(HttpResponse.reasonPhrase(400)).isEqualTo("Bad Request");
        assertThat(HttpResponse.reasonPhrase(405)).isEqualTo("Method Not Allowed");
        assertThat(HttpResponse.reasonPhrase(414)).isEqualTo("URI Too Long");
        assertThat(HttpResponse.reasonPhrase(426)).isEqualTo("Upgrade Required");
        assertThat(HttpResponse.reasonPhrase(431)).isEqualTo("Request Header Fields Too Large");
        assertThat(HttpResponse.reasonPhrase(503)).isEqualTo("Service Unavailable");
        assertThat(HttpResponse.reasonPhrase(505)).isEqualTo("HTTP Version Not Supported");
        assertThat(HttpResponse.reasonPhrase(599)).isEmpty();
        assertThat(text(HttpResponse.of(599, "").toBytes())).startsWith("HTTP/1.1 599 \r\n");
    }

    @Test
    void responseBodyIsCopiedInAndOutAndComparedByContent() {
        byte[] body = Wire.bytes("abc");
        HttpResponse response = new HttpResponse(400, "Bad Request", Headers.empty(), body);
        body[0] = 'x';
        response.body()[1] = 'x';

        assertThat(response.bodyText()).isEqualTo("abc");
        assertThat(response).isEqualTo(new HttpResponse(400, "Bad Request", Headers.empty(), Wire.bytes("abc")))
                .hasSameHashCodeAs(new HttpResponse(400, "Bad Request", Headers.empty(), Wire.bytes("abc")));
        assertThat(response).hasToString("400 Bad Request {} [3 bytes]");
    }

    @Test
    void messagesRejectWhatCannotGoOnTheWire() {
        assertThatThrownBy(() -> new HttpRequest("GET", "/a b", Headers.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0x20");
        assertThatThrownBy(() -> new HttpRequest("G T", "/", Headers.empty()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HttpResponse(99, "", Headers.empty(), new byte[0]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HttpResponse(200, "OK\r\nX: y", Headers.empty(), new byte[0]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
