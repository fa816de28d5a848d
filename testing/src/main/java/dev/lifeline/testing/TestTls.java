package dev.lifeline.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
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

    /**
     * Writes a PKCS #12 keystore to {@code file} holding a new self-signed EC key and certificate for {@code san}
     * (say {@code dns:localhost}), alias {@code lifeline}, the keystore and the key protected by {@code password}.
     */
    public static Path keystore(Path file, String san, String password) {
        Keytool.run(List.of("-genkeypair", "-alias", "lifeline", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=lifeline test", "-ext", "SAN=" + san, "-validity", "2", "-storetype", "PKCS12",
                "-keystore", file.toString(), "-storepass", password, "-keypass", password, "-noprompt"));
        return file;
    }

    private static KeyStore generate(String san) {
        try {
            Path dir = Files.createTempDirectory("lifeline-tls");
            Path file = keystore(dir.resolve("server.p12"), san, new String(PASSWORD));
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(file)) {
                store.load(in, PASSWORD);
            }
            Files.delete(file);
            Files.delete(dir);
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a test certificate for " + san, e);
        }
    }
}
