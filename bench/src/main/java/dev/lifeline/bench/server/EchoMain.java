package dev.lifeline.bench.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs one echo server in its own JVM ({@code EchoMain <server> [deflate]}, the second argument to accept
 * permessage-deflate), driven by the harness over stdin and stdout: prints {@code READY <port>},
 * answers {@code stats} with {@code STATS <heap used> <resident set>} (bytes, after a full GC), and stops on
 * {@code stop} or at the end of its input.
 */
public final class EchoMain {
    /** The optional second argument: accept permessage-deflate. */
    public static final String DEFLATE = "deflate";

    private EchoMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 2 || args.length == 2 && !args[1].equals(DEFLATE)) {
            System.err.println("usage: EchoMain <" + String.join("|", Servers.ids()) + "> [" + DEFLATE + "]");
            System.exit(2);
        }
        EchoServer server = Servers.of(args[0]).start(args.length == 2);
        System.out.println("READY " + server.port());
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        String line;
        while ((line = commands.readLine()) != null && !line.equals("stop")) {
            if (line.equals("stats")) {
                System.out.println("STATS " + heapAfterGc() + " " + residentSetBytes());
            }
        }
        server.close();
        System.exit(0);
    }

    private static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** VmRSS from /proc/self/status (Linux). */
    static long residentSetBytes() throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (l.startsWith("VmRSS:")) {
                return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS in /proc/self/status");
    }
}
