package dev.lifeline.cli;

import dev.lifeline.Message;
import dev.lifeline.Backoff;
import dev.lifeline.reliable.CloseReason;
import dev.lifeline.Failure;
import dev.lifeline.ReconnectPolicy;
import dev.lifeline.reliable.ReliableClient;
import dev.lifeline.reliable.SessionClosedException;
import dev.lifeline.reliable.SessionOutcome;
import java.io.BufferedReader;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code lifeline connect --reliable}: one reliable session ({@link ReliableClient}) across as many connections as
 * it takes. State changes print as they happen ({@code = session is RECONNECTING: ...}, {@code = session RESUMED});
 * lines are sent as messages, each acknowledged and resent after a reconnect if need be.
 *
 * <p>The first connection must succeed: a server that cannot be reached (exit 4) or refuses the handshake (exit 3)
 * ends the command, as without {@code --reliable}. Once the session is joined, connections lost are retried after
 * {@link #BACKOFF}'s delays. From a pipe, at the end of the input the session waits, at most {@code linger}, until as
 * many messages have come back as lines were sent (a {@code {"lifeline":"drop"}} line expects no answer), then ends
 * the session with 1000, which waits (bounded) for every line to be acknowledged.
 */
final class ReliableClientSession implements ReliableClient.Listener, LineLoop.Client {
    /** Reconnect at once or within 1 s, then after 1 s, 2 s, 4 s ... up to 30 s, each jittered. */
    static final Backoff BACKOFF = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(1), 2.0,
            Duration.ofSeconds(30));

    private final URI uri;
    private final Screen screen;
    private final Duration openTimeout;
    private final LineLoop loop;
    private volatile boolean joined;
    /** With {@code --state-dir}: the first connection is retried too (see {@link #retryingFromTheStart}). */
    private volatile boolean retryFirst;
    private volatile ReliableClient client;

    /**
     * @param uri where the client connects, for the state lines: the listener may hear of it before it is built
     * @param openTimeout the client's, to say what a timeout ran into
     */
    ReliableClientSession(URI uri, BufferedReader input, Screen screen, Duration linger, Duration openTimeout) {
        this.uri = uri;
        this.screen = screen;
        this.openTimeout = openTimeout;
        this.loop = new LineLoop(input, screen, linger, this);
    }

    /**
     * Before the session is first joined, stops at the first failure (the command then exits 3 or 4); afterwards,
     * the standard policy with {@link #BACKOFF}.
     */
    ReconnectPolicy policy() {
        ReconnectPolicy standard = ReconnectPolicy.standard(BACKOFF);
        return (failure, attempt) -> joined || retryFirst ? standard.decide(failure, attempt)
                : ReconnectPolicy.stop("the first connection failed");
    }

    /**
     * With a journal ({@code --state-dir}): the first connection is retried like the later ones, for giving up would
     * end (and forget) the session the journal keeps for the next start. Before {@link #run}.
     */
    ReliableClientSession retryingFromTheStart() {
        retryFirst = true;
        return this;
    }

    /** Connects with {@code builder} (for {@code uri}; this session adds itself as listener and policy) and runs. */
    int run(ReliableClient.Builder builder) throws InterruptedException {
        client = builder.listener(this).reconnect(policy()).connect();
        return loop.run(client.closed(), reason -> {
            int exit = exitCode(reason, joined);
            screen.ended(exit, closedLine(reason));
            return exit;
        });
    }

    /** Ctrl-C: ends the session (waiting for acknowledgements, bounded) and gives {@link #run} time to report. */
    void interrupt() {
        if (client != null) {
            loop.interrupt();
        }
    }

    /**
     * The exit code for how the session ended: 0 when either side closed it, 3 or 4 when the first connection was
     * refused or could not be made, 1 for anything else (a protocol error, the session lost...).
     */
    static int exitCode(CloseReason reason, boolean everJoined) {
        return switch (reason.kind()) {
            case CLOSED, CLOSED_BY_PEER -> ExitCodes.OK;
            default -> everJoined ? ExitCodes.ABNORMAL_CLOSE
                    : ExitCodes.firstConnectionFailed(reason.failure());
        };
    }

    /**
     * {@code session is CLOSED}, then who closed it or why it ended, each said once: the first connection's failure
     * is explained ({@link Explain#failure}) rather than repeated.
     */
    String closedLine(CloseReason reason) {
        String why = switch (reason.kind()) {
            case CLOSED -> "";
            case CLOSED_BY_PEER -> " by the server";
            case GAVE_UP -> reason.failure().filter(f -> !joined)
                    .map(f -> ": " + Explain.failure(uri, f, openTimeout))
                    .orElse(": gave up reconnecting (" + reason.detail() + ")");
            default -> ": " + reason.kind().toString().toLowerCase(Locale.ROOT).replace('_', ' ')
                    + (reason.detail().isEmpty() ? "" : " (" + reason.detail() + ")");
        };
        return "session is CLOSED" + why;
    }

    @Override
    public void stateChanged(ReliableClient.State state, Optional<CloseReason> reason) {
        if (state == ReliableClient.State.RECONNECTING || state == ReliableClient.State.CONNECTING) {
            screen.status("session is " + state);
        }
    }

    @Override
    public void sessionJoined(SessionOutcome outcome) {
        joined = true;
        String more = outcome.unacknowledged().isEmpty() ? ""
                : ": the server had lost the session; " + Text.count(outcome.unacknowledged().size(), "message")
                        + " sent before were not acknowledged";
        screen.status("session " + outcome.kind() + " on " + uri + more
                + (screen.terminal() ? "; /help lists the commands" : ""));
    }

    @Override
    public void connectionFailed(Failure failure, ReconnectPolicy.Decision decision) {
        if (joined || decision instanceof ReconnectPolicy.Decision.Retry) { // else the closing line says it once
            screen.problem(Explain.attempt(uri, failure, decision, openTimeout));
        }
    }

    @Override
    public Iterable<Message> messages() {
        return client;
    }

    @Override
    public Class<SessionClosedException> ended() {
        return SessionClosedException.class;
    }

    /** Each line goes to the session's outbox, acknowledged and resent after a reconnect if need be. */
    @Override
    public boolean send(String line) {
        client.send(line);
        return true;
    }

    /** Ends the session with 1000, which waits (bounded) for every line to be acknowledged. */
    @Override
    public void close() {
        client.close();
    }

    @Override
    public boolean execute(ClientCommand command) {
        switch (command) {
            case ClientCommand.Send message -> send(message.text());
            case ClientCommand.Close close -> { // a session always ends with 1000
                screen.endPrompt();
                client.close();
                return false;
            }
            case ClientCommand.Help help -> ClientCommand.RELIABLE_HELP.forEach(screen::status);
            case ClientCommand.Invalid invalid -> screen.problem(invalid.problem());
            case ClientCommand.Ping ping -> screen.problem("/ping is not available with --reliable");
            case ClientCommand.Latency latency -> screen.problem("/latency is not available with --reliable");
        }
        return true;
    }
}
