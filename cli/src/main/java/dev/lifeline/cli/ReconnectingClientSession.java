package dev.lifeline.cli;

import dev.lifeline.Failure;
import dev.lifeline.Message;
import dev.lifeline.ReconnectPolicy;
import dev.lifeline.ReconnectingWebSocket;
import dev.lifeline.ReconnectingWebSocket.CloseReason;
import dev.lifeline.protocol.ConnectionClosedException;
import dev.lifeline.protocol.ReconnectingException;
import java.io.BufferedReader;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

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
final class ReconnectingClientSession implements ReconnectingWebSocket.Listener {
    static final int QUEUE_MESSAGES = 1024;
    private static final long QUEUE_BYTES = 4L << 20;
    private static final Duration DRAIN = Duration.ofSeconds(5);
    /** Bounds the wait for the first connection (itself bounded by the open timeout) before reading the input. */
    private static final Duration FIRST_OPEN = Duration.ofMinutes(5);

    private final URI uri;
    private final BufferedReader input;
    private final Screen screen;
    private final Duration linger;
    private final Duration openTimeout;
    private final CountDownLatch done = new CountDownLatch(1);
    private final Replies replies = new Replies();
    private volatile boolean opened;
    /** Lines sent that expect an answer; written by the input thread only. */
    private long expectedReplies;
    private volatile ReconnectingWebSocket client;

    ReconnectingClientSession(URI uri, BufferedReader input, Screen screen, Duration linger, Duration openTimeout) {
        this.uri = uri;
        this.input = input;
        this.screen = screen;
        this.linger = linger;
        this.openTimeout = openTimeout;
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
        Thread reader = Thread.ofVirtual().name("lifeline-connect-reader").start(this::printMessages);
        Thread.ofPlatform().daemon().name("lifeline-connect-input").start(this::readInput);
        try {
            CloseReason reason = client.closed().join();
            reader.join(DRAIN);
            screen.endPrompt();
            int exit = exitCode(reason, opened);
            screen.ended(exit, closedLine(reason));
            return exit;
        } finally {
            screen.endPrompt();
            done.countDown();
        }
    }

    /** Ctrl-C: closes with 1000 and gives {@link #run} time to report. */
    void interrupt() {
        ReconnectingWebSocket connecting = client;
        if (connecting == null) {
            return;
        }
        connecting.close();
        try {
            done.await(DRAIN.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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

    private void printMessages() {
        try {
            for (Message message : client) {
                screen.incoming(message);
                replies.arrived();
            }
        } catch (ConnectionClosedException e) {
            // run() reports how the client ended
        } finally {
            replies.end();
        }
    }

    private void readInput() {
        try {
            if (!client.awaitOpen(FIRST_OPEN)) {
                return; // the first connection failed; run() reports it
            }
            screen.prompt();
            for (String line = input.readLine(); line != null; line = input.readLine()) {
                screen.lineEntered();
                if (!screen.terminal()) {
                    send(line);
                } else if (!execute(ClientCommand.parse(line))) {
                    return;
                }
                screen.prompt();
            }
            screen.endPrompt();
            if (!screen.terminal()) {
                replies.await(expectedReplies, linger);
            }
            client.close();
        } catch (IOException e) {
            screen.problem("cannot read the input: " + e.getMessage());
            client.close();
        } catch (ConnectionClosedException e) {
            // the client is closed; run() reports how
        } catch (InterruptedException e) {
            client.close();
        }
    }

    private void send(String line) {
        try {
            client.send(line);
        } catch (ReconnectingException e) {
            screen.problem("not sent: " + e.getMessage()); // the queue is full
            return;
        }
        if (!(ControlMessage.parse(line).orElse(null) instanceof ControlMessage.Drop)) {
            expectedReplies++;
        }
    }

    /** Carries out a command typed at a terminal; false when the input is done with (the client is closing). */
    private boolean execute(ClientCommand command) {
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
