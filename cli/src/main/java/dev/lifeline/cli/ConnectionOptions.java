package dev.lifeline.cli;

import dev.lifeline.WebSocketOptions;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The options both commands share: keepalive and the message size limit. */
final class ConnectionOptions {
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

    /** The library's defaults with these options applied. */
    WebSocketOptions toOptions() {
        WebSocketOptions options = WebSocketOptions.DEFAULT.withMaxMessageSize(maxMessageSize);
        if (pingInterval.isZero()) {
            return options.withoutKeepalive();
        }
        if (pingTimeout.isZero()) {
            throw new IllegalArgumentException("--ping-timeout must be positive");
        }
        return options.withKeepalive(pingInterval, pingTimeout);
    }
}
