package dev.lifeline.protocol.handshake;

import static dev.lifeline.protocol.handshake.Wire.buffer;
import static dev.lifeline.protocol.handshake.Wire.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Bounds on the handshake head: 414 URI Too Long (RFC 9110 §15.5.15) for the request line, 431 Request Header
 * Fields Too Large (RFC 6585 §5) for header lines, their count and the whole head; and memory that stays
 * within those bounds whatever the peer sends.
 */
class HeadLimitsTest {

    private static final String REST = "\r\nHost: a\r\n\r\n";

    private static String requestLine(int length) {
        return "GET /" + "a".repeat(length - "GET / HTTP/1.1".length()) + " HTTP/1.1";
    }

    private static String headers(int count) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < count; i++) {
            out.append("X-").append(i).append(": v\r\n");
        }
        return out.toString();
    }

    @Test
    void defaultsAreEightKibibyteLinesAndHeadAnd128Headers() {
        assertThat(HeadLimits.DEFAULT).isEqualTo(new HeadLimits(8192, 8192, 128, 8192));
        assertThatThrownBy(() -> new HeadLimits(0, 1, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HeadLimits(1, 1, -1, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void requestLineOf8193BytesIsRejectedWith414() {
        HandshakeException e = failure(() -> new RequestParser(HeadLimits.DEFAULT)
                .feed(buffer(requestLine(8193) + REST)));

        assertThat(e.status()).isEqualTo(414);
        assertThat(e.getMessage()).isEqualTo("request line exceeds the limit of 8192 bytes");
    }

    @Test
    void requestLineOfExactlyTheLimitIsAccepted() {
        RequestParser parser = new RequestParser(new HeadLimits(8192, 8192, 128, 16384));

        assertThat(parser.feed(buffer(requestLine(8192) + REST)).map(r -> r.target().length())).contains(8179);
    }

    @Test
    void requestLineWithinItsLimitButFillingTheHeadIsRejectedWith431() {
        HandshakeException e = failure(() -> new RequestParser(HeadLimits.DEFAULT)
                .feed(buffer(requestLine(8192) + REST)));

        assertThat(e.status()).isEqualTo(431);
        assertThat(e.getMessage()).isEqualTo("request head exceeds the limit of 8192 bytes");
    }

    @Test
    void headerLineOverItsLimitIsRejectedWith431() {
        RequestParser parser = new RequestParser(new HeadLimits(8192, 100, 128, 8192));
        String line = "X-Long: " + "v".repeat(93);

        HandshakeException e = failure(() -> parser.feed(buffer("GET / HTTP/1.1\r\n" + line + REST)));

        assertThat(line).hasSize(101);
        assertThat(e.status()).isEqualTo(431);
        assertThat(e.getMessage()).isEqualTo("request header line exceeds the limit of 100 bytes");
    }

    @Test
    void headerLineOfExactlyItsLimitIsAccepted() {
        RequestParser parser = new RequestParser(new HeadLimits(8192, 100, 128, 8192));
        String line = "X-Long: " + "v".repeat(92);

        assertThat(parser.feed(buffer("GET / HTTP/1.1\r\n" + line + REST))).isPresent();
    }

    @Test
    void headerLineOf9000BytesIsRejectedWith431ByDefault() {
        String line = "X-Long: " + "v".repeat(8992);

        assertThat(failure(() -> new RequestParser(HeadLimits.DEFAULT)
                .feed(buffer("GET / HTTP/1.1\r\n" + line + REST))).status()).isEqualTo(431);
    }

    @Test
    void header129IsRejectedWith431() {
        HandshakeException e = failure(() -> new RequestParser(HeadLimits.DEFAULT)
                .feed(buffer("GET / HTTP/1.1\r\n" + headers(129) + "\r\n")));

        assertThat(e.status()).isEqualTo(431);
        assertThat(e.getMessage()).isEqualTo("request has more than 128 header lines");
    }

    @Test
    void exactly128HeadersAreAccepted() {
        HttpRequest request = new RequestParser(HeadLimits.DEFAULT)
                .feed(buffer("GET / HTTP/1.1\r\n" + headers(128) + "\r\n")).orElseThrow();

        assertThat(request.headers().size()).isEqualTo(128);
    }

    @Test
    void headOver8192BytesIsRejectedWith431() {
        String head = "GET / HTTP/1.1\r\n" + ("X-Pad: " + "p".repeat(90) + "\r\n").repeat(90) + "\r\n";

        HandshakeException e = failure(() -> new RequestParser(HeadLimits.DEFAULT).feed(buffer(head)));

        assertThat(head.length()).isGreaterThan(8192);
        assertThat(e.status()).isEqualTo(431);
        assertThat(e.getMessage()).isEqualTo("request head exceeds the limit of 8192 bytes");
    }

    @Test
    void headOfExactly8192BytesIsAcceptedAndOneMoreByteIsNot() {
        String start = "GET / HTTP/1.1\r\nX-Pad: ";
        String end = "\r\n\r\n";
        String pad = "p".repeat(8192 - start.length() - end.length());

        assertThat(new RequestParser(HeadLimits.DEFAULT).feed(buffer(start + pad + end))).isPresent();
        assertThat(failure(() -> new RequestParser(HeadLimits.DEFAULT).feed(buffer(start + pad + "p" + end)))
                .status()).isEqualTo(431);
    }

    @Test
    void endlessRequestLineStopsBeingReadAtItsLimitAndHoldsNoMoreThanIt() {
        byte[] mebibyte = new byte[1 << 20];
        Arrays.fill(mebibyte, (byte) 'a');
        ByteBuffer in = ByteBuffer.wrap(mebibyte);
        RequestParser parser = new RequestParser(HeadLimits.DEFAULT);

        assertThat(failure(() -> parser.feed(in)).status()).isEqualTo(414);
        assertThat(in.position()).isEqualTo(8193);
        assertThat(parser.retainedBytes()).isLessThanOrEqualTo(8194);
    }

    @Test
    void endlessHeaderLineFedByteByByteFailsAtItsLimitWithBoundedMemory() {
        RequestParser parser = new RequestParser(new HeadLimits(8192, 1000, 128, 8192));
        parser.feed(buffer("GET / HTTP/1.1\r\n"));
        int fed = 0;
        int retained = 0;
        try {
            while (fed < 1 << 20) {
                fed++;
                parser.feed(buffer("a"));
                retained = Math.max(retained, parser.retainedBytes());
            }
        } catch (HandshakeException e) {
            assertThat(e.status()).isEqualTo(431);
        }

        assertThat(fed).isEqualTo(1001);
        assertThat(retained).isLessThanOrEqualTo(1002);
    }

    @Test
    void endlessHeadOfShortLinesStopsAtTheHeadLimit() {
        ByteBuffer in = buffer("GET / HTTP/1.1\r\n" + "X: y\r\n".repeat(100_000));
        RequestParser parser = new RequestParser(new HeadLimits(8192, 8192, 1_000_000, 8192));

        assertThat(failure(() -> parser.feed(in)).status()).isEqualTo(431);
        assertThat(in.position()).isEqualTo(8193);
    }

    @Test
    void responseLimitsFailWithStatusZeroAndNoResponse() {
        HandshakeException longLine = failure(() -> new ResponseParser(new HeadLimits(100, 100, 4, 8192))
                .feed(buffer("HTTP/1.1 101 " + "x".repeat(100) + "\r\n\r\n")));
        HandshakeException manyHeaders = failure(() -> new ResponseParser(new HeadLimits(100, 100, 4, 8192))
                .feed(buffer("HTTP/1.1 101 OK\r\n" + headers(5) + "\r\n")));
        HandshakeException bigHead = failure(() -> new ResponseParser(new HeadLimits(100, 100, 100, 200))
                .feed(buffer("HTTP/1.1 101 OK\r\n" + headers(40) + "\r\n")));

        assertThat(longLine.getMessage()).isEqualTo("status line exceeds the limit of 100 bytes");
        assertThat(manyHeaders.getMessage()).isEqualTo("response has more than 4 header lines");
        assertThat(bigHead.getMessage()).isEqualTo("response head exceeds the limit of 200 bytes");
        assertThat(longLine.status()).isZero();
        assertThat(manyHeaders.status()).isZero();
        assertThat(bigHead.status()).isZero();
        assertThat(bigHead.response()).isEmpty();
    }
}
