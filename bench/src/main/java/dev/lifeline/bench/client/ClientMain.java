package dev.lifeline.bench.client;

import dev.lifeline.bench.load.LoadResult;
import dev.lifeline.bench.load.Scenario;
import java.net.URI;
import java.time.Duration;

/**
 * Runs one client library through one scenario in its own JVM and prints its {@link LoadResult#toLine()} after
 * {@link #PREFIX}: {@code ClientMain <library> <scenario> <ws-uri> <warm-up ms> <measure ms>}.
 */
public final class ClientMain {
    /** Starts the result line on stdout. */
    public static final String PREFIX = "LOAD ";

    private ClientMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: ClientMain <" + String.join("|", Clients.ids())
                    + "> <small|large> <ws-uri> <warm-up ms> <measure ms>");
            System.exit(2);
        }
        LoadResult result;
        try (ClientLibrary library = Clients.of(args[0]).create()) {
            result = ClientLoad.run(library, URI.create(args[2]), Scenario.of(args[1]),
                    Duration.ofMillis(Long.parseLong(args[3])), Duration.ofMillis(Long.parseLong(args[4])));
        }
        System.out.println(PREFIX + result.toLine());
        System.exit(0);
    }
}
