package dev.lifeline.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Option values people type: durations such as {@code 20s} or {@code 500ms}, sizes such as {@code 1MiB}. */
final class OptionValues {
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|min|m|h)?");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?");

    private OptionValues() {
    }

    /**
     * A duration: a number with the unit {@code ms}, {@code s}, {@code m} (or {@code min}) or {@code h}
     * ({@code 20s}, {@code 1.5s}, {@code 500ms}), a plain {@code 0}, or ISO-8601 ({@code PT20S}).
     */
    static Duration duration(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        Matcher m = DURATION.matcher(v);
        if (m.matches()) {
            String unit = m.group(2);
            if (unit == null && !m.group(1).matches("0+(\\.0+)?")) {
                throw new TypeConversionException("'" + value + "' needs a unit: ms, s, m or h (e.g. 20s)");
            }
            double nanosPerUnit = switch (unit == null ? "s" : unit) {
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m", "min" -> 60e9;
                default -> 3600e9;
            };
            return Duration.ofNanos(Math.round(Double.parseDouble(m.group(1)) * nanosPerUnit));
        }
        try {
            Duration d = Duration.parse(value.strip());
            if (d.isNegative()) {
                throw new TypeConversionException("'" + value + "' is negative");
            }
            return d;
        } catch (DateTimeParseException e) {
            throw new TypeConversionException("'" + value + "' is not a duration like 20s, 500ms, 2m or PT20S");
        }
    }

    /** A size in bytes: a number, optionally with {@code KiB}, {@code MiB} or {@code GiB} (K, M, G: the same). */
    static int size(String value) {
        Matcher m = SIZE.matcher(value.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new TypeConversionException("'" + value + "' is not a size like 65536, 64KiB or 1MiB");
        }
        String unit = m.group(2) == null ? "b" : m.group(2);
        long multiplier = switch (unit.charAt(0)) {
            case 'k' -> 1L << 10;
            case 'm' -> 1L << 20;
            case 'g' -> 1L << 30;
            default -> 1;
        };
        long bytes;
        try {
            bytes = Math.multiplyExact(Long.parseLong(m.group(1)), multiplier);
        } catch (ArithmeticException | NumberFormatException e) {
            bytes = Long.MAX_VALUE;
        }
        if (bytes < 1 || bytes > Integer.MAX_VALUE) {
            throw new TypeConversionException("'" + value + "' must be between 1 byte and 2 GiB - 1");
        }
        return (int) bytes;
    }

    /**
     * A WebSocket URL: {@code ws://} or {@code wss://} with a host. What people type instead ({@code 127.0.0.1:8765},
     * {@code http://...}) is answered with the fix.
     */
    static URI webSocketUrl(String value) {
        String v = value.strip();
        int colon = v.indexOf("://");
        if (colon < 0) {
            throw new TypeConversionException("'" + value + "' has no scheme: add ws:// (ws://" + v
                    + (v.contains("/") ? "" : "/") + ") or wss:// for TLS");
        }
        String scheme = v.substring(0, colon).toLowerCase(Locale.ROOT);
        if (!scheme.equals("ws") && !scheme.equals("wss")) {
            throw new TypeConversionException("'" + value + "' is not a WebSocket URL: it starts with ws:// or"
                    + " wss://" + (scheme.startsWith("http") ? " (" + scheme.replace("http", "ws") + "://"
                            + v.substring(colon + 3) + ")" : ""));
        }
        URI uri;
        try {
            uri = new URI(v);
        } catch (URISyntaxException e) {
            throw new TypeConversionException("'" + value + "' is not a URL: " + e.getReason() + " at index "
                    + e.getIndex());
        }
        if (uri.getHost() == null) {
            throw new TypeConversionException("'" + value + "' names no host, e.g. ws://127.0.0.1:8765/");
        }
        return uri;
    }

    /** picocli's converter for WebSocket URLs. */
    static final class WebSocketUrlConverter implements ITypeConverter<URI> {
        @Override
        public URI convert(String value) {
            return webSocketUrl(value);
        }
    }

    /** picocli's converter for {@link Duration} options. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return duration(value);
        }
    }

    /** picocli's converter for size options. */
    static final class SizeConverter implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return size(value);
        }
    }
}
