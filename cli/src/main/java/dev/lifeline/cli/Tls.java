package dev.lifeline.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.UnrecoverableKeyException;
import java.security.cert.X509Certificate;
import javax.crypto.BadPaddingException;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * TLS contexts from the command line's PKCS#12 files. A file that cannot be used is a {@link Problem} (exit 2) that
 * names the option, the file and what is wrong with it, the same way on both commands.
 */
final class Tls {
    /** {@code --keystore} of {@code serve}. */
    static final Store KEYSTORE = new Store("--keystore", "--keystore-password", "LIFELINE_KEYSTORE_PASSWORD");
    /** {@code --truststore} of {@code connect}. */
    static final Store TRUSTSTORE = new Store("--truststore", "--truststore-password",
            "LIFELINE_TRUSTSTORE_PASSWORD");

    /** The options that name a PKCS#12 file and its password. */
    record Store(String option, String passwordOption, String passwordVariable) {
    }

    private Tls() {
    }

    /** A server context presenting the key and certificate chain in this PKCS#12 keystore. */
    static SSLContext server(Path keystore, char[] password) {
        KeyStore store = load(KEYSTORE, keystore, password);
        try {
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw unusable(KEYSTORE, keystore, "its key cannot be used (" + e.getMessage() + ")");
        }
    }

    /** A client context trusting the certificates in this PKCS#12 trust store (instead of the system's). */
    static SSLContext trusting(Path truststore, char[] password) {
        KeyStore store = load(TRUSTSTORE, truststore, password);
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw unusable(TRUSTSTORE, truststore, "its certificates cannot be used (" + e.getMessage() + ")");
        }
    }

    /** A client context that accepts any certificate for any host name: for tests against self-signed servers. */
    static SSLContext insecure() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new TrustEverything()}, new SecureRandom());
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK offers no TLS", e);
        }
    }

    /** Reads a PKCS#12 file, or says what is wrong with it: not found, not PKCS#12, the wrong password. */
    static KeyStore load(Store option, Path file, char[] password) {
        if (!Files.exists(file)) {
            throw unusable(option, file, "no such file");
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw unusable(option, file, Files.isDirectory(file) ? "a directory, not a file" : "cannot be read");
        }
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
            return store;
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException || e.getCause() instanceof BadPaddingException) {
                throw unusable(option, file, "wrong password" + (password.length == 0 ? " (none was given)" : "")
                        + "; give it with " + option.passwordOption() + " or $" + option.passwordVariable());
            }
            throw unusable(option, file, "not a PKCS#12 keystore (keytool -genkeypair -storetype PKCS12 makes"
                    + " one; see docs/howto/tls.md)");
        } catch (GeneralSecurityException e) {
            throw unusable(option, file, "cannot be read (" + e.getMessage() + ")");
        }
    }

    private static Problem unusable(Store option, Path file, String what) {
        return new Problem(ExitCodes.USAGE, option.option() + " " + file + ": " + what);
    }

    /**
     * Trusts every chain and skips host name verification (an {@link X509ExtendedTrustManager} is the one that would
     * verify it). Only behind {@code --insecure}, which prints a warning.
     */
    private static final class TrustEverything extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
