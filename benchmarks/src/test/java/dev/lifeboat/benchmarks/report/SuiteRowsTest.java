package dev.lifeboat.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SuiteRowsTest {
    private static Result result(String benchmark, int threads, double score, String... keysAndValues) {
        return new Result(
                benchmark,
                "thrpt",
                threads,
                Query.of(benchmark, keysAndValues).params(),
                score,
                Double.NaN,
                "ops/s",
                Map.of(),
                Map.of());
    }

    private static String row(Result r) {
        return r.method() + " " + r.param("backend") + " " + r.param("durability") + " " + r.param("recordBytes") + " x"
                + r.threads();
    }

    @Test
    void rawBaselinesComeFirstThenBackendsInTheirOrderThenDurabilityThenSizesByNumberThenThreads() {
        List<Result> rs = List.of(
                result(
                        "WalAppendBenchmark.writers16",
                        16,
                        1,
                        "backend",
                        "s3",
                        "durability",
                        "sync",
                        "recordBytes",
                        "100"),
                result(
                        "WalAppendBenchmark.writers1",
                        1,
                        1,
                        "backend",
                        "nfs",
                        "durability",
                        "sync",
                        "recordBytes",
                        "100"),
                result(
                        "WalAppendBenchmark.writers1",
                        1,
                        1,
                        "backend",
                        "local",
                        "durability",
                        "sync",
                        "recordBytes",
                        "1024"),
                result(
                        "WalAppendBenchmark.writers1",
                        1,
                        1,
                        "backend",
                        "local",
                        "durability",
                        "none",
                        "recordBytes",
                        "1024"),
                result(
                        "WalAppendBenchmark.writers1",
                        1,
                        1,
                        "backend",
                        "local",
                        "durability",
                        "sync",
                        "recordBytes",
                        "100"),
                result(
                        "WalAppendBenchmark.writers16",
                        16,
                        1,
                        "backend",
                        "local",
                        "durability",
                        "sync",
                        "recordBytes",
                        "100"),
                result("WalAppendBenchmark.rawLoop", 1, 1, "recordBytes", "65536"),
                result("WalAppendBenchmark.writers1", 1, 1, "backend", "s3", "durability", "sync", "recordBytes", "x"));

        List<String> rows = SuiteRows.sorted(rs, "backend", "durability", "recordBytes").stream()
                .map(SuiteRowsTest::row)
                .toList();

        assertThat(rows)
                .containsExactly(
                        "rawLoop   65536 x1",
                        "writers1 local none 1024 x1",
                        "writers1 local sync 100 x1",
                        "writers16 local sync 100 x16",
                        "writers1 local sync 1024 x1",
                        "writers16 s3 sync 100 x16",
                        "writers1 s3 sync x x1",
                        "writers1 nfs sync 100 x1");
    }

    @Test
    void backendsAreListedOnceInTheirOrderWithUnknownOnesLast() {
        List<Result> rs = List.of(
                result("ElectionBenchmark.afterCrash", 1, 1, "backend", "zookeeper"),
                result("ElectionBenchmark.afterResign", 1, 1, "backend", "etcd"),
                result("ElectionBenchmark.afterResign", 1, 1, "backend", "s3"),
                result("ElectionBenchmark.afterCrash", 1, 1, "backend", "local"),
                result("ElectionBenchmark.afterResign", 1, 1, "backend", "zookeeper"));

        assertThat(SuiteRows.backends(rs)).containsExactly("local", "s3", "zookeeper", "etcd");
    }

    @Test
    void ratiosAreDashesWithoutBothResultsOrWithANonPositiveBaseline() {
        Result fast = result("ShuffleBenchmark.writeThenReadAll", 1, 300);
        Result slow = result("ShuffleBenchmark.rawWriteThenReadAll", 1, 100);
        Result zero = result("ShuffleBenchmark.rawWriteThenReadAll", 1, 0);

        assertThat(SuiteRows.ratio(Optional.of(fast), Optional.of(slow))).isEqualTo("3.00 x");
        assertThat(SuiteRows.inverseRatio(Optional.of(fast), Optional.of(slow)))
                .as("for times: the baseline over the result")
                .isEqualTo("0.33 x");
        assertThat(SuiteRows.ratio(Optional.of(fast), Optional.empty())).isEqualTo("–");
        assertThat(SuiteRows.ratio(Optional.empty(), Optional.of(slow))).isEqualTo("–");
        assertThat(SuiteRows.ratio(Optional.of(fast), Optional.of(zero))).isEqualTo("–");
    }

    @Test
    void megabytesPerSecondAreRecordsPerSecondTimesTheRecordSize() {
        assertThat(SuiteRows.mbPerSecond(result("WalAppendBenchmark.writers1", 1, 2000, "recordBytes", "1024")))
                .isEqualTo(2.048);
    }
}
