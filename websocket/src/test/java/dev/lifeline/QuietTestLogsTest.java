package dev.lifeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.UUID;
import java.util.logging.ConsoleHandler;
import java.util.logging.FileHandler;
import java.util.logging.Handler;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The tests' own logging (test-logging.properties, set by the parent pom): what the library logs while the tests
 * provoke failures on purpose goes to target/tests-N.log, where it can be read, and not to the console, where its
 * expected stack traces would bury the test results.
 */
class QuietTestLogsTest {
    @Test
    void recordsGoToAFileInTargetAndNotToTheConsole() throws IOException {
        Handler[] handlers = Logger.getLogger("").getHandlers();
        assertThat(handlers).noneMatch(ConsoleHandler.class::isInstance).anyMatch(FileHandler.class::isInstance);

        String marker = "expected warning " + UUID.randomUUID();
        System.getLogger("dev.lifeline").log(System.Logger.Level.WARNING, marker,
                new IllegalStateException("on purpose"));
        Arrays.stream(handlers).forEach(Handler::flush);

        try (Stream<Path> logs = Files.list(Path.of("target"))) {
            assertThat(logs.filter(file -> file.getFileName().toString().matches("tests-\\d+-\\d+\\.log"))
                    .map(QuietTestLogsTest::read)).anyMatch(text -> text.contains(marker));
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
