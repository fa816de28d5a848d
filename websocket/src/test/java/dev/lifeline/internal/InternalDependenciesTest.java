package dev.lifeline.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The files of {@code dev.lifeline.internal} depend on each other without a cycle (issue 14): the connection uses
 * its helpers, the helpers never use the connection, nor each other both ways. A file depends on another when its
 * code (not its comments, Javadoc or string literals) names the other's class, as a word. Read from the sources, so
 * that the claim of {@code package-info.java} is checked on what a maintainer reads.
 */
class InternalDependenciesTest {
    private static final Path SOURCES = Path.of("src", "main", "java", "dev", "lifeline", "internal");
    private static final Pattern WORD = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*");

    @Test
    void noTwoFilesOfTheConnectionLayerDependOnEachOther() throws IOException {
        Map<String, Set<String>> graph = graph(SOURCES);
        assertThat(graph).as("the sources of dev.lifeline.internal").containsKeys("Connection", "Reader", "Outgoing");

        List<String> cycles = cycles(graph).stream()
                .map(c -> String.join(" -> ", c) + " (within " + group(graph, c.getFirst()) + ")").toList();

        assertThat(cycles).as("cycles between the files of dev.lifeline.internal (A -> B: A's code names B)")
                .isEmpty();
    }

    @Test
    void aCycleIsFound() {
        Map<String, Set<String>> graph = new TreeMap<>();
        graph.put("Connection", new TreeSet<>(List.of("Reader", "Timers")));
        graph.put("Reader", new TreeSet<>(List.of("Outgoing")));
        graph.put("Outgoing", new TreeSet<>(List.of("Connection", "Timers")));
        graph.put("Timers", new TreeSet<>());

        assertThat(cycles(graph)).containsExactly(List.of("Connection", "Reader", "Outgoing", "Connection"));
    }

    @Test
    void commentsAndStringsNameNothing() {
        String source = """
                /** Not a {@link Connection}. */
                final class Events {
                    // Reader neither
                    @Label("Connection") String id;
                    char c = '"';
                    String s = "\\" Outgoing";
                    /* Timers */ Pings pings;
                }
                """;

        assertThat(names(source)).contains("Events", "Label", "String", "Pings")
                .doesNotContain("Connection", "Reader", "Outgoing", "Timers");
    }

    /** File name (without {@code .java}) to the other files of the package whose class its code names. */
    private static Map<String, Set<String>> graph(Path dir) throws IOException {
        Map<String, String> sources = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if (name.endsWith(".java") && !name.equals("package-info.java")) {
                    sources.put(name.substring(0, name.length() - ".java".length()), Files.readString(file));
                }
            }
        }
        Map<String, Set<String>> graph = new TreeMap<>();
        sources.forEach((name, source) -> {
            Set<String> uses = new TreeSet<>(names(source));
            uses.retainAll(sources.keySet());
            uses.remove(name);
            graph.put(name, uses);
        });
        return graph;
    }

    /** The words of {@code source}'s code: without comments, string, text block and character literals. */
    private static Set<String> names(String source) {
        StringBuilder code = new StringBuilder(source.length());
        int i = 0;
        while (i < source.length()) {
            if (source.startsWith("//", i)) {
                i = end(source, "\n", i + 2);
            } else if (source.startsWith("/*", i)) {
                i = end(source, "*/", i + 2);
            } else if (source.startsWith("\"\"\"", i)) {
                i = endOfLiteral(source, "\"\"\"", i + 3);
            } else if (source.charAt(i) == '"' || source.charAt(i) == '\'') {
                i = endOfLiteral(source, String.valueOf(source.charAt(i)), i + 1);
            } else {
                code.append(source.charAt(i++));
                continue;
            }
            code.append(' ');
        }
        Set<String> words = new TreeSet<>();
        Matcher m = WORD.matcher(code);
        while (m.find()) {
            words.add(m.group());
        }
        return words;
    }

    private static int end(String source, String close, int from) {
        int at = source.indexOf(close, from);
        return at < 0 ? source.length() : at + close.length();
    }

    /** Past the literal's closing {@code quote}, skipping escaped characters. */
    private static int endOfLiteral(String source, String quote, int from) {
        int i = from;
        while (i < source.length() && !source.startsWith(quote, i)) {
            i += source.charAt(i) == '\\' ? 2 : 1;
        }
        return Math.min(source.length(), i + quote.length());
    }

    /**
     * One cycle through each group of files that reach each other (a strongly connected component of more than one
     * file), as the path from its first file back to it.
     */
    private static List<List<String>> cycles(Map<String, Set<String>> graph) {
        List<List<String>> cycles = new ArrayList<>();
        Set<String> done = new TreeSet<>();
        for (String start : graph.keySet()) {
            if (done.contains(start)) {
                continue;
            }
            Set<String> group = group(graph, start);
            done.addAll(group);
            done.add(start);
            if (group.size() > 1) {
                cycles.add(cycleThrough(graph, start, group));
            }
        }
        return cycles;
    }

    /** The files that {@code file} reaches and that reach it back, itself included. */
    private static Set<String> group(Map<String, Set<String>> graph, String file) {
        Set<String> group = new TreeSet<>();
        for (String other : graph.keySet()) {
            if (reaches(graph, file, other) && reaches(graph, other, file)) {
                group.add(other);
            }
        }
        return group;
    }

    private static boolean reaches(Map<String, Set<String>> graph, String from, String to) {
        return path(graph, from, to, graph.keySet()) != null;
    }

    /** A cycle from {@code start} back to it, within {@code group}. */
    private static List<String> cycleThrough(Map<String, Set<String>> graph, String start, Set<String> group) {
        List<String> best = null;
        for (String next : graph.get(start)) {
            if (group.contains(next)) {
                List<String> back = path(graph, next, start, group);
                if (back != null && (best == null || back.size() + 1 < best.size())) {
                    best = new ArrayList<>();
                    best.add(start);
                    best.addAll(back);
                }
            }
        }
        return best;
    }

    /** The shortest path from {@code from} to {@code to} through {@code allowed} files (breadth first), or null. */
    private static List<String> path(Map<String, Set<String>> graph, String from, String to, Set<String> allowed) {
        Map<String, String> cameFrom = new HashMap<>();
        Deque<String> queue = new ArrayDeque<>(List.of(from));
        cameFrom.put(from, from);
        while (!queue.isEmpty()) {
            String at = queue.poll();
            if (at.equals(to)) {
                List<String> path = new ArrayList<>();
                for (String step = to; !step.equals(from); step = cameFrom.get(step)) {
                    path.addFirst(step);
                }
                path.addFirst(from);
                return path;
            }
            for (String next : graph.getOrDefault(at, Set.of())) {
                if (allowed.contains(next) && cameFrom.putIfAbsent(next, at) == null) {
                    queue.add(next);
                }
            }
        }
        return null;
    }
}
