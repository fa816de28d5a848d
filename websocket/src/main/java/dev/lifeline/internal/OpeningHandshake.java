package dev.lifeline.internal;

import dev.lifeline.protocol.Event;
import dev.lifeline.protocol.ProtocolConfig;
import dev.lifeline.protocol.ServerProtocol;
import dev.lifeline.protocol.handshake.HandshakeException;
import dev.lifeline.protocol.handshake.Headers;
import dev.lifeline.protocol.handshake.HttpRequest;
import dev.lifeline.protocol.handshake.HttpResponse;
import dev.lifeline.protocol.handshake.ServerHandshake;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.Socket;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLSocket;

/**
 * One opening handshake on the server, from its accepted socket to the open {@link Connection} or the HTTP answer
 * that refuses it: a state machine ({@link Phase}) with one method per event, the same for a plain socket (read by
 * the poller's thread as its request arrives) and a TLS one (read by a worker). Its handshake slot is released
 * exactly once, by whoever moves it to {@link Phase#ENDED}: {@link #end}. Which thread runs each event:
 * <ul>
 *   <li>the poller's: {@link #accepted}, {@link #bytesArrived}, {@link #requestComplete}, and the 101 when nothing
 *       of the application's runs first and it fits in TCP's buffer at once ({@link #upgradeHere});</li>
 *   <li>a worker ({@code lifeline-conn-PEER}): whatever may wait: the TLS handshake and its request
 *       ({@link #readOverTls}), {@code processRequest} and the decision after it ({@link #decide}), the rest of a
 *       101, a refusal and its linger ({@link #refuse}), a failure ({@link #failed}), a refusal for want of a slot;
 *       then, on the same thread, the connection is handed to the server ({@link Server#serve});</li>
 *   <li>the server's timer thread: {@link #timedOut}, {@code openTimeout} after the accept (plain or TLS);</li>
 *   <li>the thread closing the server: {@link #serverClosing}.</li>
 * </ul>
 * The phase is written by the thread driving the handshake; the timer's {@link #timedOut} races with it, and the
 * compare-and-set of {@link #phase} decides: whoever ends it first releases the slot, the other finds it ended.
 */
final class OpeningHandshake {
    private static final Headers SERVER_HEADER = Headers.of("Server", "Lifeline");

    /** Where a handshake is; see each event's method for the moves. */
    enum Phase {
        /** Accepted: its request is being read. {@code close()} shuts its input and answers it 503. */
        READING,
        /** Its request is all there: the server decides (the application's {@code processRequest}, the checks). */
        DECIDING,
        /**
         * Accepted: the 101 is being written. {@code close()} no longer answers it 503 (that could shut the input of a
         * connection that is opening, which would end with 1006 instead of 1001): it finds the connection open.
         */
        UPGRADING,
        /** Refused: an HTTP answer is being written, then the socket lingers and closes. */
        REFUSING,
        /** Over (opened, answered, failed or timed out): its slot is free. */
        ENDED
    }

    /**
     * What a handshake asks of the server it was accepted by: its configuration and timers, its workers, its slots,
     * and what becomes of the open connection. {@link Acceptor} is the one subclass.
     */
    abstract static class Server {
        abstract ServerConfig config();

        abstract ProtocolConfig protocolConfig();

        abstract OpeningTelemetry telemetry();

        /** Whether the server is closing (handshakes in flight get 503). */
        abstract boolean closing();

        abstract Timers timers();

        /** Called once per admitted handshake, by {@link #end}. */
        abstract void releaseSlot();

        /** The handshake is over and done with its socket: it is no longer in flight. */
        abstract void ended(OpeningHandshake handshake);

        /** Runs {@code task} on a worker, a virtual thread of its own named after {@code id}. */
        abstract void startWorker(String id, Runnable task);

        /** Once the 101 is written: the open connection over {@code io}'s transport, with a connection id. */
        abstract Connection open(Opening io, List<Event> events);

        /** On the poller's thread, a connection it opened, which the server starts or hands to a worker. */
        abstract void openedOnPoller(Connection connection, String id);

        /** On a worker, the open connection's life (a handler, or a listener's first reader run). */
        abstract void serve(Connection connection);
    }

    /** One part of a handshake on a worker: the open connection, or null when the request was answered otherwise. */
    @FunctionalInterface
    private interface Step {
        Connection run() throws IOException;
    }

    private final Server server;
    /** The accepted socket; its {@link SocketChannel#socket() Socket} is made only for TLS and for a refusal. */
    private final SocketChannel tcp;
    /** The peer, which names the handshake in logs until it opens and gets a connection id. */
    private final String id;
    /** Whether it holds one of the server's handshake slots (false: it is refused 503 at once). */
    private final boolean admitted;
    private final AtomicReference<Phase> phase = new AtomicReference<>(Phase.READING);
    /** The socket's I/O once set up (by the poller, or by the worker after TLS); null before. */
    private volatile Opening io;
    /** The open timeout of an admitted handshake, armed at its accept and cancelled by {@link #end}. */
    private volatile Timers.Task timeout;

    OpeningHandshake(Server server, SocketChannel tcp, boolean admitted) {
        this.server = server;
        this.tcp = tcp;
        this.id = Handshakes.peer(tcp);
        this.admitted = admitted;
    }

    SocketChannel tcp() {
        return tcp;
    }

    // ------------------------------------------------------------------ events on the poller's thread

    /**
     * On the poller's thread, once accepted: a plain socket with a slot goes under the poller's watch, where its
     * request is read as it arrives with no thread; a TLS socket, or one refused for want of a slot, gets a worker.
     */
    void accepted() {
        if (!admitted) {
            server.startWorker(id, () -> onWorker(this::refuseBusy));
            return;
        }
        timeout = server.timers().after(this::timedOut, server.config().options().openTimeout());
        if (server.config().sslContext().isPresent()) {
            server.startWorker(id, () -> onWorker(this::readOverTls));
        } else {
            watch();
        }
    }

    private void watch() {
        try {
            tcp.setOption(StandardSocketOptions.TCP_NODELAY, true);
            io = Opening.watched(tcp, newProtocol());
        } catch (IOException | RuntimeException e) {
            failed(e);
            return;
        }
        bytesArrived(); // clients send their request at once: it is often there already
    }

    /**
     * On the poller's thread, right after the accept and then each time more of the request arrives: reads what is
     * there (nothing, at worst) and, once the request is all there, {@link #requestComplete}. Until then the socket
     * holds no thread.
     */
    private void bytesArrived() {
        List<Event> events;
        try {
            events = io.readAvailable();
            if (events == null) {
                if (io.whenReadable(this::bytesArrived)) {
                    return;
                }
                throw new SocketException("socket closed during the opening handshake");
            }
        } catch (IOException | RuntimeException e) {
            server.startWorker(id, () -> failed(e));
            return;
        }
        requestComplete(events);
    }

    /**
     * On the poller's thread, the request read: answered 101 right here when that needs none of the application's
     * code and no refusal ({@link #decidableHere}); anything else goes to a worker ({@link #decide}).
     */
    private void requestComplete(List<Event> events) {
        phase.compareAndSet(Phase.READING, Phase.DECIDING);
        if (decidableHere(events)) {
            upgradeHere(events);
        } else {
            server.startWorker(id, () -> onWorker(() -> decide(events)));
        }
    }

    /**
     * Whether the poller's thread may answer this request: a valid handshake, no {@code processRequest} that sees
     * handshakes to run, none of the server's refusals (subprotocol, availability, origin), the server not closing.
     */
    private boolean decidableHere(List<Event> events) {
        return !server.config().processesHandshakes() && !server.closing()
                && Handshakes.handshakeEvent(events) instanceof Event.RequestReceived
                && server.config().refusal(io.protocol().offer().orElseThrow()).isEmpty();
    }

    /**
     * On the poller's thread: answers 101 and opens the connection. What may wait goes to a worker: the rest of a
     * 101 that TCP did not take at once, a 503 for a close() that came meanwhile.
     */
    private void upgradeHere(List<Event> events) {
        Connection connection;
        try {
            if (!upgradeAccepted()) {
                server.startWorker(id, () -> onWorker(() -> decide(events))); // answers 503
                return;
            }
            if (!io.tryWriteOutbound()) {
                server.startWorker(id, () -> onWorker(() -> {
                    io.writeOutbound();
                    return responseWritten(events);
                }));
                return;
            }
            connection = responseWritten(events);
        } catch (IOException | RuntimeException e) {
            server.startWorker(id, () -> failed(e));
            return;
        }
        if (end()) {
            server.ended(this);
        }
        server.openedOnPoller(connection, id);
    }

    // ------------------------------------------------------------------ events on a worker

    /** On a worker: runs {@code step}, ends the handshake, then serves the connection it opened, if any. */
    private void onWorker(Step step) {
        Connection connection;
        try {
            connection = step.run();
        } catch (IOException | RuntimeException e) {
            failed(e);
            return;
        }
        if (end()) {
            server.ended(this);
        }
        if (connection != null) {
            server.serve(connection);
        }
    }

    /**
     * On a worker: the TLS handshake, then the request, read with blocking reads; the open timeout ({@link #timedOut})
     * ends them by closing the socket.
     */
    private Connection readOverTls() throws IOException {
        Socket socket = tcp.socket();
        socket.setTcpNoDelay(true);
        SSLSocket tls = (SSLSocket) server.config().sslContext().orElseThrow().getSocketFactory()
                .createSocket(socket, null, socket.getPort(), true);
        tls.setUseClientMode(false);
        tls.startHandshake();
        io = Opening.blocking(tls, socket, newProtocol());
        List<Event> events = io.read();
        phase.compareAndSet(Phase.READING, Phase.DECIDING);
        return decide(events);
    }

    /**
     * On a worker, the request read: answers it. In this order: 503 while the server closes; the application's
     * {@code processRequest} (a valid handshake only if it sees handshakes); the protocol's own 400 or 426 for a
     * request that is no valid handshake; the server's refusals ({@link ServerConfig#refusal}); else 101.
     *
     * @return the open connection, or null when the request was answered otherwise
     */
    private Connection decide(List<Event> events) throws IOException {
        ServerProtocol protocol = io.protocol();
        boolean failedHandshake = Handshakes.handshakeEvent(events) instanceof Event.HandshakeFailed;
        Optional<HttpResponse> answer = server.closing() ? Optional.of(HttpResponse.of(503, "server shutting down"))
                : protocol.request().filter(request -> failedHandshake ? !attemptsHandshake(request)
                        : server.config().processesHandshakes()).flatMap(this::processRequest);
        if (Handshakes.handshakeEvent(events) instanceof Event.HandshakeFailed failed) {
            HttpResponse sent = answer.orElseGet(() -> protocol.response().orElseThrow());
            log(Level.DEBUG, "answering " + sent.status() + " to a request that is not a valid handshake: "
                    + failed.cause().getMessage());
            refuse(sent);
            return null;
        }
        ServerHandshake.Offer offer = protocol.offer().orElseThrow();
        if (answer.isEmpty()) {
            answer = server.config().refusal(offer);
        }
        if (answer.isPresent()) {
            log(Level.DEBUG, "answering " + answer.get().status() + " to " + offer.request());
            refuse(answer.get());
            return null;
        }
        if (!upgradeAccepted()) {
            refuse(HttpResponse.of(503, "server shutting down"));
            return null;
        }
        io.writeOutbound();
        return responseWritten(events);
    }

    /**
     * Whether a request is meant as a WebSocket handshake, valid or not: it asks to upgrade to WebSocket, carries a
     * key, or says {@code Connection: Upgrade} with no {@code Upgrade} of anything else. A broken one is answered with
     * what is wrong with it (400, 426), never with the application's page for that path, which would leave its client
     * guessing. A plain request offering another protocol ({@code Upgrade: h2c}, as the JDK's {@code HttpClient}
     * sends by default) is plain HTTP: the server may ignore the offer (RFC 9110 §7.8).
     */
    static boolean attemptsHandshake(HttpRequest request) {
        Headers headers = request.headers();
        return headers.containsToken("Upgrade", "websocket") || headers.contains("Sec-WebSocket-Key")
                || headers.containsToken("Connection", "Upgrade") && !headers.contains("Upgrade");
    }

    private Optional<HttpResponse> processRequest(HttpRequest request) {
        if (server.config().processRequest().isEmpty()) {
            return Optional.empty();
        }
        try {
            return server.config().processRequest().get().process(request);
        } catch (RuntimeException e) {
            System.getLogger("dev.lifeline").log(Level.WARNING,
                    "[" + id + "] processRequest failed on " + request + "; answering 500", e);
            return Optional.of(HttpResponse.of(500, "internal server error"));
        }
    }

    /** On a worker, a socket refused for want of a slot: answers 503 at once (it holds no slot). */
    private Connection refuseBusy() throws IOException {
        log(Level.INFO, "too many handshakes in progress; answering 503");
        Socket socket = tcp.socket();
        io = Opening.blocking(socket, socket, null);
        refuse(new HandshakeException(503, "too many handshakes in progress; try again").toResponse());
        return null;
    }

    /**
     * On a worker, the handshake failed (a timeout, a closed socket, an I/O error): frees the slot before the close
     * (a client that sees the close may come back at once), answers 503 if that is because the server is closing,
     * then closes.
     */
    private void failed(Exception e) {
        Phase before = phase.get();
        boolean first = end();
        Opening opened = io;
        if (opened != null && server.closing() && first && (before == Phase.READING || before == Phase.DECIDING)) {
            log(Level.DEBUG, "server shutting down; answering 503 to a handshake in flight");
            answer(HttpResponse.of(503, "server shutting down"));
        } else {
            log(Level.DEBUG, "opening handshake failed: " + e);
        }
        if (opened != null) {
            opened.closeQuietly();
        } else {
            Handshakes.closeQuietly(tcp);
        }
        if (first) {
            server.ended(this);
        }
    }

    // ------------------------------------------------------------------ events on any thread

    /**
     * The 101 is to be written: out of the handshakes that {@code close()} answers with 503. False when the server
     * is closing: a close() that came first is seen here, one that comes later finds the connection open and sends
     * it 1001.
     */
    private boolean upgradeAccepted() throws SocketException {
        if (!moveTo(Phase.UPGRADING)) {
            throw new SocketException("opening handshake timed out");
        }
        if (server.closing()) {
            return false;
        }
        ServerProtocol protocol = io.protocol();
        protocol.accept(server.config().selectSubprotocol(protocol.offer().orElseThrow().subprotocols()),
                SERVER_HEADER);
        return true;
    }

    /** Once the 101 is written: the open connection, with what arrived together with the request. */
    private Connection responseWritten(List<Event> events) throws IOException {
        ServerProtocol protocol = io.protocol();
        List<Event> all = new ArrayList<>(events);
        all.addAll(protocol.takeEvents());
        // the connection ignores these, and would keep the handshake's objects until its first reader run
        all.removeIf(Handshakes::isHandshakeEvent);
        return server.open(io, all);
    }

    /** Refuses the handshake with plain HTTP, then closes without resetting the connection (it lingers). */
    private void refuse(HttpResponse response) {
        moveTo(Phase.REFUSING);
        answer(response);
    }

    private void answer(HttpResponse response) {
        server.telemetry().answered(id, response);
        try {
            io.answerAndClose(response);
        } catch (IOException e) {
            log(Level.DEBUG, "could not answer " + response.status() + ": " + e);
        }
    }

    /**
     * On the server's timer thread (the stepping one, on a stepped clock), {@code openTimeout} after the accept:
     * unless the handshake ended first, ends it and closes the socket, which also ends a worker's blocking TLS read.
     */
    private void timedOut() {
        if (end()) {
            log(Level.DEBUG, "opening handshake timed out");
            server.ended(this); // before the close, so that the slot is free by the time the client sees it
            Opening opened = io;
            if (opened != null) {
                opened.closeQuietly();
            } else {
                Handshakes.closeQuietly(tcp); // a TLS handshake still under way
            }
        }
    }

    /**
     * On the thread closing the server: a handshake still reading or deciding gets its input shut, which wakes up a
     * read waiting for its request (then {@link #failed} answers 503).
     */
    void serverClosing() {
        Phase now = phase.get();
        if (now == Phase.READING || now == Phase.DECIDING) {
            Handshakes.shutdownInput(tcp);
        }
    }

    /**
     * Moves to {@link Phase#ENDED}: true for the one caller that did, which then tells the server
     * ({@link Server#ended}) once it is done with the socket. The slot is released here, exactly once; the
     * timeout is cancelled.
     */
    private boolean end() {
        if (!moveTo(Phase.ENDED)) {
            return false;
        }
        Timers.Task t = timeout;
        if (t != null) {
            t.cancel();
        }
        if (admitted) {
            server.releaseSlot();
        }
        return true;
    }

    /** Moves to {@code next} unless the handshake has ended (by its timeout, on another thread). */
    private boolean moveTo(Phase next) {
        Phase now;
        do {
            now = phase.get();
            if (now == Phase.ENDED) {
                return false;
            }
        } while (!phase.compareAndSet(now, next));
        return true;
    }

    /**
     * The protocol of this handshake and of its connection, holding the Close of a violation that comes right behind
     * the request until the application answered what came before it (see {@code Connection}).
     */
    private ServerProtocol newProtocol() {
        ServerProtocol protocol = new ServerProtocol(server.protocolConfig());
        protocol.holdFailureClose(true);
        return protocol;
    }

    private void log(Level level, String message) {
        if (SafeLog.LOG.isLoggable(level)) {
            SafeLog.LOG.log(level, "[" + id + "] " + message);
        }
    }
}
