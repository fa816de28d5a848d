package dev.lifeline.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The running JDK's {@code keytool}, for the certificates and keystores the tests make at test time. */
final class Keytool {
    private static final long LIMIT_SECONDS = 60;

    private Keytool() {
    }

    /**
     * Runs {@code keytool} with {@code args} and waits for it, at most a minute.
     *
     * @throws IllegalStateException with keytool's output if it fails or does not finish
     */
    static void run(List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(args);
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(LIMIT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("keytool " + args.getFirst() + " did not finish: " + output);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("keytool " + args.getFirst() + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
