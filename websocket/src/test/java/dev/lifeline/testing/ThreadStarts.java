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
    private final RecordingStream stream = new RecordingStream();
    private final List<String> names = Collections.synchronizedList(new ArrayList<>());

    private ThreadStarts() {
        stream.enable("jdk.VirtualThreadStart");
        stream.onEvent("jdk.VirtualThreadStart", event -> {
            RecordedThread thread = event.getThread();
            names.add(thread == null ? "(unknown)" : thread.getJavaName());
        });
    }

    /** Starts recording; returns once the recorder is running. */
    public static ThreadStarts record() throws InterruptedException {
        ThreadStarts starts = new ThreadStarts();
        starts.stream.startAsync();
        starts.awaitRunning();
        return starts;
    }

    /** Waits (at most 30 s: the first recording in a JVM starts the flight recorder itself) until a thread started now
     * is seen: the stream is then surely recording. */
    private void awaitRunning() throws InterruptedException {
        String marker = "thread-starts-marker-" + System.nanoTime();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!names.contains(marker) && System.nanoTime() < deadline) {
            Thread.ofVirtual().name(marker).start(() -> { }).join();
            Thread.sleep(50);
        }
        if (!names.contains(marker)) {
            throw new IllegalStateException("the flight recorder reported no virtual thread start within 30 s");
        }
    }

    /** Stops recording and returns the names of the threads started meanwhile (markers of its own left out). */
    public List<String> stop() {
        stream.stop(); // delivers what was recorded until now
        synchronized (names) {
            return names.stream().filter(name -> !name.startsWith("thread-starts-marker-")).toList();
        }
    }

    @Override
    public void close() {
        stream.close();
    }
}
