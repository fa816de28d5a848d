package dev.lifeline.protocol.handshake;

import static dev.lifeline.protocol.handshake.Wire.FRAME;
import static dev.lifeline.protocol.handshake.Wire.RFC_RESPONSE;
import static dev.lifeline.protocol.handshake.Wire.buffer;
import static dev.lifeline.protocol.handshake.Wire.failure;
import static dev.lifeline.protocol.handshake.Wire.remaining;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Reading the server's handshake on the client: RFC 6455 §4.1 (a 101 is followed at once by frames; any other
 * status is a failure worth reporting with its body) and the HTTP/1.1 response syntax of RFC 9112 §4–§6.
 */
class ResponseParserTest {

    private final ResponseParser parser = new ResponseParser(HeadLimits.DEFAULT);

    @Test
    void readsTheRfcExampleResponse() {
        HttpResponse response = parser.feed(buffer(RFC_RESPONSE)).orElseThrow();

        assertThat(response.status()).isEqualTo(101);
        assertThat(response.reason()).isEqualTo("Switching Protocols");
        assertThat(response.headers().first("sec-websocket-accept")).contains("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        assertThat(response.body()).isEmpty();
        assertThat(response.toBytes()).isEqualTo(Wire.bytes(RFC_RESPONSE));
    }

    @Test
    void a101StopsRightAfterTheHeadEvenWithAContentLength() {
        String head = "HTTP/1.1 101 Switching Protocols\r\nContent-Length: 7\r\n\r\n";
        ByteBuffer in = buffer(head + FRAME);

        assertThat(parser.feed(in)).isPresent();
        assertThat(in.position()).isEqualTo(head.length());
        assertThat(remaining(in)).isEqualTo(FRAME);
    }

    @Test
    void feedingOneByteAtATimeGivesTheSameResponseAsAllAtOnce() {
        String error = "HTTP/1.1 403 Forbidden\r\nContent-Length: 9\r\n\r\nforbidden";
        ResponseParser other = new ResponseParser(HeadLimits.DEFAULT);

        assertThat(Wire.feedByteByByte(parser::feed, buffer(RFC_RESPONSE)))
                .contains(new ResponseParser(HeadLimits.DEFAULT).feed(buffer(RFC_RESPONSE)).orElseThrow());
        assertThat(Wire.feedByteByByte(other::feed, buffer(error)))
                .contains(new ResponseParser(HeadLimits.DEFAULT).feed(buffer(error)).orElseThrow());
    }

    @Test
    void anErrorStatusIsReadWithTheBodyItsContentLengthAnnounces() {
        ByteBuffer in = buffer("HTTP/1.1 403 Forbidden\r\nContent-Length: 9\r\n\r\nforbiddenXYZ");

        HttpResponse response = parser.feed(in).orElseThrow();

        assertThat(response.status()).isEqualTo(403);
        assertThat(response.bodyText()).isEqualTo("forbidden");
        assertThat(remaining(in)).isEqualTo("XYZ");
    }

    @Test
    void anErrorStatusWaitsForItsWholeBody() {
        assertThat(parser.feed(buffer("HTTP/1.1 500 Oops\r\nContent-Length: 6\r\n\r\nabc"))).isEmpty();

        assertThat(parser.feed(buffer("def")).map(HttpResponse::bodyText)).contains("abcdef");
    }

    @Test
    void aBodyLongerThanTheExcerptCompletesAfter4096BytesAndTheRestStaysUnread() {
        ByteBuffer in = buffer("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 10000\r\n\r\n" + "b".repeat(10000));

        HttpResponse response = parser.feed(in).orElseThrow();

        assertThat(response.body()).hasSize(ResponseParser.MAX_BODY_EXCERPT).hasSize(4096);
        assertThat(in.remaining()).isEqualTo(10000 - 4096);
    }

    @Test
    void aHugeContentLengthStillKeepsOnlyTheExcerpt() {
        ByteBuffer in = buffer("HTTP/1.1 413 Too Big\r\nContent-Length: 99999999999999999999999\r\n\r\n"
                + "b".repeat(5000));

        assertThat(parser.feed(in).map(r -> r.body().length)).contains(4096);
    }

    @Test
    void anErrorStatusWithoutContentLengthCompletesWithItsHead() {
        ByteBuffer in = buffer("HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\nleft");

        HttpResponse response = parser.feed(in).orElseThrow();

        assertThat(response.body()).isEmpty();
        assertThat(remaining(in)).isEqualTo("left");
    }

    @Test
    void aChunkedBodyIsNotDecodedAndLeftUnread() {
        ByteBuffer in = buffer("HTTP/1.1 400 Bad\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n3\r\nabc");

        assertThat(parser.feed(in).map(HttpResponse::body)).hasValueSatisfying(body -> assertThat(body).isEmpty());
        assertThat(remaining(in)).isEqualTo("3\r\nabc");
    }

    @Test
    void aListOfEqualContentLengthsIsOneLength() {
        assertThat(parser.feed(buffer("HTTP/1.1 400 Bad\r\nContent-Length: 2, 2\r\n\r\nok"))
                .map(HttpResponse::bodyText)).contains("ok");
    }

    @ParameterizedTest
    @ValueSource(strings = {"2, 3", "-1", "0x10", "", "1 2"})
    void anInvalidContentLengthFailsWithStatusZero(String length) {
        HandshakeException e = failure(() -> parser.feed(
                buffer("HTTP/1.1 400 Bad Request\r\nContent-Length: " + length + "\r\n\r\nok")));

        assertThat(e.status()).isZero();
        assertThat(e.getMessage()).startsWith("response 400 Bad Request has an invalid Content-Length");
    }

    @Test
    void obsoleteLineFoldingIsReplacedBySpace() {
        HttpResponse response = parser.feed(buffer("HTTP/1.1 101 Switching Protocols\r\nX-Long: a\r\n  b\r\n"
                + "\tc\r\nUpgrade: websocket\r\n\r\n")).orElseThrow();

        assertThat(response.headers().first("X-Long")).contains("a b c");
        assertThat(response.headers().first("Upgrade")).contains("websocket");
    }

    @Test
    void aStatusLineWithoutReasonHasAnEmptyOne() {
        assertThat(parser.feed(buffer("HTTP/1.1 101\r\n\r\n")).map(HttpResponse::reason)).contains("");
    }

    @Test
    void anHttp10ErrorFromAProxyIsStillRead() {
        assertThat(parser.feed(buffer("HTTP/1.0 407 Proxy Authentication Required\r\n\r\n"))
                .map(HttpResponse::status)).contains(407);
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP/1.1 1010 Odd", "HTTP/2 101 Switching", "ICY 200 OK", "HTTP/1.1 10a Odd",
        "HTTP/1.1  101 Odd", "HTTP/1.1 101Odd", "http/1.1 101 Ok", "HTTP/1.1 101 \u0000", "", "HTTP/1.1 052 Low",
        "HTTP/1.0 000 Zero"})
    void malformedStatusLinesFailWithStatusZero(String statusLine) {
        HandshakeException e = failure(() -> parser.feed(buffer(statusLine + "\r\n\r\n")));

        assertThat(e.status()).isZero();
        assertThat(e.response()).isEmpty();
    }

    @Test
    void bareLfAndFoldingBeforeTheFirstFieldFailWithStatusZero() {
        assertThat(failure(() -> parser.feed(buffer("HTTP/1.1 101 OK\n\n"))).getMessage())
                .isEqualTo("status line ends with a bare LF instead of CRLF");
        assertThat(failure(() -> new ResponseParser(HeadLimits.DEFAULT)
                .feed(buffer("HTTP/1.1 101 OK\r\n folded\r\n\r\n"))).getMessage())
                .startsWith("whitespace before the first header line");
    }

    @Test
    void feedingAfterCompletionIsAnErrorAndAFailureIsFinal() {
        parser.feed(buffer(RFC_RESPONSE));
        ResponseParser failed = new ResponseParser(HeadLimits.DEFAULT);
        HandshakeException first = failure(() -> failed.feed(buffer("nonsense\r\n")));

        assertThatThrownBy(() -> parser.feed(buffer(FRAME))).isInstanceOf(IllegalStateException.class);
        assertThat(failure(() -> failed.feed(buffer(RFC_RESPONSE)))).isSameAs(first);
    }

    /**
     * A plain ws:// request to a TLS server: the JDK's TLS server answers with a fatal alert record, 15 03 03 00 02
     * 02 0a, whose last byte is a LF; the client says what that means instead of "a bare LF".
     */
    @ParameterizedTest
    @ValueSource(strings = {"\u0015\u0003\u0003\u0000\u0002\u0002\n", "\u0016\u0003\u0001"})
    void anAnswerThatStartsWithATlsRecordSaysTheServerSpeaksTls(String record) {
        HandshakeException e = failure(() -> parser.feed(buffer(record)));

        assertThat(e.status()).isZero();
        assertThat(e).hasMessageContaining("the server speaks TLS; use wss://");
    }

    @Test
    void theTlsRecordIsRecognisedWhenItsFirstByteArrivesAlone() {
        assertThat(failure(() -> parser.feed(buffer("\u0015")))).hasMessageContaining("TLS record");
    }
}
