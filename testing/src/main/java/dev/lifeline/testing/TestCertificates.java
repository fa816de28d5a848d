package dev.lifeline.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A throwaway certificate authority and a server certificate it signed for {@code 127.0.0.1}, made with the JDK's
 * {@code keytool} (no other tool needed) and written as PEM files, as {@code redis-server --tls-*} reads them.
 *
 * @param ca the CA's certificate: what a client trusts
 * @param serverCertificate the server's certificate, signed by {@link #ca}
 * @param serverKey the server's private key (PKCS #8)
 */
public record TestCertificates(Path ca, Path serverCertificate, Path serverKey) {
    private static final String PASSWORD = "throwaway";

    /** Makes a new CA (named {@code name}) and a server certificate for 127.0.0.1 and localhost, in {@code dir}. */
    public static TestCertificates create(Path dir, String name) {
        try {
            Files.createDirectories(dir);
            Path caStore = dir.resolve(name + "-ca.p12");
            Path serverStore = dir.resolve(name + "-server.p12");
            Path request = dir.resolve(name + "-server.csr");
            TestCertificates files = new TestCertificates(dir.resolve(name + "-ca.pem"),
                    dir.resolve(name + "-server.pem"), dir.resolve(name + "-server.key"));
            keytool(List.of("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-dname", "CN=" + name + " test CA",
                    "-ext", "bc:c", "-validity", "2", "-keystore", caStore.toString()));
            keytool(List.of("-exportcert", "-rfc", "-alias", "ca", "-keystore", caStore.toString(),
                    "-file", files.ca().toString()));
            keytool(List.of("-genkeypair", "-alias", "server", "-keyalg", "EC", "-dname", "CN=127.0.0.1",
                    "-validity", "2", "-keystore", serverStore.toString()));
            keytool(List.of("-certreq", "-alias", "server", "-keystore", serverStore.toString(),
                    "-file", request.toString()));
            keytool(List.of("-gencert", "-rfc", "-alias", "ca", "-keystore", caStore.toString(), "-validity", "2",
                    "-ext", "san=ip:127.0.0.1,dns:localhost", "-infile", request.toString(),
                    "-outfile", files.serverCertificate().toString()));
            Files.writeString(files.serverKey(), pem("PRIVATE KEY", privateKey(serverStore)),
                    StandardCharsets.US_ASCII);
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] privateKey(Path store) throws IOException {
        try (InputStream in = Files.newInputStream(store)) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(in, PASSWORD.toCharArray());
            Key key = keys.getKey("server", PASSWORD.toCharArray());
            return key.getEncoded(); // PKCS #8
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the key keytool made in " + store, e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static void keytool(List<String> args) {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of("-storepass", PASSWORD, "-keypass", PASSWORD, "-storetype", "PKCS12", "-noprompt"));
        Keytool.run(all);
    }
}
