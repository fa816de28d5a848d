package dev.lifeline.bench.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The echo server's JVM answers the harness's questions about itself over stdin and stdout. */
@Timeout(60)
class EchoMainTest {

    @Test
    void answersCpuWithTheProcessTimeAndItsCompilersShareBothGrowing() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process server = new ProcessBuilder(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
                EchoMain.class.getName(), "lifeline")).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(),
                StandardCharsets.US_ASCII));
                Writer in = new OutputStreamWriter(server.getOutputStream(), StandardCharsets.US_ASCII)) {
            assertThat(out.readLine()).startsWith("READY ");
            long[] first = cpu(in, out);
            long[] second = cpu(in, out);

            assertThat(first[0]).as("process CPU time, ns").isPositive();
            assertThat(first[1]).as("compilers' CPU time, ns").isBetween(0L, first[0]);
            assertThat(second[0]).isGreaterThanOrEqualTo(first[0]);
            assertThat(second[1]).isGreaterThanOrEqualTo(first[1]);
            in.write("stop\n");
            in.flush();
            assertThat(server.waitFor(20, TimeUnit.SECONDS)).as("stopped").isTrue();
        } finally {
            server.destroyForcibly();
        }
    }

    private static long[] cpu(Writer in, BufferedReader out) throws Exception {
        in.write("cpu\n");
        in.flush();
        String line = out.readLine();
        assertThat(line).startsWith("CPU ");
        String[] f = line.substring(4).split(" ");
        return new long[] {Long.parseLong(f[0]), Long.parseLong(f[1])};
    }
}
