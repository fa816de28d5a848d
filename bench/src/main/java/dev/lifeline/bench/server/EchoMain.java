package dev.lifeline.bench.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs one echo server in its own JVM ({@code EchoMain <server> [deflate|broadcast|keepalive]}, the second argument to
 * accept permessage-deflate, to start the server's broadcast mode instead of its echo, or its echo with keepalive
 * on), driven by the harness over stdin and stdout: prints {@code READY <port>},
 * answers {@code stats} with {@code STATS <heap used> <resident set>} (bytes, after a full GC), {@code jit} with
 * {@code JIT <milliseconds the JIT compilers have worked so far>}, {@code cpu} with
 * {@code CPU <CPU time of the process> <CPU time of its JIT compiler threads>} (nanoseconds; the second at the
 * 10 ms resolution of {@code /proc}, 0 where there is none), and stops on
 * {@code stop} or at the end of its input.
 *
 * <p>Before its first figures, the server's JVM fills its young generation once: until then, the pages of the heap
 * are committed but not all resident, and whatever allocates next (opening connections, here) would be charged the
 * first touch of memory that a JVM that has run a while has long since touched. Resident set growth then measures
 * what the connections hold (their share of the old generation and native memory), the same way for every server.
 */
public final class EchoMain {
    /** The optional second argument: accept permessage-deflate. */
    public static final String DEFLATE = "deflate";
    /** The other optional second argument: the server's broadcast mode ({@link Servers#startBroadcasting}). */
    public static final String BROADCAST = "broadcast";
    /** The third: the echo with keepalive on ({@link Servers#startKeepingAlive}). */
    public static final String KEEPALIVE = "keepalive";

    private EchoMain() {
    }

    public static void main(String[] args) throws Exception {
        List<String> modes = List.of(DEFLATE, BROADCAST, KEEPALIVE);
        if (args.length < 1 || args.length > 2 || args.length == 2 && !modes.contains(args[1])) {
            System.err.println("usage: EchoMain <" + String.join("|", Servers.ids()) + "> [" + String.join("|", modes)
                    + "]");
            System.exit(2);
        }
        Servers chosen = Servers.of(args[0]);
        String mode = args.length == 2 ? args[1] : "";
        EchoServer server = switch (mode) {
            case BROADCAST -> chosen.startBroadcasting();
            case KEEPALIVE -> chosen.startKeepingAlive();
            default -> chosen.start(mode.equals(DEFLATE));
        };
        System.out.println("READY " + server.port());
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        String line;
        while ((line = commands.readLine()) != null && !line.equals("stop")) {
            if (line.equals("stats")) {
                System.out.println("STATS " + heapAfterGc() + " " + residentSetBytes());
            } else if (line.equals("jit")) {
                System.out.println("JIT " + ManagementFactory.getCompilationMXBean().getTotalCompilationTime());
            } else if (line.equals("cpu")) {
                System.out.println("CPU " + processCpuNanos() + " " + compilerCpuNanos());
            }
        }
        server.close();
        System.exit(0);
    }

    private static final int SURVIVOR_CHUNK = 16 * 1024;
    private static boolean youngGenerationFilled;
    /** Where {@link #awaitCollection()} puts its garbage, so that the JIT cannot drop the allocations. */
    private static volatile Object garbage;
    /** What {@link #fillYoungGeneration()} keeps alive across a collection. */
    private static volatile Object kept;

    /**
     * Touches every page of the young generation before the first baseline, so that the resident set measured after
     * it grows only with what the connections keep: first eden, with garbage until the collector ran once; then each
     * survivor space (a copying collector has two that alternate, about a tenth of the young generation each), by
     * keeping nine tenths of a survivor space's worth alive across a collection, which copies it there, and dropping
     * it before the next, so that nothing is promoted. Without the second step a server's first collections with
     * many connections open touched the survivor spaces' last pages and charged them to the connections: 8.7 MB
     * with the bench's flags, 0.46 KiB per connection of 19,000, the same for every Java server.
     */
    private static void fillYoungGeneration() {
        awaitCollection();
        long survivor = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getName().contains("Survivor")).mapToLong(pool -> pool.getUsage().getCommitted())
                .max().orElse(0);
        for (int space = 0; space < 2 && survivor > 0; space++) {
            byte[][] chunks = new byte[(int) (survivor * 9 / 10 / SURVIVOR_CHUNK)][];
            for (int i = 0; i < chunks.length; i++) {
                chunks[i] = new byte[SURVIVOR_CHUNK];
            }
            kept = chunks; // the previous round's chunks are garbage now, before the collection that would promote them
            awaitCollection();
        }
        kept = null;
        garbage = null;
    }

    /** Allocates garbage until the collector ran once (at most 10 s); what {@link #kept} holds survives it. */
    private static void awaitCollection() {
        long before = collections();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (collections() == before && System.nanoTime() < deadline) {
            garbage = new byte[64 * 1024];
        }
    }

    private static long collections() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionCount).sum();
    }

    private static long heapAfterGc() throws InterruptedException {
        if (!youngGenerationFilled) {
            youngGenerationFilled = true;
            fillYoungGeneration();
        }
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /**
     * The CPU time of the JIT's compiler threads (named {@code C1 CompilerThread<n>}, {@code C2 ...}; the kernel
     * keeps 15 characters of a name), from their {@code /proc/self/task/<id>/stat} (Linux): user and system time in
     * clock ticks of 10 ms. Threads that ended are not counted; the JIT keeps its threads while it has work.
     */
    private static long compilerCpuNanos() {
        long ticks = 0;
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String comm = Files.readString(task.resolve("comm")).trim();
                    if (comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler")) {
                        String stat = Files.readString(task.resolve("stat"));
                        // after "(comm)": state is field 3; utime and stime are fields 14 and 15
                        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                    }
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return ticks * 10_000_000L; // USER_HZ is 100 on Linux
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
