package dev.lifeline.protocol.handshake;

/**
 * Bounds on an HTTP/1.1 head read by {@link RequestParser} or {@link ResponseParser}. Line lengths count the
 * bytes before CRLF; {@code maxHead} counts every byte of the head, CRLFs and the final blank line included.
 * A parser never holds more than about one line and the parsed fields, so these bound its memory too.
 *
 * @param maxStartLine longest request line (server: 414 beyond it) or status line
 * @param maxHeaderLine longest header field line (server: 431 beyond it)
 * @param maxHeaders most header field lines (server: 431 beyond it)
 * @param maxHead most bytes in the whole head (server: 431 beyond it)
 */
public record HeadLimits(int maxStartLine, int maxHeaderLine, int maxHeaders, int maxHead) {

    /** The defaults of DESIGN.md: 8 KiB lines, 128 header fields, 8 KiB for the whole head. */
    public static final HeadLimits DEFAULT = new HeadLimits(8192, 8192, 128, 8192);

    /** @throws IllegalArgumentException if a length is below 1 or the header count negative */
    public HeadLimits {
        if (maxStartLine < 1 || maxHeaderLine < 1 || maxHead < 1 || maxHeaders < 0) {
            throw new IllegalArgumentException("invalid head limits: start line " + maxStartLine + ", header line "
                    + maxHeaderLine + ", headers " + maxHeaders + ", head " + maxHead);
        }
    }
}
