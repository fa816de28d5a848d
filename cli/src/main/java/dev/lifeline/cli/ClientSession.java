package dev.lifeline.cli;

import dev.lifeline.Message;
import dev.lifeline.WebSocket;
import dev.lifeline.protocol.CloseCode;
import dev.lifeline.protocol.ConnectionClosedException;
import dev.lifeline.protocol.ConnectionClosedOkException;
import java.io.BufferedReader;
import java.time.Duration;

/**
 * One {@code lifeline connect} session over an open connection, run by a {@link LineLoop}: it notices the connection
 * closing at once, whatever the printing and input threads are doing.
 */
final class ClientSession implements LineLoop.Client {
    private final WebSocket ws;
    private final Screen screen;
    private final LineLoop loop;

    /**
     * @param input the lines to send: commands at a terminal ({@link Screen#terminal()}), messages from a pipe
     * @param linger at the end of piped input, the longest wait for the replies
     */
    ClientSession(WebSocket ws, BufferedReader input, Screen screen, Duration linger) {
        this.ws = ws;
        this.screen = screen;
        this.loop = new LineLoop(input, screen, linger, this);
    }

    /** Runs until the connection is closed; returns the exit code (0 after a normal close, 1 otherwise). */
    int run() throws InterruptedException {
        screen.status("connection is OPEN: " + ws.handshakeRequest().target() + " on " + ServerLog.address(
                ws.remoteAddress()) + ws.subprotocol().map(p -> ", subprotocol " + p).orElse("")
                + ws.handshakeResponse().headers().first("Sec-WebSocket-Extensions").map(e -> ", extensions " + e)
                        .orElse("")
                + (screen.terminal() ? "; /help lists the commands" : ""));
        return loop.run(ws.closed(), closed -> {
            ConnectionClosedException how = ws.closedException().orElseThrow();
            String line = "connection is CLOSED with " + how.code() + ": " + how.getMessage();
            if (how instanceof ConnectionClosedOkException) {
                screen.status(line);
                return ExitCodes.OK;
            }
            screen.problem(line);
            return ExitCodes.ABNORMAL_CLOSE;
        });
    }

    /** Ctrl-C: closes with 1001 and gives {@link #run()} a moment to report it. */
    void interrupt() {
        loop.interrupt();
    }

    @Override
    public Iterable<Message> messages() {
        return ws;
    }

    @Override
    public Class<ConnectionClosedException> ended() {
        return ConnectionClosedException.class;
    }

    @Override
    public boolean send(String line) {
        ws.send(line);
        return true;
    }

    @Override
    public void close() {
        ws.close();
    }

    /** With 1001: the user went away. */
    @Override
    public void abandon() {
        ws.close(CloseCode.GOING_AWAY, "");
    }

    @Override
    public boolean execute(ClientCommand command) {
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
