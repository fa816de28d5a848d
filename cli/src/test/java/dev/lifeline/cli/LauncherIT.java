package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./lifeline} launcher's choice of JDK ({@code JAVA_HOME} of 21 or newer first, then {@code java} on
 * {@code PATH}, then the newest in the usual folders) and its check for Chromium before the tests' build. Fake JDKs
 * (scripts that answer {@code -XshowSettings:properties} as a JDK does) stand for the ones a user has.
 */
@Timeout(60)
class LauncherIT {
    private static final Path LAUNCHER = Path.of("..", "lifeline").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    /** A directory that looks like a JDK of this feature release to the launcher. */
    private Path fakeJdk(String name, int feature) throws IOException {
        Path home = dir.resolve(name);
        Path bin = Files.createDirectories(home.resolve("bin"));
        script(bin.resolve("java"), "echo '    java.home = " + home + "' >&2\n"
                + "echo '    java.specification.version = " + feature + "' >&2\n");
        script(bin.resolve("javac"), "exit 0\n");
        return home;
    }

    private static void script(Path file, String body) throws IOException {
        Files.writeString(file, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** Runs the launcher with these environment changes (a null value removes the variable); stdout and stderr. */
    private static String[] launch(Map<String, String> environment, String... args) throws Exception {
        return launchScript(LAUNCHER, environment, args);
    }

    private static String[] launchScript(Path launcher, Map<String, String> environment, String... args)
            throws Exception {
        ProcessBuilder builder = new ProcessBuilder();
        builder.command().add(launcher.toString());
        builder.command().addAll(List.of(args));
        environment.forEach((name, value) -> {
            if (value == null) {
                builder.environment().remove(name);
            } else {
                builder.environment().put(name, value);
            }
        });
        Process process = builder.start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new String[] {out, err, String.valueOf(process.exitValue())};
    }

    @Test
    void aJavaHomeOf21OrNewerIsUsedEvenWhenANewerJdkIsInstalled() throws Exception {
        Path jdk21 = fakeJdk("jdk-21", 21);

        String[] env = launch(Map.of("JAVA_HOME", jdk21.toString()), "env");

        assertThat(env[0]).startsWith("export JAVA_HOME=" + jdk21 + " ");
    }

    @Test
    void anOlderJavaHomeIsPassedOverForTheJavaOnPath() throws Exception {
        Path jdk17 = fakeJdk("jdk-17", 17);
        Path jdk22 = fakeJdk("jdk-22", 22);

        String[] env = launch(Map.of("JAVA_HOME", jdk17.toString(),
                "PATH", jdk22.resolve("bin") + ":/usr/bin:/bin"), "env");

        assertThat(env[0]).startsWith("export JAVA_HOME=" + jdk22 + " ");
    }

    /**
     * No JDK 21 anywhere: a copy of the launcher whose usual folders are this test's empty directory, with a Java 17
     * as JAVA_HOME and on the PATH. It stops with 125 and the install command for this platform.
     */
    @Test
    void withoutAJdk21TheMessageSaysHowToInstallOne() throws Exception {
        Path jdk17 = fakeJdk("jdk-17", 17);
        Path launcher = dir.resolve("lifeline");
        Files.writeString(launcher, Files.readString(LAUNCHER).replace("/usr/lib/jvm/* ", dir.resolve("none") + "/* "));
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> environment = Map.of("JAVA_HOME", jdk17.toString(),
                "PATH", jdk17.resolve("bin") + ":/usr/bin:/bin");

        String[] env = launchScript(launcher, environment, "env");

        assertThat(env[2]).isEqualTo("125");
        assertThat(env[0]).isEmpty();
        assertThat(env[1]).startsWith("lifeline: no JDK 21 or newer found (JAVA_HOME, java on PATH, the usual"
                + " folders); install one: ").endsWith(Files.isExecutable(Path.of("/usr/bin/apt-get"))
                        ? "sudo apt-get install openjdk-21-jdk\n" : "\n");
    }

    /** Before the build: no Chromium driver, no four-minute wait for a browser test that cannot run. */
    @Test
    void testSaysWhatToInstallWhenTheBrowserDriverIsMissingBeforeBuilding() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin")); // the tools the launcher uses, and a fake mvn
        for (String tool : List.of("bash", "sed", "dirname", "uname", "touch")) {
            script(bin.resolve(tool), "exec " + Path.of("/usr/bin", tool).toRealPath() + " \"$@\"\n");
        }
        Path built = dir.resolve("maven-ran");
        script(bin.resolve("mvn"), "touch " + built + "\n");
        Map<String, String> noDriver = new HashMap<>(Map.of("PATH", bin.toString(),
                "LIFELINE_CHROMIUM", "/usr/bin/chromium"));
        noDriver.put("LIFELINE_CHROMEDRIVER", null);

        String[] test = launch(noDriver, "test");

        assertThat(test[2]).isEqualTo("125");
        assertThat(test[1]).startsWith("lifeline: the demo page's browser tests need Chromium and its driver;"
                + " chromedriver is missing: ");
        assertThat(built).doesNotExist();
    }
}
