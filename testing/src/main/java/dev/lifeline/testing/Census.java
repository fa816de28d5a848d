package dev.lifeline.testing;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Counts what a leak would leave behind: open file descriptors (sockets among them), Lifeline's threads (virtual
 * ones too, from a JSON thread dump, since {@link Thread#getAllStackTraces()} lists platform threads only), and
 * the heap in use after a full collection.
 */
public final class Census {
    private static final Pattern LIFELINE_THREAD = Pattern.compile("\"name\": \"(lifeline-[^\"]*)\"");

    private Census() {
    }

    /** Entries of {@code /proc/self/fd}: files, sockets and pipes this process holds open. */
    public static long openFileDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    /** The names of live threads, platform and virtual, that Lifeline started (all are named {@code lifeline-*}). */
    public static List<String> lifelineThreads() throws IOException {
        Path dump = Files.createTempFile("lifeline-threads", ".json");
        try {
            Files.delete(dump); // dumpThreads refuses to overwrite
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .dumpThreads(dump.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
            Matcher names = LIFELINE_THREAD.matcher(Files.readString(dump));
            List<String> found = new ArrayList<>();
            while (names.find()) {
                found.add(names.group(1));
            }
            return found;
        } finally {
            Files.deleteIfExists(dump);
        }
    }

    /** Platform threads alive now. */
    public static int platformThreads() {
        return Thread.getAllStackTraces().size();
    }

    /** Heap bytes in use after a full collection. */
    public static long usedHeapAfterGc() {
        Runtime runtime = Runtime.getRuntime();
        System.gc();
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
