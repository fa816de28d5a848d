package dev.lifeline.cli;

import dev.lifeline.Failure;
import dev.lifeline.ReconnectPolicy;
import dev.lifeline.protocol.handshake.HandshakeException;
import dev.lifeline.reliable.Envelope;
import java.io.EOFException;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.Locale;
import javax.net.ssl.SSLException;

/**
 * Network and TLS failures said the way a person fixes them: one sentence, the fix when there is one, no Java class
 * names. Both commands word their failures here.
 */
final class Explain {
    private Explain() {
    }

    /**
     * Why a connection to {@code uri} could not be made (or its opening handshake not completed).
     *
     * @param openTimeout the bound that a timeout ran into
     */
    static String connecting(URI uri, Throwable e, Duration openTimeout) {
        String where = uri.getHost() + ":" + port(uri);
        boolean secure = "wss".equalsIgnoreCase(uri.getScheme());
        return switch (e) {
            case UnknownHostException u -> "unknown host " + uri.getHost();
            case ConnectException c when refused(c) -> "nothing accepts connections on " + where
                    + " (connection refused); is the server running, on that port?";
            case NoRouteToHostException n -> "no route to " + where + "; is the host up and reachable?";
            case SocketTimeoutException t -> "no answer from " + where + " within " + Text.duration(openTimeout)
                    + " (--open-timeout)";
            case SSLException s when cause(s, CertPathBuilderException.class, CertPathValidatorException.class)
                    != null -> "the server's certificate is not trusted: name it (or the authority that signed it)"
                            + " with --truststore FILE, or use --insecure against a test server";
            case SSLException s when cause(s, CertificateException.class) != null -> "the server's certificate"
                    + " does not fit: " + sentence(cause(s, CertificateException.class));
            case SSLException s when secure && notTls(s) -> "the server does not speak TLS: use ws:// instead of"
                    + " wss://";
            case SSLException s -> "the TLS handshake failed: " + sentence(s);
            case HandshakeException h -> sentence(h);
            case EOFException eof -> "the server closed the connection during the opening handshake";
            case SocketException s when "Connection reset".equals(s.getMessage()) ->
                    "the server reset the connection during the opening handshake";
            default -> sentence(e);
        };
    }

    /** Why a reliable session's connection attempt failed, for {@code connect --reliable}. */
    static String failure(URI uri, Failure failure, Duration openTimeout) {
        return switch (failure) {
            case Failure.Unreachable u -> connecting(uri, u.cause(), openTimeout);
            case Failure.Refused r when r.status() == 0 && r.message().contains(Envelope.SUBPROTOCOL) ->
                    "the server does not speak reliable sessions (" + Envelope.SUBPROTOCOL + "): connect without"
                            + " --reliable, or start the server with 'lifeline serve --reliable'";
            case Failure.Refused r when r.status() == 0 -> r.message();
            case Failure.Refused r -> "the server refused the handshake: HTTP " + r.status() + ": " + r.message();
            case Failure.Disconnected d -> d.toString();
            case Failure.CredentialsFailed c -> c.toString();
        };
    }

    /**
     * A failed connection attempt of a reconnecting command ({@code connect --reconnect} or {@code --reliable}),
     * explained, and what the reconnect policy decided.
     */
    static String attempt(URI uri, Failure failure, ReconnectPolicy.Decision decision, Duration openTimeout) {
        String next = switch (decision) {
            case ReconnectPolicy.Decision.Retry retry -> "reconnecting in " + Text.duration(retry.delay());
            case ReconnectPolicy.Decision.Stop stop -> "giving up: " + stop.reason();
        };
        return failure(uri, failure, openTimeout) + "; " + next;
    }

    /** The refusal of a plain client by a reliable server, which wants {@code connect --reliable}. */
    static String refusal(HandshakeException e, String refusal) {
        boolean reliableServer = e.status() == 400 && refusal.contains(Envelope.SUBPROTOCOL);
        return reliableServer ? refusal + "; this server speaks reliable sessions: use 'lifeline connect --reliable'"
                : refusal;
    }

    /** Why {@code serve} could not listen on {@code host:port}. */
    static String listening(String host, int port, IOException e) {
        return switch (e) {
            case BindException b when b.getMessage() != null && b.getMessage().contains("in use") ->
                    "port " + port + " on " + host + " is in use; stop what uses it, or pick another port with"
                            + " --port (--port 0 picks a free one)";
            case BindException b -> "cannot listen on " + host + ":" + port + ": " + sentence(b) + " (is " + host
                    + " an address of this machine? --host 0.0.0.0 listens on all of them)";
            case UnknownHostException u -> "unknown host " + host + " (--host)";
            default -> "cannot listen on " + host + ":" + port + ": " + sentence(e);
        };
    }

    private static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : "wss".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private static boolean refused(ConnectException e) {
        return e.getMessage() == null || e.getMessage().toLowerCase(Locale.ROOT).contains("refused");
    }

    /** The first of {@code e}'s causes (itself included) of one of these types, or null. */
    @SafeVarargs
    private static Throwable cause(Throwable e, Class<? extends Throwable>... types) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            for (Class<? extends Throwable> type : types) {
                if (type.isInstance(t)) {
                    return t;
                }
            }
        }
        return null;
    }

    /** What the JDK says when the bytes that came back are not a TLS record (RFC 8446 §5.1). */
    private static boolean notTls(SSLException e) {
        return e.getMessage() != null && e.getMessage().contains("Unsupported or unrecognized SSL message");
    }

    /** The message alone, without the exception's class name; the class's simple name when there is none. */
    private static String sentence(Throwable e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return e.getClass().getSimpleName().replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT)
                    .replace(" exception", "");
        }
        return message.startsWith("(") && message.contains(") ") ? message.substring(message.indexOf(") ") + 2)
                : message;
    }
}
