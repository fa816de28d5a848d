package dev.lifeline.protocol;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.OptionalLong;

/**
 * Heap bytes the current thread allocates, from HotSpot's per-thread counter ({@code com.sun.management.ThreadMXBean}):
 * what the fuzz targets measure to prove that no input makes a parser allocate beyond its configured limits. Loading
 * a class allocates too (more so under Jazzer, which instruments each class as it loads), so a measurement during
 * which a class was loaded says nothing and is dropped. The beans are looked up reflectively because the protocol
 * module (whose tests these are) reads {@code java.base} only; the fuzz targets run on the class path.
 *
 * <pre>{@code
 * Allocations meter = Allocations.start();
 * parse(input);
 * meter.allocated().ifPresent(bytes -> assertThat(bytes).isLessThanOrEqualTo(bound));
 * }</pre>
 */
public final class Allocations {
    private static final MethodHandle ALLOCATED_BYTES;
    private static final MethodHandle LOADED_CLASSES;

    static {
        try {
            Class<?> factory = Class.forName("java.lang.management.ManagementFactory");
            Object threads = factory.getMethod("getThreadMXBean").invoke(null);
            Object classes = factory.getMethod("getClassLoadingMXBean").invoke(null);
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            ALLOCATED_BYTES = lookup.findVirtual(Class.forName("com.sun.management.ThreadMXBean"),
                    "getCurrentThreadAllocatedBytes", MethodType.methodType(long.class)).bindTo(threads);
            LOADED_CLASSES = lookup.findVirtual(Class.forName("java.lang.management.ClassLoadingMXBean"),
                    "getTotalLoadedClassCount", MethodType.methodType(long.class)).bindTo(classes);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final long startBytes;
    private final long startClasses;

    private Allocations() {
        this.startClasses = read(LOADED_CLASSES);
        this.startBytes = read(ALLOCATED_BYTES);
    }

    /** Starts measuring the calling thread's allocations. */
    public static Allocations start() {
        return new Allocations();
    }

    /** Heap bytes the calling thread allocated since {@link #start()}; empty if a class was loaded meanwhile. */
    public OptionalLong allocated() {
        long bytes = read(ALLOCATED_BYTES) - startBytes;
        return read(LOADED_CLASSES) == startClasses ? OptionalLong.of(bytes) : OptionalLong.empty();
    }

    private static long read(MethodHandle counter) {
        try {
            return (long) counter.invoke();
        } catch (Throwable e) {
            throw new IllegalStateException("cannot read " + counter, e);
        }
    }
}
