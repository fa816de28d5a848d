package dev.lifeline.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** What a report says about the machine it ran on. */
final class Machine {
    private Machine() {
    }

    /** Cores, CPU model, memory, OS and JDK. */
    static String describe() {
        String cpu = firstValue(Path.of("/proc/cpuinfo"), "model name").orElse("unknown CPU");
        String mem = firstValue(Path.of("/proc/meminfo"), "MemTotal")
                .map(v -> String.format(Locale.ROOT, "%.0f GiB",
                        Long.parseLong(v.replaceAll("[^0-9]", "")) / 1048576.0))
                .orElse("unknown memory");
        return cores() + " cores (" + cpu + "), " + mem + "; "
                + System.getProperty("os.name") + " " + System.getProperty("os.version") + "; "
                + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
    }

    /** Cores of the machine (not of this process, which may be pinned to one). */
    static long cores() {
        try (var lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("processor")).count();
        } catch (IOException e) {
            return Runtime.getRuntime().availableProcessors();
        }
    }

    /** This process's limit on open file descriptors ({@code ulimit -n}); {@link Long#MAX_VALUE} if unknown. */
    static long maxDescriptors() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.UnixOperatingSystemMXBean unix ? unix.getMaxFileDescriptorCount()
                        : Long.MAX_VALUE;
    }

    /** The 1, 5 and 15 minute load averages. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + ", " + f[1] + ", " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static java.util.Optional<String> firstValue(Path file, String key) {
        try (var lines = Files.lines(file)) {
            return lines.filter(l -> l.startsWith(key)).map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst();
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }
}
