package dev.lifeline.bench.reliable;

import dev.lifeline.Message;
import dev.lifeline.WebSocketOptions;
import dev.lifeline.reliable.ReliableServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * The reliable echo of the reliable-layer scenario ({@link AckedLoad}) in a JVM of its own, driven by the harness
 * like {@code EchoMain}: a {@link ReliableServer} as its documentation writes one (a handler per session that sends
 * each message back), sessions in memory, the default {@code ReliableOptions}, keepalive off like the plain echo
 * it is compared with. Prints {@code READY <port>}; stops on {@code stop} or at the end of its input.
 */
public final class ReliableEchoMain {
    private ReliableEchoMain() {
    }

    /** Starts the server on 127.0.0.1, on a free port. */
    public static ReliableServer start() throws IOException {
        return ReliableServer.builder(session -> {
            for (Message m : session) {
                session.send(m);
            }
        }).options(WebSocketOptions.DEFAULT.withoutKeepalive()).start();
    }

    public static void main(String[] args) throws Exception {
        try (ReliableServer server = start()) {
            System.out.println("READY " + server.port());
            BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
            String line;
            while ((line = commands.readLine()) != null && !line.equals("stop")) {
                // no other command
            }
        }
        System.exit(0);
    }
}
