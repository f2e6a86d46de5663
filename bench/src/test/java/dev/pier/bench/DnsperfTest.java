package dev.pier.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reading dnsperf 2.10's verbose output, as Debian 12 ships it. */
class DnsperfTest {
    @TempDir
    Path dir;

    @Test
    void summaryAndOneLatencySamplePerAnsweredQuery() throws IOException {
        Path out = dir.resolve("out.txt");
        Files.writeString(out, """
                DNS Performance Testing Tool
                Version 2.10.0

                [Status] Command line: dnsperf -s 127.0.0.1 -p 5353 -d q -l 2 -c 4 -v
                [Status] Sending queries (to 127.0.0.1:5353)
                > NOERROR svc-0001.bench.svc.cluster.local A 0.000250
                > NOERROR svc-0002.bench.svc.cluster.local A 0.001000
                > NXDOMAIN svc-0003.bench.svc.cluster.local A 0.004000
                > T svc-0004.bench.svc.cluster.local A
                [Status] Testing complete (time limit)

                Statistics:

                  Queries sent:         4
                  Queries completed:    3 (75.00%)
                  Queries lost:         1 (25.00%)

                  Response codes:       NOERROR 2 (66.67%), NXDOMAIN 1 (33.33%)
                  Average packet size:  request 46, response 62
                  Run time (s):         2.004848
                  Queries per second:   34544.264702

                  Average Latency (s):  0.001750 (min 0.000250, max 0.004000)
                  Latency StdDev (s):   0.001320
                """);

        Dnsperf.Result r = Dnsperf.parse(out);

        assertThat(r.queriesPerSecond()).isEqualTo(34544.264702);
        assertThat(r.completed()).isEqualTo(3);
        assertThat(r.lost()).isEqualTo(1);
        assertThat(r.allNoError()).isFalse();
        assertThat(r.rcodes()).isEqualTo("NOERROR 2 (66.67%), NXDOMAIN 1 (33.33%)");
        assertThat(r.latency().count()).isEqualTo(3);
        assertThat(r.latency().percentileMillis(50)).isEqualTo(1.0);
        assertThat(r.latency().maxMillis()).isEqualTo(4.0);
    }

    @Test
    void outputWithoutASummaryIsAnError() throws IOException {
        Path out = dir.resolve("out.txt");
        Files.writeString(out, "Error: unable to open datafile: queries.txt\n");

        assertThatThrownBy(() -> Dnsperf.parse(out)).isInstanceOf(IOException.class).hasMessageContaining("unable to open datafile");
    }
}
