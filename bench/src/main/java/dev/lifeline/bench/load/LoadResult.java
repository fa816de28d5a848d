package dev.lifeline.bench.load;

/**
 * What one measured run yields: verified echoes counted in the measurement window, or an error (a wrong or missing
 * echo, a refused connection) and then no figure at all.
 *
 * @param messages echoes verified within the measurement window
 * @param seconds length of the measurement window
 * @param payloadSize bytes per message
 * @param p50Nanos median round-trip time in the window
 * @param p99Nanos 99th percentile round-trip time in the window
 * @param error why the run yields no figure; null when it succeeded
 */
public record LoadResult(long messages, double seconds, int payloadSize, long p50Nanos, long p99Nanos,
        String error) {

    public static LoadResult failed(String error) {
        return new LoadResult(0, 0, 0, 0, 0, error);
    }

    public boolean ok() {
        return error == null;
    }

    public double messagesPerSecond() {
        return messages / seconds;
    }

    /** Payload mebibytes echoed per second (one direction). */
    public double mibPerSecond() {
        return messages * (double) payloadSize / (1 << 20) / seconds;
    }

    /** One line for a child process to print and the parent to parse. */
    public String toLine() {
        return ok() ? "RESULT " + messages + " " + seconds + " " + payloadSize + " " + p50Nanos + " " + p99Nanos
                : "ERROR " + error.replace('\n', ' ');
    }

    /** Parses {@link #toLine()}. */
    public static LoadResult parse(String line) {
        if (line.startsWith("ERROR ")) {
            return failed(line.substring(6));
        }
        String[] f = line.split(" ");
        if (f.length != 6 || !f[0].equals("RESULT")) {
            return failed("unreadable result line: " + line);
        }
        return new LoadResult(Long.parseLong(f[1]), Double.parseDouble(f[2]), Integer.parseInt(f[3]),
                Long.parseLong(f[4]), Long.parseLong(f[5]), null);
    }
}
