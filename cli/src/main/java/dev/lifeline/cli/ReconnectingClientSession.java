package dev.lifeline.cli;

import dev.lifeline.Failure;
import dev.lifeline.Message;
import dev.lifeline.ReconnectPolicy;
import dev.lifeline.ReconnectingWebSocket;
import dev.lifeline.ReconnectingWebSocket.CloseReason;
import dev.lifeline.protocol.ConnectionClosedException;
import dev.lifeline.protocol.ReconnectingException;
import java.io.BufferedReader;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code lifeline connect --reconnect}: one {@link ReconnectingWebSocket} to any server, reconnected whenever its
 * connection is lost. State changes print as they happen ({@code = client is RECONNECTING}, then
 * {@code = client is OPEN ...}), with each failure and the policy's decision.
 *
 * <p>The first connection must succeed: a server that cannot be reached (exit 4) or refuses the handshake (exit 3)
 * ends the command, as without {@code --reconnect}. Afterwards, lost connections are retried after
 * {@link ReliableClientSession#BACKOFF}'s delays. Lines entered while reconnecting wait in a bounded queue
 * ({@value #QUEUE_MESSAGES} lines) and go out once reconnected, at most once. From a pipe, at the end of the input
 * the client waits, at most {@code linger}, for as many replies as lines were sent, then closes with 1000.
 */
final class ReconnectingClientSession implements ReconnectingWebSocket.Listener, LineLoop.Client {
    static final int QUEUE_MESSAGES = 1024;
    private static final long QUEUE_BYTES = 4L << 20;
    /** Bounds the wait for the first connection (itself bounded by the open timeout) before reading the input. */
    private static final Duration FIRST_OPEN = Duration.ofMinutes(5);

    private final URI uri;
    private final Screen screen;
    private final Duration openTimeout;
    private final LineLoop loop;
    private volatile boolean opened;
    private volatile ReconnectingWebSocket client;

    ReconnectingClientSession(URI uri, BufferedReader input, Screen screen, Duration linger, Duration openTimeout) {
        this.uri = uri;
        this.screen = screen;
        this.openTimeout = openTimeout;
        this.loop = new LineLoop(input, screen, linger, this);
    }

    /** Before a first connection opened, stops at the first failure; afterwards, the standard policy. */
    ReconnectPolicy policy() {
        ReconnectPolicy standard = ReconnectPolicy.standard(ReliableClientSession.BACKOFF);
        return (failure, attempt) -> opened ? standard.decide(failure, attempt)
                : ReconnectPolicy.stop("the first connection failed");
    }

    /** Connects with {@code builder} (this session adds itself as listener and policy, and a queue) and runs. */
    int run(ReconnectingWebSocket.Builder builder) throws InterruptedException {
        client = builder.listener(this).reconnect(policy()).queue(QUEUE_MESSAGES, QUEUE_BYTES).connect();
        return loop.run(client.closed(), reason -> {
            int exit = exitCode(reason, opened);
            screen.ended(exit, closedLine(reason));
            return exit;
        });
    }

    /** Ctrl-C: closes with 1000 and gives {@link #run} time to report. */
    void interrupt() {
        if (client != null) {
            loop.interrupt();
        }
    }

    /**
     * 0 when either side closed, 3 or 4 when the first connection was refused or could not be made, 1 when the
     * policy gave up later.
     */
    static int exitCode(CloseReason reason, boolean everOpened) {
        return switch (reason.kind()) {
            case CLOSED, CLOSED_BY_PEER -> ExitCodes.OK;
            case GAVE_UP -> everOpened ? ExitCodes.ABNORMAL_CLOSE
                    : ExitCodes.firstConnectionFailed(reason.failure());
        };
    }

    /**
     * {@code client is CLOSED}, then who closed it or why it ended, each said once: the first connection's failure is
     * explained ({@link Explain#failure}) rather than repeated.
     */
    String closedLine(CloseReason reason) {
        String why = switch (reason.kind()) {
            case CLOSED -> "";
            case CLOSED_BY_PEER -> " by the server";
            case GAVE_UP -> reason.failure().filter(f -> !opened)
                    .map(f -> ": " + Explain.failure(uri, f, openTimeout))
                    .orElse(": gave up reconnecting (" + reason.detail() + ")");
        };
        String unsent = reason.unsent().isEmpty() ? ""
                : "; " + Text.count(reason.unsent().size(), "queued line") + " not sent";
        return "client is CLOSED" + why + unsent;
    }

    @Override
    public void stateChanged(ReconnectingWebSocket.State state, Optional<CloseReason> reason) {
        switch (state) {
            case OPEN -> {
                opened = true;
                screen.status("client is OPEN: " + uri + client().flatMap(ReconnectingWebSocket::connection)
                        .flatMap(ws -> ws.subprotocol()).map(p -> ", subprotocol " + p).orElse("")
                        + (screen.terminal() ? "; /help lists the commands" : ""));
            }
            case CONNECTING, RECONNECTING -> screen.status("client is " + state);
            case CLOSED -> { } // run() reports it, with the exit code
        }
    }

    @Override
    public void connectionFailed(Failure failure, ReconnectPolicy.Decision decision) {
        if (opened || decision instanceof ReconnectPolicy.Decision.Retry) { // else the closing line says it once
            screen.problem(Explain.attempt(uri, failure, decision, openTimeout));
        }
    }

    /** The client, once {@link #run} has built it (the listener may hear of the first connection before). */
    private Optional<ReconnectingWebSocket> client() {
        return Optional.ofNullable(client);
    }

    @Override
    public Iterable<Message> messages() {
        return client;
    }

    @Override
    public Class<ConnectionClosedException> ended() {
        return ConnectionClosedException.class;
    }

    /** Waits for the first connection: lines are read once it opened, never if it failed. */
    @Override
    public boolean ready() throws InterruptedException {
        return client.awaitOpen(FIRST_OPEN);
    }

    /** Queued while reconnecting; not sent when the queue is full. */
    @Override
    public boolean send(String line) {
        try {
            client.send(line);
            return true;
        } catch (ReconnectingException e) {
            screen.problem("not sent: " + e.getMessage()); // the queue is full
            return false;
        }
    }

    @Override
    public void close() {
        client.close();
    }

    @Override
    public boolean execute(ClientCommand command) {
        switch (command) {
            case ClientCommand.Send message -> send(message.text());
            case ClientCommand.Ping ping -> {
                try {
                    client.ping().whenComplete((rtt, failure) -> {
                        if (failure == null) {
                            screen.status("pong after " + Text.duration(rtt));
                        } else {
                            screen.problem("no pong: " + failure.getMessage());
                        }
                    });
                } catch (ReconnectingException e) {
                    screen.problem("no ping: " + e.getMessage());
                }
            }
            case ClientCommand.Latency latency -> screen.status(client.latency().isZero() ? "no Ping answered yet"
                    : "latency " + Text.duration(client.latency()) + " (last Ping answered)");
            case ClientCommand.Close close -> { // a reconnecting client closes with 1000
                screen.endPrompt();
                client.close();
                return false;
            }
            case ClientCommand.Help help -> ClientCommand.HELP.forEach(screen::status);
            case ClientCommand.Invalid invalid -> screen.problem(invalid.problem());
        }
        return true;
    }
}
