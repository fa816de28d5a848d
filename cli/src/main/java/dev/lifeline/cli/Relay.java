package dev.lifeline.cli;

import dev.lifeline.Message;
import dev.lifeline.WebSocket;
import dev.lifeline.WebSocketServer;
import dev.lifeline.protocol.ConnectionClosedException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The handler of {@code lifeline serve}: echoes each message to its sender, or broadcasts it to every client in chat
 * mode, and answers the {@link ControlMessage}s itself. Runs once per connection on its own virtual thread.
 */
final class Relay implements WebSocketServer.Handler {
    private final Mode mode;
    private final ServerLog log;
    private final CompletableFuture<WebSocketServer> server;

    /** @param server the server to broadcast on, completed once it is started */
    Relay(Mode mode, ServerLog log, CompletableFuture<WebSocketServer> server) {
        this.mode = mode;
        this.log = log;
        this.server = server;
    }

    @Override
    public void handle(WebSocket ws) {
        long opened = System.nanoTime();
        AtomicLong messages = new AtomicLong();
        log.opened(ws);
        ws.closed().whenComplete((status, ignored) ->
                log.closed(ws, Duration.ofNanos(System.nanoTime() - opened), messages.get()));
        try {
            for (Message message : ws) {
                messages.incrementAndGet();
                log.received();
                handle(ws, message);
            }
        } catch (ConnectionClosedException e) {
            // how it closed is in the log line written when the connection is CLOSED
        }
    }

    private void handle(WebSocket ws, Message message) {
        ControlMessage control = message instanceof Message.Text text
                ? ControlMessage.parse(text.text()).orElse(null) : null;
        switch (control) {
            case ControlMessage.Ping ping -> reply(ws, Message.text(ping.pong()));
            case ControlMessage.Drop drop -> ws.abort();
            case ControlMessage.Close close -> close.apply(ws);
            case null -> {
                if (mode == Mode.CHAT) {
                    log.sent(server.join().broadcast(message));
                } else {
                    reply(ws, message);
                }
            }
        }
    }

    private void reply(WebSocket ws, Message message) {
        ws.send(message);
        log.sent(1);
    }
}
