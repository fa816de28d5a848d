package dev.lifeline.reliable;

import dev.lifeline.Failure;
import dev.lifeline.Message;
import dev.lifeline.ReconnectPolicy;
import dev.lifeline.Reconnector;
import dev.lifeline.WebSocket;
import dev.lifeline.WebSocketOptions;
import dev.lifeline.protocol.CloseCode;
import dev.lifeline.protocol.ConnectionClosedException;
import dev.lifeline.protocol.ProtocolException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A client session that survives its connections: it connects, and whenever the connection is lost it reconnects
 * (as its {@link ReconnectPolicy} allows) and resumes the session, resending what the server missed. Messages
 * are acknowledged, deduplicated and delivered in order both ways (see {@link ReliableSession}).
 *
 * <pre>{@code
 * try (ReliableClient client = ReliableClient.builder(URI.create("ws://127.0.0.1:8765/")).connect()) {
 *     client.send("hello").get(10, TimeUnit.SECONDS); // acknowledged by the server
 *     System.out.println(client.receive());
 * }
 * }</pre>
 *
 * <p>{@link #state()} goes CONNECTING → OPEN ⇄ RECONNECTING → CLOSED; the {@link Listener} hears every change,
 * and {@link #closed()} completes with the reason. A thread of the client's own connects, reads and reconnects;
 * the listener runs on it, in order, so a listener should be quick.
 *
 * <p>With a {@link ClientJournal} ({@link Builder#journal}) the session survives this process: it is saved on every
 * change, and a client built again on the same journal (after a crash, a kill, a restart) resumes it, resending
 * what was saved and not acknowledged and handing the application first the messages it had received and not
 * finished handling. The handling of a received message ends when the application asks for the next one (or
 * closes the client): only then is its consumption committed, with the sends made meanwhile (so that thread must
 * not wait for the persisted stage of those sends before it asks for the next message).
 */
public final class ReliableClient extends Endpoint {
    private static final AtomicInteger IDS = new AtomicInteger();

    /** The client's state: CONNECTING until the first session is joined, then OPEN and RECONNECTING, then CLOSED. */
    public enum State { CONNECTING, OPEN, RECONNECTING, CLOSED }

    /**
     * Hears what happens to a client, on the client's thread. Every method has an empty default. That thread also
     * reads the connection: a listener must not block (no {@code receive()}, no waiting for send futures);
     * {@code close()} from a listener closes at once, without waiting for acknowledgements.
     */
    public interface Listener {
        /** The state changed; {@code reason} is present for CLOSED. */
        default void stateChanged(State state, Optional<CloseReason> reason) {
        }

        /** A connection joined the session: RESUMED, or NEW (with what an earlier session never had acknowledged). */
        default void sessionJoined(SessionOutcome outcome) {
        }

        /** A connection attempt failed or a connection ended, and the policy decided what to do. */
        default void connectionFailed(Failure failure, ReconnectPolicy.Decision decision) {
        }
    }

    private final URI uri;
    /** Copied from the builder, which is not read after {@code build()}. */
    private final WebSocketOptions options;
    private final Listener listener;
    private final Thread thread;
    private final CountDownLatch closeRequested = new CountDownLatch(1);
    private volatile State state = State.CONNECTING;
    private volatile byte[] token;
    /** Opens connections and counts failures; used on the client's thread only. */
    private final Reconnector reconnector;
    /** Where the session is saved; null when it lives in memory only. */
    private final ClientJournal journal;

    private ReliableClient(Builder config) {
        super("rc" + IDS.incrementAndGet(), config.reliable);
        this.uri = config.uri();
        this.options = config.options();
        this.listener = config.listener;
        this.reconnector = config.reconnector(Envelope.SUBPROTOCOL);
        this.journal = config.journal;
        if (journal != null) {
            ClientJournal.Saved saved;
            try {
                saved = journal.load();
            } catch (RuntimeException e) {
                journal.close(); // no client will own it
                throw e;
            }
            this.token = saved.token().orElse(null);
            restore(saved.state(), journal);
            log(Level.DEBUG, "journal loaded: " + (token == null ? "no session yet" : "session " + encodeToken(token))
                    + ", " + saved.state().outbox().size() + " to resend, " + saved.state().unconsumed().size()
                    + " to hand again");
        }
        this.thread = Thread.ofVirtual().name("lifeline-reliable-" + id).unstarted(this::run);
    }

    public static Builder builder(URI uri) {
        return new Builder(uri);
    }

    /** Connects to {@code uri} with the default options; returns at once, in state CONNECTING. */
    public static ReliableClient connect(URI uri) {
        return builder(uri).connect();
    }

    /** The state now; CLOSED as soon as the session has ended. */
    public State state() {
        return isEnded() ? State.CLOSED : state;
    }

    @Override
    public Optional<String> token() {
        byte[] t = token;
        return t == null ? Optional.empty() : Optional.of(encodeToken(t));
    }

    public URI uri() {
        return uri;
    }

    /**
     * Ends the session: waits at most {@code closeTimeout} for the server to acknowledge what was sent and for a
     * connection (reconnecting meanwhile if need be), then closes with 1000 so that the server ends the session
     * too. Bounded by {@code closeTimeout} plus the connection's own open and close timeouts.
     */
    @Override
    public void close() {
        if (Thread.currentThread() == thread) {
            // From a listener: this thread reads the connection, so no acknowledgement can arrive while it waits.
            closeNow();
            closeRequested.countDown();
            return;
        }
        closeGracefully();
        closeRequested.countDown();
        try {
            thread.join(options.openTimeout().plus(options.closeTimeout()).plusSeconds(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String encodeToken(byte[] token) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(token);
    }

    // ------------------------------------------------------------------ the client's thread

    private void run() {
        while (!isEnded()) {
            Failure failure = connectAndServe();
            if (failure == null) {
                continue;
            }
            if (isEnded()) {
                break;
            }
            switch (reconnector.next(failure)) {
                case Reconnector.Next.ClosedByPeer peer -> end(new CloseReason(CloseReason.Kind.CLOSED_BY_PEER,
                        "the server closed the session", Optional.of(failure)));
                case Reconnector.Next.Decided decided -> {
                    log(Level.DEBUG, failure + "; attempt " + decided.attempt() + ": " + decided.decision());
                    listener.connectionFailed(failure, decided.decision());
                    switch (decided.decision()) {
                        case ReconnectPolicy.Decision.Stop stop -> end(new CloseReason(CloseReason.Kind.GAVE_UP,
                                decided.detail(), Optional.of(failure)));
                        case ReconnectPolicy.Decision.Retry retry -> {
                            changeState(state == State.CONNECTING ? State.CONNECTING : State.RECONNECTING);
                            awaitRetry(retry.delay());
                        }
                    }
                }
            }
        }
        if (journal != null) {
            forgetJournaled();
        }
        changeState(State.CLOSED);
    }

    /** The session has ended: the journal forgets it (unless saving is what failed) and is closed. */
    private void forgetJournaled() {
        if (closeReason().orElseThrow().kind() != CloseReason.Kind.STORE_FAILED) {
            try {
                awaitSaved(journal.ended());
            } catch (SessionStoreException e) {
                log(Level.WARNING, "the journal could not forget the ended session: " + e.getMessage());
            }
        }
        journal.close();
    }

    /**
     * One connection: opens it, runs the resume handshake, then reads it until it ends.
     *
     * @return why it ended; null when it ended because the session did (or a connection served and closed
     *         without a failure worth counting)
     */
    private Failure connectAndServe() {
        WebSocket ws;
        switch (reconnector.open(null)) {
            case Reconnector.Attempt.Failed failed -> {
                return failed.failure();
            }
            case Reconnector.Attempt.Opened opened -> ws = opened.ws();
        }
        if (!ws.subprotocol().equals(Optional.of(Envelope.SUBPROTOCOL))) {
            ws.close(CloseCode.PROTOCOL_ERROR, "subprotocol " + Envelope.SUBPROTOCOL + " required");
            return new Failure.Refused(0, "the server did not select subprotocol " + Envelope.SUBPROTOCOL,
                    ws.handshakeResponse().headers());
        }
        try {
            join(ws);
        } catch (ProtocolException e) {
            Wire.refuse(ws, e);
            return Failure.Disconnected.of(ws.closedException().orElseThrow());
        } catch (ConnectionClosedException e) {
            return Failure.Disconnected.of(e);
        } catch (SessionClosedException e) {
            ws.close(CloseCode.NORMAL_CLOSURE, "session closed");
            return null;
        }
        if (isEnded()) {
            ws.close(CloseCode.NORMAL_CLOSURE, "session closed");
            return null;
        }
        Optional<ConnectionClosedException> end = read(ws);
        detach(ws);
        return end.map(Failure.Disconnected::of)
                .orElseGet(() -> isEnded() ? null : Failure.Disconnected.of(ws.closedException().orElseThrow()));
    }

    /** The resume handshake: HELLO with our token and last received, WELCOME back, then attach. */
    private void join(WebSocket ws) {
        byte[] ours = token;
        ws.send(new Envelope.Hello(ours == null ? 0 : lastReceived(), ours == null ? new byte[0] : ours).encode());
        Envelope reply = Wire.readHandshake(ws, options.openTimeout());
        if (!(reply instanceof Envelope.Welcome welcome)) {
            throw new ProtocolException(CloseCode.PROTOCOL_ERROR, "expected WELCOME, received " + reply);
        }
        List<Message> lost = List.of();
        if (welcome.outcome() == SessionOutcome.Kind.RESUMED) {
            if (ours == null || !Arrays.equals(ours, welcome.token())) {
                throw new ProtocolException(CloseCode.PROTOCOL_ERROR, "RESUMED a session that was not asked for");
            }
            attach(ws, welcome.lastReceived(), null);
        } else {
            byte[] issued = welcome.token();
            if (ours != null) {
                CloseReason reason = new CloseReason(CloseReason.Kind.LOST,
                        "the server no longer had the session; it started a new one", Optional.empty());
                if (journal == null) {
                    lost = renew(reason);
                } else {
                    List<CompletionStage<Void>> forgot = new ArrayList<>(1);
                    lost = renew(reason, () -> forgot.add(journal.renewed(issued)));
                    savedOrEnd(forgot.getFirst());
                }
                log(Level.INFO, "session lost; " + lost.size() + " messages were never acknowledged");
            } else if (journal != null) {
                savedOrEnd(journal.token(issued)); // before anything is sent in the session: a restart resumes it
            }
            attach(ws, 0, null);
            token = welcome.token();
        }
        reconnector.reset();
        changeState(State.OPEN);
        listener.sessionJoined(new SessionOutcome(welcome.outcome(), encodeToken(welcome.token()), lost));
    }

    /**
     * Waits for a save the session cannot go on without; if it fails, the session ends (STORE_FAILED).
     *
     * @throws SessionClosedException if it failed
     */
    private void savedOrEnd(CompletionStage<Void> save) {
        try {
            awaitSaved(save);
        } catch (SessionStoreException e) {
            CloseReason reason = new CloseReason(CloseReason.Kind.STORE_FAILED, "the journal failed: "
                    + e.getMessage(), Optional.empty());
            end(reason);
            throw new SessionClosedException(reason);
        }
    }

    /** Waits at most 30 s (the disk is stuck) for a save of the journal. */
    private static void awaitSaved(CompletionStage<Void> save) {
        try {
            save.toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SessionStoreException("interrupted while saving", e);
        } catch (ExecutionException e) {
            throw new SessionStoreException(String.valueOf(e.getCause().getMessage()), e.getCause());
        } catch (TimeoutException e) {
            throw new SessionStoreException("the journal did not save in 30 s", e);
        }
    }

    private void awaitRetry(Duration delay) {
        try {
            closeRequested.await(delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            end(CloseReason.of(CloseReason.Kind.CLOSED, "interrupted"));
        }
    }

    /** The one writer of {@link #state}, on the client's thread. */
    private void changeState(State next) {
        if (state == next) {
            return;
        }
        state = next;
        log(Level.DEBUG, "= session is " + next);
        listener.stateChanged(next, next == State.CLOSED ? closeReason() : Optional.empty());
    }

    @Override
    public String toString() {
        return "ReliableClient[" + id + " " + uri + " " + state() + "]";
    }

    /**
     * Options of a {@link ReliableClient}: those every reconnecting client has ({@link Reconnector.Settings}: the
     * connections' options, headers, the credentials hook, the reconnect policy, TLS and other client settings),
     * the session's bounds, and a listener.
     */
    public static final class Builder extends Reconnector.Settings<Builder> {
        private ReliableOptions reliable = ReliableOptions.DEFAULT;
        private Listener listener = new Listener() { };
        private ClientJournal journal;

        private Builder(URI uri) {
            super(uri);
        }

        @Override
        protected Builder self() {
            return this;
        }

        /** Bounds and timings of the session (outbox, inbox, acknowledgements). */
        public Builder reliable(ReliableOptions options) {
            this.reliable = Objects.requireNonNull(options);
            return this;
        }

        public Builder listener(Listener listener) {
            this.listener = Objects.requireNonNull(listener);
            return this;
        }

        /**
         * Keeps the session in {@code journal}, so that it survives this process (see {@link ClientJournal});
         * the client loads it when it starts (a journal that cannot be loaded is closed, and {@link #connect}
         * throws its error) and closes it when the session ends. One client per journal.
         */
        public Builder journal(ClientJournal journal) {
            this.journal = Objects.requireNonNull(journal);
            return this;
        }

        /** Starts the client: returns at once, in state CONNECTING; sends wait in the outbox until OPEN. */
        public ReliableClient connect() {
            ReliableClient client = new ReliableClient(this);
            client.thread.start();
            return client;
        }
    }
}
