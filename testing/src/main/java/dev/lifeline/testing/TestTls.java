package dev.lifeline.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Self-signed certificates made at test time with the running JDK's {@code keytool}, in a temporary directory,
 * once per subject alternative name and JVM; and the JDK {@link SSLContext}s that serve and trust them.
 */
public final class TestTls {
    private static final char[] PASSWORD = "lifeline-test".toCharArray();
    private static final ConcurrentHashMap<String, KeyStore> STORES = new ConcurrentHashMap<>();

    private TestTls() {
    }

    /** A server context whose certificate names exactly {@code san}, e.g. {@code ip:127.0.0.1}. */
    public static SSLContext server(String san) throws GeneralSecurityException {
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store(san), PASSWORD);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }

    /** A client context that trusts the certificate of {@link #server(String)} for the same name, and nothing else. */
    public static SSLContext trusting(String san) throws GeneralSecurityException, IOException {
        Certificate certificate = store(san).getCertificate("lifeline");
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("lifeline", certificate);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    private static KeyStore store(String san) {
        return STORES.computeIfAbsent(san, TestTls::generate);
    }

    private static KeyStore generate(String san) {
        try {
            Path dir = Files.createTempDirectory("lifeline-tls");
            Path file = dir.resolve("server.p12");
            Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
            Process process = new ProcessBuilder(List.of(keytool.toString(), "-genkeypair", "-alias", "lifeline",
                    "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=lifeline test", "-ext", "SAN=" + san,
                    "-validity", "2", "-storetype", "PKCS12", "-keystore", file.toString(),
                    "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD)))
                    .redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException("keytool failed: " + output);
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(file)) {
                store.load(in, PASSWORD);
            }
            Files.delete(file);
            Files.delete(dir);
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a test certificate for " + san, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
