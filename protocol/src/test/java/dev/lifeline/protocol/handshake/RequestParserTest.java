package dev.lifeline.protocol.handshake;

import static dev.lifeline.protocol.handshake.Wire.FRAME;
import static dev.lifeline.protocol.handshake.Wire.RFC_REQUEST;
import static dev.lifeline.protocol.handshake.Wire.buffer;
import static dev.lifeline.protocol.handshake.Wire.failure;
import static dev.lifeline.protocol.handshake.Wire.remaining;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Reading the client's handshake on the server: RFC 6455 §4.1 (the request is HTTP/1.1) and the HTTP/1.1
 * message syntax of RFC 9112 §2–§5 (CRLF lines, request line, field lines, no obsolete folding).
 */
class RequestParserTest {

    private final RequestParser parser = new RequestParser(HeadLimits.DEFAULT);

    @Test
    void readsTheRfcExampleRequest() {
        HttpRequest request = parser.feed(buffer(RFC_REQUEST)).orElseThrow();

        assertThat(request.method()).isEqualTo("GET");
        assertThat(request.target()).isEqualTo("/chat");
        assertThat(request.headers().size()).isEqualTo(7);
        assertThat(request.headers().first("host")).contains("server.example.com");
        assertThat(request.headers().first("Sec-WebSocket-Key")).contains("dGhlIHNhbXBsZSBub25jZQ==");
        assertThat(request.headers().tokens("Sec-WebSocket-Protocol")).containsExactly("chat", "superchat");
        assertThat(request.toBytes()).isEqualTo(Wire.bytes(RFC_REQUEST));
    }

    @Test
    void feedingOneByteAtATimeGivesTheSameRequestAsAllAtOnce() {
        HttpRequest whole = new RequestParser(HeadLimits.DEFAULT).feed(buffer(RFC_REQUEST)).orElseThrow();

        Optional<HttpRequest> bytewise = Wire.feedByteByByte(parser::feed, buffer(RFC_REQUEST));

        assertThat(bytewise).contains(whole);
    }

    @Test
    void framesAfterTheHeadStayInTheBufferRightAfterTheBlankLine() {
        ByteBuffer in = buffer(RFC_REQUEST + FRAME);

        assertThat(parser.feed(in)).isPresent();
        assertThat(in.position()).isEqualTo(RFC_REQUEST.length());
        assertThat(remaining(in)).isEqualTo(FRAME);
    }

    @Test
    void framesArrivingWithTheLastHeadByteStayInTheBufferWhenFedByteByByte() {
        ByteBuffer in = buffer(RFC_REQUEST + FRAME);
        in.limit(RFC_REQUEST.length() - 1);
        assertThat(parser.feed(in)).isEmpty();
        in.limit(in.capacity());

        assertThat(parser.feed(in)).isPresent();
        assertThat(remaining(in)).isEqualTo(FRAME);
    }

    @Test
    void returnsEmptyAndConsumesEverythingUntilTheBlankLineArrives() {
        ByteBuffer in = buffer(RFC_REQUEST.substring(0, RFC_REQUEST.length() - 2));

        assertThat(parser.feed(in)).isEmpty();
        assertThat(in.hasRemaining()).isFalse();
        assertThat(parser.feed(buffer("\r\n"))).isPresent();
    }

    @Test
    void readsFromADirectBufferAtItsPosition() {
        ByteBuffer in = ByteBuffer.allocateDirect(RFC_REQUEST.length() + 3);
        in.put(Wire.bytes("xyz" + RFC_REQUEST)).flip().position(3);

        assertThat(parser.feed(in).map(HttpRequest::target)).contains("/chat");
        assertThat(in.hasRemaining()).isFalse();
    }

    @Test
    void fieldValuesLoseSurroundingWhitespaceAndMayBeEmpty() {
        HttpRequest request = parser.feed(buffer("GET / HTTP/1.1\r\nHost:  \t a b \t\r\nX-Empty:\r\n\r\n"))
                .orElseThrow();

        assertThat(request.headers().first("Host")).contains("a b");
        assertThat(request.headers().first("X-Empty")).contains("");
    }

    @Test
    void minorVersionsAboveOneAreReadAsHttp11() {
        assertThat(parser.feed(buffer("GET / HTTP/1.2\r\nHost: a\r\n\r\n"))).isPresent();
    }

    /** A plain HTTP/1.0 request (a health probe) is read, so that the application may answer it. */
    @Test
    void http10IsReadWithItsVersion() {
        HttpRequest request = parser.feed(buffer("GET /healthz HTTP/1.0\r\nHost: a\r\n\r\n")).orElseThrow();

        assertThat(request.version()).isEqualTo(HttpRequest.HTTP_1_0);
        assertThat(request.target()).isEqualTo("/healthz");
        assertThat(new String(request.toBytes(), java.nio.charset.StandardCharsets.ISO_8859_1))
                .startsWith("GET /healthz HTTP/1.0\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP/2.0", "HTTP/0.9", "HTTP/3.1"})
    void otherMajorVersionsAreRejectedWith505(String version) {
        assertThat(failure(() -> parser.feed(buffer("GET / " + version + "\r\n\r\n"))).status()).isEqualTo(505);
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET /chat", "GET  /chat HTTP/1.1", "GET /chat  HTTP/1.1", "GET /chat HTTP/1.1 x",
        " GET /chat HTTP/1.1", "GET /chat http/1.1", "GET /chat HTTP/1.1x", "GET /chat HTTP/11", "GET /chat HTTP/1.x",
        "G(T /chat HTTP/1.1", "GET /ch\u00e9t HTTP/1.1", "GET /a\u007f HTTP/1.1", ""})
    void malformedRequestLinesAreRejectedWith400(String requestLine) {
        HandshakeException e = failure(() -> parser.feed(buffer(requestLine + "\r\nHost: a\r\n\r\n")));

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.response()).isEmpty();
    }

    @Test
    void bareLfIsRejectedWith400() {
        HandshakeException e = failure(() -> parser.feed(buffer("GET / HTTP/1.1\r\nHost: a\n\r\n")));

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).isEqualTo("request header line ends with a bare LF instead of CRLF");
    }

    @Test
    void bareLfEndingTheRequestLineIsRejectedWith400() {
        HandshakeException e = failure(() -> parser.feed(buffer("GET / HTTP/1.1\nHost: a\r\n\r\n")));

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).isEqualTo("request line ends with a bare LF instead of CRLF");
    }

    @Test
    void crNotFollowedByLfIsRejectedWith400() {
        HandshakeException e = failure(() -> parser.feed(buffer("GET / HTTP/1.1\r\nHost: a\rX: b\r\n\r\n")));

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).contains("CR not followed by LF");
    }

    @Test
    void obsoleteLineFoldingIsRejectedWith400() {
        HandshakeException e = failure(() -> parser.feed(buffer("GET / HTTP/1.1\r\nHost: a\r\n b\r\n\r\n")));

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).startsWith("obsolete line folding");
    }

    @Test
    void whitespaceBetweenFieldNameAndColonIsRejectedWith400() {
        HandshakeException e = failure(() -> parser.feed(buffer("GET / HTTP/1.1\r\nHost : a\r\n\r\n")));

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).startsWith("whitespace between header name and colon");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Host", ": a", "Ho(st): a", "X: a\u0000b", "X: a\u0001b", "X: a\u007fb"})
    void malformedFieldLinesAreRejectedWith400(String fieldLine) {
        assertThat(failure(() -> parser.feed(buffer("GET / HTTP/1.1\r\n" + fieldLine + "\r\n\r\n"))).status())
                .isEqualTo(400);
    }

    @Test
    void aFailureIsFinal() {
        HandshakeException first = failure(() -> parser.feed(buffer("BAD\r\n")));

        assertThat(failure(() -> parser.feed(buffer(RFC_REQUEST)))).isSameAs(first);
    }

    @Test
    void feedingAfterTheHeadIsCompleteIsAnError() {
        parser.feed(buffer(RFC_REQUEST));

        assertThatThrownBy(() -> parser.feed(buffer(FRAME))).isInstanceOf(IllegalStateException.class);
    }
}
