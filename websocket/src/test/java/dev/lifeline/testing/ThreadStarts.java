package dev.lifeline.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingStream;

/**
 * Records the names of the virtual threads started while it runs, from the JDK's flight recorder
 * ({@code jdk.VirtualThreadStart}): a thread that starts and ends between two looks at the live threads is missed by
 * a thread dump ({@link Census}), not by this.
 */
public final class ThreadStarts implements AutoCloseable {
    private static final String MARKER = "thread-starts-marker-";
    private static final int ATTEMPTS = 3;
    private static final Duration PER_ATTEMPT = Duration.ofSeconds(12);

    private final List<String> names = Collections.synchronizedList(new ArrayList<>());
    private RecordingStream stream;

    private ThreadStarts() {
    }

    /**
     * Starts recording; returns once the recorder is running. A stream that reports nothing for a while is replaced by
     * a new one (a CI run once saw one report nothing in 30 s).
     */
    public static ThreadStarts record() throws InterruptedException {
        ThreadStarts starts = new ThreadStarts();
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            starts.stream = starts.newStream();
            starts.stream.startAsync();
            if (starts.awaitRunning(attempt)) {
                return starts;
            }
            starts.stream.close();
        }
        throw new IllegalStateException("the flight recorder reported no virtual thread start in " + ATTEMPTS
                + " recordings of " + PER_ATTEMPT.toSeconds() + " s each");
    }

    private RecordingStream newStream() {
        RecordingStream recording = new RecordingStream();
        recording.enable("jdk.VirtualThreadStart");
        recording.onEvent("jdk.VirtualThreadStart", event -> {
            RecordedThread thread = event.getThread();
            names.add(thread == null ? "(unknown)" : thread.getJavaName());
        });
        return recording;
    }

    /** Waits (the first recording in a JVM starts the flight recorder itself) until a thread started now is seen. */
    private boolean awaitRunning(int attempt) throws InterruptedException {
        String marker = MARKER + attempt + "-" + System.nanoTime();
        long deadline = System.nanoTime() + PER_ATTEMPT.toNanos();
        while (!names.contains(marker) && System.nanoTime() < deadline) {
            Thread.ofVirtual().name(marker).start(() -> { }).join();
            Thread.sleep(50);
        }
        return names.contains(marker);
    }

    /** Stops recording and returns the names of the threads started meanwhile (markers of its own left out). */
    public List<String> stop() {
        stream.stop(); // delivers what was recorded until now
        synchronized (names) {
            return names.stream().filter(name -> !name.startsWith(MARKER)).toList();
        }
    }

    @Override
    public void close() {
        stream.close();
    }
}
