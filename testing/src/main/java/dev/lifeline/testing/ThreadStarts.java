package dev.lifeline.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Records the names of the virtual threads started while it runs, from the JDK's flight recorder
 * ({@code jdk.VirtualThreadStart}): a thread that starts and ends between two looks at the live threads is missed by
 * a thread dump ({@link Census}), not by this.
 *
 * <p>A plain recording, read from its file once stopped: {@link Recording#start()} returns with the event enabled,
 * and nothing depends on when a stream flushes (a {@code RecordingStream} here once reported nothing for 30 s in a CI
 * run). A marker thread started just after the start proves that the recording saw thread starts at all, so that an
 * empty answer is never a recording that missed everything.
 */
public final class ThreadStarts implements AutoCloseable {
    private static final String EVENT = "jdk.VirtualThreadStart";

    private final Recording recording = new Recording();
    private final String marker = "thread-starts-marker-" + System.nanoTime();

    private ThreadStarts() {
        recording.enable(EVENT);
    }

    /** Starts recording; returns once the recorder records thread starts. */
    public static ThreadStarts record() throws InterruptedException {
        ThreadStarts starts = new ThreadStarts();
        starts.recording.start();
        Thread.ofVirtual().name(starts.marker).start(() -> { }).join();
        return starts;
    }

    /**
     * Stops recording and returns the names of the threads started meanwhile (its own marker left out).
     *
     * @throws IllegalStateException if the recording did not see its own marker thread start
     */
    public List<String> stop() {
        recording.stop();
        try {
            Path file = Files.createTempFile("thread-starts", ".jfr");
            try {
                recording.dump(file);
                List<String> names = RecordingFile.readAllEvents(file).stream()
                        .filter(event -> event.getEventType().getName().equals(EVENT))
                        .map(ThreadStarts::threadName)
                        .toList();
                if (!names.contains(marker)) {
                    throw new IllegalStateException("the flight recording did not see its own marker thread start: "
                            + names);
                }
                return names.stream().filter(name -> !name.equals(marker)).toList();
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String threadName(RecordedEvent event) {
        RecordedThread thread = event.getThread();
        return thread == null ? "(unknown)" : thread.getJavaName();
    }

    @Override
    public void close() {
        recording.close();
    }
}
