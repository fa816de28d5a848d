package dev.lifeline.cli;

import java.io.Console;
import java.io.File;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

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

    /** The terminal's width in columns ({@code stty size}), or 80 when it cannot be told. */
    static int columns() {
        try {
            Process stty = new ProcessBuilder("stty", "size").redirectInput(new File("/dev/tty")).start();
            if (!stty.waitFor(2, TimeUnit.SECONDS)) {
                stty.destroyForcibly();
                return 80;
            }
            String[] size = new String(stty.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip()
                    .split("\\s+");
            return size.length == 2 ? Integer.parseInt(size[1]) : 80;
        } catch (IOException | NumberFormatException e) {
            return 80;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 80;
        }
    }
}
