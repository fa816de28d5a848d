package dev.lifeline.protocol.handshake;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Splits an HTTP/1.1 head into lines (RFC 9112 §2.2) and enforces {@link HeadLimits}; shared by
 * {@link RequestParser} and {@link ResponseParser}. Lines must end with CRLF: a bare LF or a CR elsewhere is
 * malformed (RFC 9112 §2.2 lets a recipient accept a bare LF, but two parsers that disagree on line ends are
 * how requests get smuggled, and every WebSocket peer sends CRLF).
 *
 * <p>Memory: the current line is held in a buffer that grows by doubling up to the line limit plus two bytes;
 * completed lines become strings, whose total the head limit bounds.
 */
final class HeadReader {

    /** Which head is read (by which side): decides the nouns in messages and the statuses of failures. */
    enum Head {
        /** The server reads a request and answers failures with 400, 414 or 431. */
        REQUEST("request line", "request header line", "request", 400, 414, 431),
        /** The client reads a response; there is no status to answer, so failures carry 0. */
        RESPONSE("status line", "response header line", "response", 0, 0, 0);

        final String startLine;
        final String headerLine;
        final String message;
        final int malformed;
        final int startLineTooLong;
        final int headTooLarge;

        Head(String startLine, String headerLine, String message, int malformed, int startLineTooLong,
                int headTooLarge) {
            this.startLine = startLine;
            this.headerLine = headerLine;
            this.message = message;
            this.malformed = malformed;
            this.startLineTooLong = startLineTooLong;
            this.headTooLarge = headTooLarge;
        }
    }

    private static final int INITIAL_CAPACITY = 256;

    private final HeadLimits limits;
    private final Head head;
    private byte[] line = new byte[0];
    private int lineLength;
    private int headLength;
    private int lines;

    HeadReader(HeadLimits limits, Head head) {
        this.limits = limits;
        this.head = head;
    }

    /**
     * Consumes bytes up to and including the next LF and returns that line without its CRLF, or consumes
     * everything it may and returns {@code null} when the line is not complete yet. Never consumes past the
     * LF, so whatever follows the head stays in {@code in}.
     *
     * @throws HandshakeException when a line or the head exceeds its limit, or a line does not end with CRLF
     */
    String nextLine(ByteBuffer in) {
        boolean start = lines == 0;
        int max = start ? limits.maxStartLine() : limits.maxHeaderLine();
        int from = in.position();
        // Take at most the rest of this line (content, CR, LF), and one byte past the head limit, so that the
        // failure names the limit that was crossed first.
        int room = Math.min(max + 2 - lineLength, limits.maxHead() + 1 - headLength);
        int to = from + Math.min(in.limit() - from, room);
        int i = from;
        while (i < to && in.get(i) != '\n') {
            i++;
        }
        boolean complete = i < to;
        append(in, from, i - from);
        int taken = i - from + (complete ? 1 : 0);
        in.position(from + taken);
        headLength += taken;

        if (lineLength > max + 1 || lineLength == max + 1 && line[max] != '\r') {
            throw new HandshakeException(start ? head.startLineTooLong : head.headTooLarge,
                    (start ? head.startLine : head.headerLine) + " exceeds the limit of " + max + " bytes");
        }
        if (headLength > limits.maxHead()) {
            throw new HandshakeException(head.headTooLarge,
                    head.message + " head exceeds the limit of " + limits.maxHead() + " bytes");
        }
        if (!complete) {
            return null;
        }
        if (lineLength == 0 || line[lineLength - 1] != '\r') {
            throw malformed((start ? head.startLine : head.headerLine) + " ends with a bare LF instead of CRLF");
        }
        String text = new String(line, 0, lineLength - 1, StandardCharsets.ISO_8859_1);
        lineLength = 0;
        lines++;
        int cr = text.indexOf('\r');
        if (cr >= 0) {
            throw malformed((start ? head.startLine : head.headerLine) + " holds a CR not followed by LF at index "
                    + cr);
        }
        if (!start && !text.isEmpty() && lines - 1 > limits.maxHeaders()) {
            throw new HandshakeException(head.headTooLarge,
                    head.message + " has more than " + limits.maxHeaders() + " header lines");
        }
        return text;
    }

    private void append(ByteBuffer in, int from, int count) {
        if (lineLength + count > line.length) {
            int capacity = Math.max(line.length, INITIAL_CAPACITY);
            while (capacity < lineLength + count) {
                capacity *= 2;
            }
            int max = lines == 0 ? limits.maxStartLine() : limits.maxHeaderLine();
            line = Arrays.copyOf(line, Math.min(capacity, max + 2));
        }
        in.get(from, line, lineLength, count);
        lineLength += count;
    }

    HandshakeException malformed(String message) {
        return new HandshakeException(head.malformed, message);
    }

    /** Bytes held for the current line: what a test checks to see that memory stays bounded. */
    int retainedBytes() {
        return line.length;
    }
}
