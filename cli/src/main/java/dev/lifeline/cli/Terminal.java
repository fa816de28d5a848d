package dev.lifeline.cli;

import java.io.Console;
import java.lang.reflect.InvocationTargetException;

/** Whether the command talks to a person at a terminal, and whether colours are welcome there. */
final class Terminal {
    private Terminal() {
    }

    /** True when both standard input and standard output are a terminal. */
    static boolean interactive() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            // Java 22+: a Console exists even when redirected; isTerminal() tells
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (NoSuchMethodException e) {
            return true; // Java 21: System.console() is null unless both are a terminal
        } catch (IllegalAccessException | InvocationTargetException e) {
            return false;
        }
    }

    /** Colours only on a terminal, and not when {@code NO_COLOR} is set or {@code TERM} is {@code dumb}. */
    static boolean colours(boolean interactive) {
        return interactive && System.getenv("NO_COLOR") == null && !"dumb".equals(System.getenv("TERM"));
    }
}
