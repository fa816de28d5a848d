package dev.lifeline.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How busy each core of the machine was between two samples of {@code /proc/stat} (Linux; elsewhere nothing is
 * known): tells whether the load generator's core, not the server's, was what limited a figure.
 */
public final class CoreLoad {
    /** Busy and idle jiffies of each core, in the order of {@code /proc/stat}. */
    private final List<long[]> busyAndIdle;

    private CoreLoad(List<long[]> busyAndIdle) {
        this.busyAndIdle = busyAndIdle;
    }

    /** The cores' times now; empty where {@code /proc/stat} cannot be read. */
    public static CoreLoad sample() {
        try {
            return of(Files.readAllLines(Path.of("/proc/stat")));
        } catch (IOException | RuntimeException e) {
            return new CoreLoad(List.of());
        }
    }

    /** From the lines of {@code /proc/stat}: those of each core ({@code cpu0}, {@code cpu1}...). */
    static CoreLoad of(List<String> statLines) {
        List<long[]> cores = new ArrayList<>();
        for (String line : statLines) {
            if (line.startsWith("cpu") && line.length() > 3 && Character.isDigit(line.charAt(3))) {
                cores.add(parse(line));
            }
        }
        return new CoreLoad(cores);
    }

    /**
     * {@code cpuN user nice system idle iowait irq softirq steal ...}: idle and iowait are idle; the rest is busy,
     * steal too (time the hypervisor gave to others is time the core did not have for us).
     */
    private static long[] parse(String line) {
        String[] f = line.trim().split(" +");
        long busy = 0;
        long idle = 0;
        for (int i = 1; i < Math.min(f.length, 9); i++) {
            long v = Long.parseLong(f[i]);
            if (i == 4 || i == 5) {
                idle += v;
            } else {
                busy += v;
            }
        }
        return new long[] {busy, idle};
    }

    /** Each core's busy share (0 to 1) from {@code earlier} to this sample; empty if either is unknown. */
    public List<Double> busySince(CoreLoad earlier) {
        List<Double> shares = new ArrayList<>();
        if (earlier.busyAndIdle.size() != busyAndIdle.size()) {
            return shares;
        }
        for (int c = 0; c < busyAndIdle.size(); c++) {
            long busy = busyAndIdle.get(c)[0] - earlier.busyAndIdle.get(c)[0];
            long idle = busyAndIdle.get(c)[1] - earlier.busyAndIdle.get(c)[1];
            shares.add(busy + idle == 0 ? 0.0 : busy / (double) (busy + idle));
        }
        return shares;
    }
}
