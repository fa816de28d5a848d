package dev.lifeline.cli;

import dev.lifeline.Message;
import dev.lifeline.WebSocket;
import dev.lifeline.WebSocketServer;
import dev.lifeline.protocol.ConnectionClosedException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The handler of {@code lifeline serve}: echoes each message to its sender, or hands it to the chat in chat mode (which
 * broadcasts it to every client of this server, or of every node sharing a Redis), and answers the
 * {@link ControlMessage}s itself. Runs once per connection on its own virtual thread.
 */
final class Relay implements WebSocketServer.Handler {
    private final Mode mode;
    private final ServerLog log;
    private final Consumer<Message> chat;

    /** @param chat where chat mode sends each message (it logs what it sends); called from connection threads */
    Relay(Mode mode, ServerLog log, Consumer<Message> chat) {
        this.mode = mode;
        this.log = log;
        this.chat = chat;
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
                    chat.accept(message);
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
