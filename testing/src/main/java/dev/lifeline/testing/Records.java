package dev.lifeline.testing;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;

/** Checks on records, such as options changed by a {@code with} method. */
public final class Records {
    private Records() {
    }

    /**
     * Throws an {@link AssertionError} unless {@code after} differs from {@code before} in exactly the components
     * named, compared with {@code equals}.
     */
    public static <R extends Record> void changedOnly(R before, R after, String... components) {
        Set<String> named = Set.of(components);
        RecordComponent[] all = before.getClass().getRecordComponents();
        if (!Arrays.stream(all).map(RecordComponent::getName).toList().containsAll(named)) {
            throw new AssertionError("not components of " + before.getClass().getSimpleName() + ": " + named);
        }
        for (RecordComponent c : all) {
            boolean same = Objects.equals(value(c, before), value(c, after));
            if (named.contains(c.getName()) == same) {
                throw new AssertionError(c.getName() + (same ? " was not changed" : " was changed") + ", expected "
                        + "only " + named + " to change: " + before + " -> " + after);
            }
        }
    }

    private static Object value(RecordComponent component, Record of) {
        try {
            return component.getAccessor().invoke(of);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("reading " + component.getName(), e);
        }
    }
}
