package dev.lifeline.cli;

import dev.lifeline.Message;
import dev.lifeline.WebSocket;
import dev.lifeline.WebSocketListener;
import dev.lifeline.protocol.CloseStatus;
import dev.lifeline.protocol.ConnectionClosedException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The listener of {@code lifeline serve}: echoes each message to its sender, or hands it to the chat in chat mode
 * (which broadcasts it to every client of this server, or of every node sharing a Redis), and answers the
 * {@link ControlMessage}s itself.
 *
 * <p>It is a {@link WebSocketListener}, not a handler: a connection's reader calls it, so that an echo needs no
 * hand-off to a thread of its own and goes out with the other replies to the same read in one write, and an idle
 * connection holds no thread. Threads: {@link #onOpen} and {@link #onMessage} of one connection run one at a time on
 * its reader (successive calls maybe on different virtual threads); {@link #onClose} on the thread that closed it.
 * What is kept per connection (when it opened, messages received) is its {@link Tally}, attached to it
 * ({@link WebSocket#attach}): no map of open connections, no entry to find per message.
 */
final class Relay implements WebSocketListener {
    private final Mode mode;
    private final ServerLog log;
    private final Consumer<Message> chat;

    /**
     * What the closing line tells of a connection. One writer of {@link #messages} at a time: the connection's
     * reader. The closing line is printed once: by whoever takes it first, onClose or an onOpen that found the
     * connection closed.
     */
    private static final class Tally extends AtomicBoolean {
        final long openedNanos = System.nanoTime();
        /** Volatile: successive reads of a connection may run on different threads, and its close on another. */
        volatile long messages;

        /** True the first time only: the caller prints the closing line. */
        boolean take() {
            return compareAndSet(false, true);
        }
    }

    /** @param chat where chat mode sends each message (it logs what it sends); called from connection threads */
    Relay(Mode mode, ServerLog log, Consumer<Message> chat) {
        this.mode = mode;
        this.log = log;
        this.chat = chat;
    }

    @Override
    public void onOpen(WebSocket ws) {
        ws.attach(new Tally());
        log.opened(ws);
        if (ws.closed().isDone()) {
            closed(ws); // it closed meanwhile (the server closing), maybe before onClose could find its tally
        }
    }

    @Override
    public void onMessage(WebSocket ws, Message message) {
        Tally tally = ws.attachment();
        tally.messages = tally.messages + 1; // one writer: this connection's reader
        log.received();
        try {
            handle(ws, message);
        } catch (ConnectionClosedException e) {
            // how it closed is in the log line written when the connection is CLOSED
        }
    }

    @Override
    public void onClose(WebSocket ws, CloseStatus status) {
        closed(ws);
    }

    /**
     * Prints the closing line once. Without a tally, the connection closed before onOpen (a server closing), and
     * onOpen prints it.
     */
    private void closed(WebSocket ws) {
        Tally tally = ws.attachment();
        if (tally != null && tally.take()) {
            log.closed(ws, Duration.ofNanos(System.nanoTime() - tally.openedNanos), tally.messages);
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
