package dev.lifeline.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Each core's busy share between two samples of {@code /proc/stat}. */
class CoreLoadTest {

    @Test
    void idleAndIowaitAreIdleEverythingElseIsBusyStealToo() {
        CoreLoad before = CoreLoad.of(List.of(
                "cpu  300 0 300 300 0 0 0 0 0 0",
                "cpu0 100 0 100 100 0 0 0 0 0 0",
                "cpu1 200 0 200 200 0 0 0 0 0 0",
                "intr 12345"));
        CoreLoad after = CoreLoad.of(List.of(
                "cpu  500 0 500 500 0 0 0 0 0 0",
                // core 0: 30 user + 10 system + 10 softirq + 10 steal busy; 30 idle + 10 iowait idle
                "cpu0 130 0 110 130 10 0 10 10 0 0",
                // core 1: all 100 idle
                "cpu1 200 0 200 300 0 0 0 0 0 0",
                "intr 23456"));

        assertThat(after.busySince(before)).containsExactly(0.6, 0.0);
    }

    @Test
    void samplesOfDifferentMachinesOrNoSampleTellNothing() {
        CoreLoad one = CoreLoad.of(List.of("cpu0 1 0 1 1 0 0 0 0 0 0"));
        CoreLoad none = CoreLoad.of(List.of());

        assertThat(one.busySince(none)).isEmpty();
    }

    @Test
    void thisMachinesCoresEachGetAShareBetweenZeroAndOne() throws Exception {
        CoreLoad before = CoreLoad.sample();
        Thread.sleep(50);
        List<Double> busy = CoreLoad.sample().busySince(before);

        assertThat(busy).as("one share per core (Linux)").isNotEmpty()
                .allSatisfy(share -> assertThat(share).isBetween(0.0, 1.0));
    }
}
