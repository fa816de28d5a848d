package dev.lifeline.bench.closing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.junit.jupiter.api.Test;

/** How reports of closes are matched to connections: missed ones counted, their late reports set aside. */
class ReportsTest {
    private static final SocketAddress A = new InetSocketAddress("127.0.0.1", 1001);
    private static final SocketAddress B = new InetSocketAddress("127.0.0.2", 1002);
    private static final SocketAddress C = new InetSocketAddress("127.0.0.3", 1003);
    private static final SocketAddress D = new InetSocketAddress("127.0.0.4", 1004);

    private final Reports reports = new Reports();

    @Test
    void aReportNotInTimeCountsItsConnectionMissedAndItsLateReportIsSetAside() throws Exception {
        reports.closed(A);
        assertThat(reports.await(A, deadline()).peer()).isEqualTo(A);

        assertThat(reports.await(B, System.nanoTime())).as("B's report did not come").isNull();

        reports.closed(B); // late, before C's
        reports.closed(C);
        assertThat(reports.await(C, deadline()).peer()).as("B's late report skipped").isEqualTo(C);
        reports.closed(B); // late again, after every connection
        assertThat(reports.unaccounted()).isEmpty();
    }

    @Test
    void anotherConnectionsReportIsHandedToTheCallerToRefuse() throws Exception {
        reports.closed(D);
        assertThat(reports.await(A, deadline()).peer()).isEqualTo(D);
    }

    @Test
    void aReportNoConnectionAccountsForIsLeftOver() throws Exception {
        reports.closed(A);
        reports.closed(A);
        assertThat(reports.await(A, deadline()).peer()).isEqualTo(A);
        assertThat(reports.unaccounted()).extracting(Reports.Report::peer).containsExactly(A);
    }

    @Test
    void aConnectionCountedMissedStillTakesItsOwnReport() throws Exception {
        assertThat(reports.await(A, System.nanoTime())).isNull();
        reports.closed(A); // the same address again, a later connection's (a port reused)
        assertThat(reports.await(A, deadline()).peer()).isEqualTo(A);
    }

    private static long deadline() {
        return System.nanoTime() + 5_000_000_000L;
    }
}
