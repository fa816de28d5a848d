package dev.lifeline.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import org.junit.jupiter.api.Test;

/**
 * The first protocol loads the concrete exceptions that code around a connection catches through their abstract
 * classes ({@link Protocol#LOADED_EARLY}): a hot method compiled by C2 while {@link ConnectionClosedException} had no
 * concrete subclass loaded was seen to let the first {@link ConnectionClosedOkException} skip its {@code catch}.
 * Checked in a class loader of its own, where this module's classes are loaded afresh.
 */
class ExceptionClassesLoadedEarlyTest {

    /** Loads this module's classes itself (its parent knows only the JDK's core), and says which it has loaded. */
    private static final class Fresh extends URLClassLoader {
        Fresh() {
            super(new URL[] {Protocol.class.getProtectionDomain().getCodeSource().getLocation()},
                    null); // the bootstrap loader: the platform's would hand this module's classes to the application's
        }

        boolean loaded(Class<?> type) {
            return findLoadedClass(type.getName()) != null;
        }
    }

    @Test
    void initializingAProtocolLoadsTheConcreteClosedExceptions() throws Exception {
        try (Fresh fresh = new Fresh()) {
            Class.forName(ServerProtocol.class.getName(), false, fresh); // loaded and linked, not initialized
            assertThat(fresh.loaded(ConnectionClosedOkException.class)).as("before initializing").isFalse();

            Class<?> server = Class.forName(ServerProtocol.class.getName(), true, fresh);
            assertThat(server.getClassLoader()).as("loaded afresh").isSameAs(fresh);

            assertThat(fresh.loaded(ConnectionClosedOkException.class)).isTrue();
            assertThat(fresh.loaded(ConnectionClosedErrorException.class)).isTrue();
            assertThat(fresh.loaded(ProtocolException.class)).isTrue();
            assertThat(fresh.loaded(InvalidStateException.class)).isTrue();
        }
    }
}
