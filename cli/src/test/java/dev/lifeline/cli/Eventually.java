package dev.lifeline.cli;

import dev.lifeline.testing.Await;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Supplier;
import org.assertj.core.api.Assertions;

/** Bounded waits for what another thread or process prints. */
final class Eventually {
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private Eventually() {
    }

    /** Waits, at most {@link #TIMEOUT}, until {@code text} holds {@code expected}; returns the text then. */
    static String contains(Supplier<String> text, String expected) throws InterruptedException {
        if (!Await.holds(TIMEOUT, () -> text.get().contains(expected))) {
            Assertions.fail("waited " + TIMEOUT.toSeconds() + " s for <" + expected + "> in:\n" + text.get());
        }
        return text.get();
    }

    /** The UTF-8 text written to {@code bytes} so far. */
    static Supplier<String> text(ByteArrayOutputStream bytes) {
        return () -> bytes.toString(StandardCharsets.UTF_8);
    }
}
