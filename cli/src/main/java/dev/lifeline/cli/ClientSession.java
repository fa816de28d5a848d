package dev.lifeline.cli;

import dev.lifeline.Message;
import dev.lifeline.WebSocket;
import dev.lifeline.protocol.CloseCode;
import dev.lifeline.protocol.ConnectionClosedException;
import dev.lifeline.protocol.ConnectionClosedOkException;
import java.io.BufferedReader;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One {@code lifeline connect} session over an open connection. Three threads: a virtual thread prints each message
 * as it arrives; a daemon thread reads the input lines (which may block forever on a terminal); the caller of
 * {@link #run()} waits for the connection to close, which it notices at once, whatever the other two are doing.
 *
 * <p>At a terminal, lines are {@link ClientCommand}s. From a pipe, each line is sent as a text message; at the end of
 * the input the session waits, at most {@code linger}, until as many messages have come back as were sent, then
 * closes normally.
 */
final class ClientSession {
    private static final Duration DRAIN = Duration.ofSeconds(5);

    private final WebSocket ws;
    private final BufferedReader input;
    private final Screen screen;
    private final Duration linger;
    private final CountDownLatch done = new CountDownLatch(1);
    private final Replies replies = new Replies();

    /**
     * @param input the lines to send: commands at a terminal ({@link Screen#terminal()}), messages from a pipe
     * @param linger at the end of piped input, the longest wait for the replies
     */
    ClientSession(WebSocket ws, BufferedReader input, Screen screen, Duration linger) {
        this.ws = ws;
        this.input = input;
        this.screen = screen;
        this.linger = linger;
    }

    /** Runs until the connection is closed; returns the exit code (0 after a normal close, 1 otherwise). */
    int run() throws InterruptedException {
        screen.status("connection is OPEN: " + ws.handshakeRequest().target() + " on " + ServerLog.address(
                ws.remoteAddress()) + ws.subprotocol().map(p -> ", subprotocol " + p).orElse("")
                + ws.handshakeResponse().headers().first("Sec-WebSocket-Extensions").map(e -> ", extensions " + e)
                        .orElse("")
                + (screen.terminal() ? "; /help lists the commands" : ""));
        Thread reader = Thread.ofVirtual().name("lifeline-connect-reader").start(this::printMessages);
        Thread.ofPlatform().daemon().name("lifeline-connect-input").start(this::readInput);
        try {
            ws.closed().join();
            reader.join(DRAIN);
            screen.endPrompt();
            ConnectionClosedException how = ws.closedException().orElseThrow();
            String line = "connection is CLOSED with " + how.code() + ": " + how.getMessage();
            if (how instanceof ConnectionClosedOkException) {
                screen.status(line);
                return ExitCodes.OK;
            }
            screen.problem(line);
            return ExitCodes.ABNORMAL_CLOSE;
        } finally {
            screen.endPrompt();
            done.countDown();
        }
    }

    /** Ctrl-C: closes with 1001 and gives {@link #run()} a moment to report it. */
    void interrupt() {
        ws.close(CloseCode.GOING_AWAY, "");
        try {
            done.await(DRAIN.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void printMessages() {
        try {
            for (Message message : ws) {
                screen.incoming(message);
                replies.arrived();
            }
        } catch (ConnectionClosedException e) {
            // run() reports how the connection closed
        } finally {
            replies.end();
        }
    }

    private void readInput() {
        long sent = 0;
        try {
            screen.prompt();
            for (String line = input.readLine(); line != null; line = input.readLine()) {
                screen.lineEntered();
                if (!screen.terminal()) {
                    ws.send(line);
                    sent++;
                } else if (!execute(ClientCommand.parse(line))) {
                    return;
                }
                screen.prompt();
            }
            screen.endPrompt();
            if (!screen.terminal()) {
                replies.await(sent, linger);
            }
            ws.close();
        } catch (IOException e) {
            screen.problem("cannot read the input: " + e.getMessage());
            ws.close(CloseCode.GOING_AWAY, "");
        } catch (ConnectionClosedException e) {
            // the connection is over; run() reports how
        }
    }

    /** Carries out a command; false when the input is done with (the connection is closing). */
    private boolean execute(ClientCommand command) {
        switch (command) {
            case ClientCommand.Send send -> ws.send(send.text());
            case ClientCommand.Ping ping -> ws.ping().whenComplete((rtt, failure) -> {
                if (failure == null) {
                    screen.status("pong after " + Text.duration(rtt));
                } else {
                    screen.problem("no pong: " + failure.getMessage());
                }
            });
            case ClientCommand.Latency latency -> screen.status(ws.latency().isZero() ? "no Ping answered yet"
                    : "latency " + Text.duration(ws.latency()) + " (last Ping answered)");
            case ClientCommand.Close close -> {
                screen.endPrompt();
                ws.close(close.status().code(), close.status().reason());
                return false;
            }
            case ClientCommand.Help help -> ClientCommand.HELP.forEach(screen::status);
            case ClientCommand.Invalid invalid -> screen.problem(invalid.problem());
        }
        return true;
    }
}
