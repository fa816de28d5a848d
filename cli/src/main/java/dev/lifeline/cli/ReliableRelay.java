package dev.lifeline.cli;

import dev.lifeline.Message;
import dev.lifeline.WebSocket;
import dev.lifeline.reliable.BroadcastHub;
import dev.lifeline.reliable.CloseReason;
import dev.lifeline.reliable.ReliableServer;
import dev.lifeline.reliable.ServerSession;
import dev.lifeline.reliable.SessionClosedException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The handler of {@code lifeline serve --reliable}: once per reliable session (across its reconnects), echoes each
 * message to its sender or, in chat mode, publishes it to every session; each is acknowledged, resent after a
 * reconnect if need be, and handled once. Answers the {@link ControlMessage}s itself: a ping with a pong to the
 * sender alone, a drop by dropping the session's current connection (the session stays, and the client resumes it),
 * a close by closing the current connection with the code asked for (the client decides whether to resume).
 */
final class ReliableRelay implements ReliableServer.Handler {
    /** The one topic every session subscribes to in chat mode. */
    static final String CHAT = "chat";

    private final Mode mode;
    private final ServerLog log;
    private final BroadcastHub hub;
    private final AtomicInteger ids = new AtomicInteger();

    /** @param hub the server's hub, for chat mode */
    ReliableRelay(Mode mode, ServerLog log, BroadcastHub hub) {
        this.mode = mode;
        this.log = log;
        this.hub = hub;
    }

    @Override
    public void handle(ServerSession session) {
        String id = "r" + ids.incrementAndGet();
        long started = System.nanoTime();
        long messages = 0;
        log.opened(id, "session started from " + session.connection()
                .map(ws -> ServerLog.address(ws.remoteAddress())).orElse("a client already gone"));
        if (mode == Mode.CHAT) {
            hub.subscribe(CHAT, session);
        }
        try {
            for (Message message : session) {
                messages++;
                log.received();
                handle(session, message);
            }
        } catch (SessionClosedException e) {
            // how the session ended is in its closing line
        } finally {
            String how = session.closeReason().map(CloseReason::toString).orElse("ended");
            log.closed(id, "session ended", Duration.ofNanos(System.nanoTime() - started), messages, how);
        }
    }

    private void handle(ServerSession session, Message message) {
        ControlMessage control = message instanceof Message.Text text
                ? ControlMessage.parse(text.text()).orElse(null) : null;
        switch (control) {
            case ControlMessage.Ping ping -> reply(session, Message.text(ping.pong()));
            case ControlMessage.Drop drop -> session.connection().ifPresent(WebSocket::abort);
            case ControlMessage.Close close -> session.connection().ifPresent(close::apply);
            case null -> {
                if (mode == Mode.CHAT) {
                    log.sent(hub.publish(CHAT, message).size());
                } else {
                    reply(session, message);
                }
            }
        }
    }

    private void reply(ServerSession session, Message message) {
        session.send(message);
        log.sent(1);
    }
}
