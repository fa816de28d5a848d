package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.lifeline.protocol.handshake.ClientHandshake;
import dev.lifeline.protocol.handshake.Headers;
import dev.lifeline.protocol.handshake.HeadLimits;
import dev.lifeline.protocol.handshake.HttpRequest;
import dev.lifeline.protocol.handshake.RequestParser;
import dev.lifeline.protocol.handshake.ServerHandshake;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.TypeConversionException;

/**
 * Fuzz target for the values people type on the {@code lifeline} command line: durations ({@code --ping-interval
 * 20s}), sizes ({@code --max-message 1MiB}) and the URL of {@code connect}, which picocli reads as a {@link URI} and
 * the client turns into its opening handshake request. Properties:
 * <ul>
 *   <li>a duration parses to a non-negative {@link Duration}, or is refused with picocli's
 *       {@link TypeConversionException} (a usage error naming the value), never another exception;
 *   <li>a size parses to 1 byte .. 2 GiB - 1, or is refused likewise; a parsed size written back in bytes, and in
 *       KiB when it is a whole number of them, parses to the same size;
 *   <li>a URL is refused by {@code URI} or by the client with {@link IllegalArgumentException}, or becomes a request
 *       that our server's parser and validator accept as a WebSocket handshake for the same resource.
 * </ul>
 * Run longer with {@code ./lifeline fuzz CommandLineValuesFuzzTest 10m}; see docs/topics/fuzzing.md.
 */
public class CommandLineValuesFuzzTest {
    private static final byte[] KEY = new byte[16];

    @FuzzTest(maxDuration = "5s")
    void durationsSizesAndUrlsParseOrAreRefusedClearly(FuzzedDataProvider data) {
        fuzzerTestOneInput(data);
    }

    /** The target, as Jazzer's standalone driver calls it. */
    public static void fuzzerTestOneInput(FuzzedDataProvider data) {
        int which = data.consumeInt(0, 2);
        String value = data.consumeRemainingAsString();
        switch (which) {
            case 0 -> duration(value);
            case 1 -> size(value);
            default -> url(value);
        }
    }

    private static void duration(String value) {
        try {
            assertThat(OptionValues.duration(value).isNegative()).as("negative duration from %s", value).isFalse();
        } catch (TypeConversionException e) {
            assertThat(e.getMessage()).contains("'" + value + "'");
        }
    }

    private static void size(String value) {
        int size;
        try {
            size = OptionValues.size(value);
        } catch (TypeConversionException e) {
            assertThat(e.getMessage()).contains("'" + value + "'");
            return;
        }
        assertThat(size).isPositive();
        assertThat(OptionValues.size(Integer.toString(size))).isEqualTo(size);
        if (size % 1024 == 0) {
            assertThat(OptionValues.size(size / 1024 + "KiB")).isEqualTo(size);
        }
    }

    private static void url(String value) {
        URI uri;
        HttpRequest request;
        try {
            uri = new URI(value);
            request = new ClientHandshake(uri, KEY, List.of(), List.of(), Headers.empty()).request();
        } catch (URISyntaxException | IllegalArgumentException e) {
            return;
        }
        Optional<HttpRequest> parsed = new RequestParser(HeadLimits.DEFAULT).feed(ByteBuffer.wrap(request.toBytes()));
        assertThat(parsed).as("request for %s", uri).contains(request);
        ServerHandshake.Offer offer = ServerHandshake.validate(parsed.get());
        assertThat(offer.request().target()).as("resource").startsWith("/");
    }
}
