package dev.lifeline.bench.jmh;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the microbenchmarks of this package ({@code ./bench/run --jmh [--quick] [regex]}) and writes a markdown
 * table, with GB/s for the byte-crunching ones, to {@code bench/results/<date>-jmh.md}.
 */
public final class JmhMain {
    private JmhMain() {
    }

    public static void main(String[] args) throws Exception {
        List<String> list = List.of(args);
        boolean quick = list.contains("--quick");
        String include = list.stream().filter(a -> !a.startsWith("--")).findFirst()
                .orElse(JmhMain.class.getPackageName() + ".");
        Collection<RunResult> results = new Runner(new OptionsBuilder().include(include)
                .forks(quick ? 1 : 2)
                .warmupIterations(quick ? 3 : 5).warmupTime(TimeValue.seconds(1))
                .measurementIterations(quick ? 5 : 10).measurementTime(TimeValue.seconds(1))
                .build()).run();
        StringBuilder md = new StringBuilder("# Lifeline microbenchmarks, " + LocalDate.now()
                + (quick ? " (quick)" : "") + "\n\n`./bench/run --jmh" + (quick ? " --quick" : "")
                + "`: JMH 1.37, average time per operation, " + (quick ? "1 fork × 5" : "2 forks × 10")
                + " iterations of 1 s; GB/s = bytes per operation ÷ time.\n\n"
                + "| benchmark | parameters | ns/op | ± (99.9 %) | GB/s |\n|---|---|---:|---:|---:|\n");
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            name = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
            String params = String.join(", ", r.getParams().getParamsKeys().stream()
                    .map(k -> k + "=" + r.getParams().getParam(k)).toList());
            double ns = r.getPrimaryResult().getScore();
            long bytes = bytesPerOp(name, r);
            md.append(String.format(Locale.ROOT, "| %s | %s | %,.1f | %,.1f | %s |%n", name, params, ns,
                    r.getPrimaryResult().getScoreError(), bytes > 0 ? String.format(Locale.ROOT, "%.2f", bytes / ns)
                            : ""));
        }
        Path out = Path.of("bench", "results", LocalDate.now() + "-jmh" + (quick ? "-quick" : "") + ".md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, md);
        System.out.println();
        System.out.println(md);
        System.out.println("written: " + out);
    }

    /** Bytes one operation processes, where a rate in GB/s means something. */
    private static long bytesPerOp(String name, RunResult r) {
        if (name.startsWith("Utf8Benchmark")) {
            return Utf8Benchmark.SIZE;
        }
        String size = r.getParams().getParam("size");
        return size == null ? 0 : Long.parseLong(size);
    }
}
