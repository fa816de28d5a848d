package dev.lifeline.cli;

import dev.lifeline.WebSocketOptions;
import dev.lifeline.protocol.extension.PerMessageDeflate;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/** The options both commands share: keepalive, the message size limit and compression. */
final class ConnectionOptions {
    /**
     * What the server accepts: no context takeover, so zlib state is borrowed from a pool per message and idle
     * connections hold none (see docs/topics/compression.md).
     */
    static final PerMessageDeflate SERVER_COMPRESSION = PerMessageDeflate.DEFAULT.withoutContextTakeover();
    /** What the client offers: plain permessage-deflate, which every server that compresses accepts. */
    static final PerMessageDeflate CLIENT_COMPRESSION = PerMessageDeflate.DEFAULT;

    @Option(names = "--ping-interval", paramLabel = "DURATION", defaultValue = "20s",
            converter = OptionValues.DurationConverter.class,
            description = "Send a keepalive Ping this often; 0 turns keepalive off (default: ${DEFAULT-VALUE}).")
    Duration pingInterval;

    @Option(names = "--ping-timeout", paramLabel = "DURATION", defaultValue = "20s",
            converter = OptionValues.DurationConverter.class,
            description = "Fail the connection with 1011 when a Ping is not answered in time"
                    + " (default: ${DEFAULT-VALUE}).")
    Duration pingTimeout;

    @Option(names = "--max-message-size", paramLabel = "SIZE", defaultValue = "1MiB",
            converter = OptionValues.SizeConverter.class,
            description = "Close with 1009 on a larger incoming message; e.g. 64KiB, 16MiB"
                    + " (default: ${DEFAULT-VALUE}).")
    int maxMessageSize;

    @Option(names = "--compression", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Negotiate permessage-deflate (RFC 7692) when the peer agrees; --no-compression turns it"
                    + " off (default: on).")
    boolean compression;

    /** The library's defaults with these options applied, for {@code serve} (server) or {@code connect}. */
    WebSocketOptions toOptions(boolean server) {
        WebSocketOptions options = WebSocketOptions.DEFAULT.withMaxMessageSize(maxMessageSize);
        if (compression) {
            options = options.withExtensions(List.of(server ? SERVER_COMPRESSION : CLIENT_COMPRESSION));
        }
        if (pingInterval.isZero()) {
            return options.withoutKeepalive();
        }
        if (pingTimeout.isZero()) {
            throw new IllegalArgumentException("--ping-timeout must be positive");
        }
        return options.withKeepalive(pingInterval, pingTimeout);
    }
}
