package dev.lifeline.protocol.handshake;

import static dev.lifeline.protocol.handshake.Wire.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a failed handshake answers (RFC 6455 §4.2.1: "return an HTTP response with an appropriate error code";
 * §4.4: a 426 names the supported version) and what it tells a client.
 */
class HandshakeExceptionTest {

    @Test
    void aServerFailureAnswersWithItsStatusAndItsMessageAsPlainText() {
        HandshakeException e = new HandshakeException(400, "missing Host header");

        assertThat(text(e.toResponse().toBytes())).isEqualTo("HTTP/1.1 400 Bad Request\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: 19\r\n"
                + "Connection: close\r\n"
                + "\r\n"
                + "missing Host header");
    }

    @Test
    void aVersionMismatchAnswers426WithTheVersionWeSpeak() {
        HandshakeException e = new HandshakeException(426, "Sec-WebSocket-Version \"8\" is not supported");

        assertThat(text(e.toResponse().toBytes())).isEqualTo("HTTP/1.1 426 Upgrade Required\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: 42\r\n"
                + "Connection: Upgrade, close\r\n"
                + "Upgrade: websocket\r\n"
                + "Sec-WebSocket-Version: 13\r\n"
                + "\r\n"
                + "Sec-WebSocket-Version \"8\" is not supported");
        assertThat(e.headers()).hasSize(2);
    }

    @Test
    void aWrongMethodAnswers405AllowingGet() {
        HandshakeException e = rejection("POST");

        assertThat(e.toResponse().status()).isEqualTo(405);
        assertThat(e.toResponse().reason()).isEqualTo("Method Not Allowed");
        assertThat(e.toResponse().headers().first("Allow")).contains("GET");
        assertThat(e.toResponse().headers().first("Connection")).contains("close");
    }

    @Test
    void everyParserRejectionCanBeAnsweredWithItsOwnStatus() {
        for (String head : List.of("GET / HTTP/2.0\r\n", "GET /" + "a".repeat(9000), "GET / HTTP/1.1\r\nX\r\n")) {
            HandshakeException e = Wire.failure(() -> new RequestParser(HeadLimits.DEFAULT).feed(Wire.buffer(head)));

            assertThat(e.toResponse().status()).isEqualTo(e.status()).isIn(505, 414, 400);
            assertThat(e.toResponse().bodyText()).isEqualTo(e.getMessage());
        }
    }

    @Test
    void aClientFailureCarriesTheResponseAndHasNothingToSend() {
        HttpResponse received = HttpResponse.of(503, "busy");
        HandshakeException e = new HandshakeException(503, "server answered 503", received);

        assertThat(e.status()).isEqualTo(503);
        assertThat(e.response()).contains(received);
        assertThat(e.headers()).isEqualTo(received.headers());
        assertThatThrownBy(e::toResponse).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(new HandshakeException(0, "bad status line")::toResponse)
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aStatusMustBeZeroOrThreeDigits() {
        assertThatThrownBy(() -> new HandshakeException(42, "odd")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HandshakeException(1000, "odd")).isInstanceOf(IllegalArgumentException.class);
        assertThat(new HandshakeException(0, "fine").status()).isZero();
    }

    private static HandshakeException rejection(String method) {
        return Wire.failure(() -> ServerHandshake.validate(new HttpRequest(method, "/", Headers.of("Host", "a"))));
    }
}
