package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Test keystores made by the JDK's keytool. */
final class Keystores {
    private Keystores() {
    }

    /** A PKCS#12 keystore in {@code dir} with a self-signed EC certificate for {@code localhost}. */
    static Path selfSignedForLocalhost(Path dir, String password) throws IOException, InterruptedException {
        Path keystore = dir.resolve("local.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", password,
                "-alias", "local", "-keyalg", "EC", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost")
                .redirectErrorStream(true).start();
        assertThat(keytool.waitFor(30, TimeUnit.SECONDS)).as("keytool finished").isTrue();
        assertThat(keytool.exitValue()).as(new String(keytool.getInputStream().readAllBytes())).isZero();
        return keystore;
    }
}
