package dev.lifeboat.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportGeneratorTest {
    private static final String JSON = """
            [
              {"benchmark":"dev.lifeboat.benchmarks.wal.RawDiskBenchmark.forcePerRecord","mode":"thrpt","threads":1,
               "params":{"recordBytes":"1024"},
               "primaryMetric":{"score":1000.0,"scoreError":50.0,"scoreUnit":"ops/s"}},
              {"benchmark":"dev.lifeboat.benchmarks.wal.WalAppendBenchmark.writers1","mode":"thrpt","threads":1,
               "params":{"backend":"local","durability":"sync","recordBytes":"1024"},
               "primaryMetric":{"score":950.0,"scoreError":40.0,"scoreUnit":"ops/s"}},
              {"benchmark":"dev.lifeboat.benchmarks.wal.WalAppendBenchmark.writers16","mode":"thrpt","threads":16,
               "params":{"backend":"local","durability":"sync","recordBytes":"1024"},
               "primaryMetric":{"score":8000.0,"scoreError":400.0,"scoreUnit":"ops/s"}},
              {"benchmark":"dev.lifeboat.benchmarks.wal.WalLatencyBenchmark.syncAppend1","mode":"sample","threads":1,
               "params":{"backend":"local","recordBytes":"1024"},
               "primaryMetric":{"score":1000.0,"scoreError":"NaN","scoreUnit":"us/op",
                 "scorePercentiles":{"50.0":900.0,"99.0":2000.0,"99.9":5000.0}}}
            ]
            """;

    @Test
    void parsesJmhJson() {
        List<Result> results = Result.read(JSON);
        assertThat(results).hasSize(4);
        assertThat(results.get(1).benchmark()).isEqualTo("WalAppendBenchmark.writers1");
        assertThat(results.get(1).param("durability")).isEqualTo("sync");
        assertThat(results.get(3).percentiles()).containsEntry("99.9", 5000.0);
        assertThat(results.get(3).error()).as("JMH writes NaN errors as a string").isNaN();
    }

    @Test
    void reportsTargetsAsRatiosAndMarksMisses(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("results.json");
        Files.writeString(json, JSON);
        Path out = dir.resolve("benchmarks.md");
        ReportGenerator.main(new String[] {"--out", out.toString(), "--command", "test", json.toString()});
        String md = Files.readString(out);
        // 950 / 1000 = 0.95 >= 0.9: met; 8000 / 950 = 8.42 < 10: missed.
        assertThat(md).contains("| Local WAL sync, 1 writer, 1024 B | >= 0.9 x raw force per record | 0.95 | met |");
        assertThat(md).contains("| Local WAL sync, 16 writers vs 1, 1 KiB | >= 10 x | 8.42 | **missed** |");
        assertThat(md).contains("not measured", "p99.9", "5000.0");
        assertThat(dir.resolve("benchmarks/targets.svg")).exists();
        assertThat(Files.readString(dir.resolve("benchmarks/targets.svg"))).startsWith("<svg");
    }
}
