package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code java -jar lifeline.jar} on a Java older than 21 says so in one line. Runs the jar on the oldest JDK or JRE
 * found in {@code /usr/lib/jvm} ({@code .ci/run} installs a Java 17 when there is none), as a user whose default
 * {@code java} is old would.
 */
@Timeout(60)
class OldJavaIT {
    private static final Path JAR = Path.of(System.getProperty("lifeline.jar", "cli/target/lifeline.jar"));

    @Test
    void theJarsMainClassIsCompiledForJava8() throws IOException {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class")).isEqualTo(
                    "dev.lifeline.cli.Launch");
            try (DataInputStream in = new DataInputStream(jar.getInputStream(jar.getEntry(
                    "dev/lifeline/cli/Launch.class")))) {
                assertThat(in.readInt()).isEqualTo(0xCAFEBABE);
                in.readUnsignedShort(); // minor
                assertThat(in.readUnsignedShort()).as("class file major version").isEqualTo(52);
            }
        }
    }

    @Test
    void anOlderJavaPrintsOneLineSayingWhichJavaIsNeeded() throws Exception {
        Path javaHome = olderJava().orElseGet(() -> fail("no Java older than 21 in /usr/lib/jvm; install one"
                + " (apt-get install openjdk-17-jre-headless; .ci/run does)"));
        Process java = new ProcessBuilder(javaHome.resolve("bin/java").toString(), "-jar", JAR.toString(),
                "--version").redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String stderr = new String(java.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(java.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(java.exitValue()).isEqualTo(125);
        assertThat(stderr).matches("Lifeline needs Java 21 or newer; this is Java (1\\.)?\\d+ \\(\\Q" + javaHome
                .toRealPath() + "\\E\\)\\R");
    }

    /** The Java with the oldest feature release below 21 among the JVM folders. */
    private static Optional<Path> olderJava() throws IOException {
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return Optional.empty();
        }
        try (Stream<Path> homes = Files.list(jvms)) {
            return homes.filter(home -> Files.isExecutable(home.resolve("bin/java")) && !Files.isSymbolicLink(home))
                    .filter(home -> feature(home) < Launch.REQUIRED && feature(home) > 0)
                    .min(Comparator.comparingInt(OldJavaIT::feature));
        }
    }

    /** The feature release in a Java home's {@code release} file ({@code JAVA_VERSION="17.0.9"}), 0 if unknown. */
    private static int feature(Path home) {
        try (InputStream in = Files.newInputStream(home.resolve("release"))) {
            String release = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int at = release.indexOf("JAVA_VERSION=\"");
            return at < 0 ? 0 : Launch.feature(release.substring(at + "JAVA_VERSION=\"".length()));
        } catch (IOException e) {
            return 0;
        }
    }
}
