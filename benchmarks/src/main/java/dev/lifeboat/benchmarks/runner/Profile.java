package dev.lifeboat.benchmarks.runner;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.benchmarks.runner.Run.Iterations;
import dev.lifeboat.benchmarks.runner.Run.Jar;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code ./lifeboat bench} runs: the {@link #quick()} profile (minutes, the headline cases
 * of every suite, each backend at least once) or the {@link #full()} one (every suite's matrix,
 * under an hour on 2 cores). Each profile is a list of JMH {@link Run runs}; one fork per
 * parameter combination, always.
 *
 * <p>The matrices follow what distinguishes a backend: Chronicle's {@code flush} is its
 * {@code none} (both leave the record in the mapped file), S3's {@code flush} is its {@code sync}
 * (both are a completed PUT) and its {@code none} only buffers, so those combinations are left out.
 */
public record Profile(String name, List<Run> runs) {
    public Profile {
        requireNonNull(name, "name is null");
        runs = List.copyOf(runs);
        if (runs.stream().map(Run::name).distinct().count() != runs.size()) {
            throw new IllegalArgumentException("profile " + name + " has two runs with one name");
        }
    }

    /** The profile called {@code name}: quick or full. */
    public static Profile named(String name) {
        return switch (name) {
            case "quick" -> quick();
            case "full" -> full();
            default -> throw new IllegalArgumentException("unknown profile '" + name + "': quick or full");
        };
    }

    /** The runs whose name matches {@code regex}, for re-running a part of a profile. */
    public Profile only(String regex) {
        return new Profile(
                name, runs.stream().filter(r -> r.name().matches(regex)).toList());
    }

    /**
     * Minutes: one fork, 1 s iterations, the cases the targets need, and every backend once per
     * suite. A smoke test of the whole pipeline; its numbers are indicative only.
     */
    public static Profile quick() {
        Iterations timed = Iterations.timed(1, 2, 1);
        List<Run> runs = new ArrayList<>();
        runs.add(main("raw-disk", "\\.RawDiskBenchmark\\.", timed, 2)
                .p("recordBytes", "1024", "65536")
                .build());
        runs.add(main("wal-local", "\\.WalAppendBenchmark\\.", timed, 2)
                .p("backend", "local")
                .p("durability", "sync")
                .p("recordBytes", "1024")
                .build());
        // Allocation per acknowledged record (the GC profiler's bytes per op) of a lone writer.
        runs.add(main("wal-local-allocation", "\\.WalAppendBenchmark\\.writers1$", timed, 2)
                .p("backend", "local")
                .p("durability", "flush")
                .p("recordBytes", "1024")
                .prof("gc")
                .build());
        runs.add(main("wal-local-64k", "\\.WalAppendBenchmark\\.writers(1|16)$", timed, 2)
                .p("backend", "local")
                .p("durability", "sync")
                .p("recordBytes", "65536")
                .build());
        runs.add(main("wal-backends", "\\.WalAppendBenchmark\\.writers16$", timed, 8)
                .p("backend", "chronicle", "hadoop", "s3", "azure")
                .p("durability", "sync")
                .p("recordBytes", "1024")
                .build());
        runs.add(main("wal-latency", "\\.WalLatencyBenchmark\\.", timed, 3)
                .p("backend", "local", "azure")
                .p("recordBytes", "1024")
                .build());
        // Three warm-up passes: a 64 MiB pass is over before the JIT has compiled the reader's
        // loop, so with one the measured passes still ran partly interpreted (0.23 x raw here,
        // where the full profile's 1 GiB passes measured 0.51 x).
        runs.add(main("wal-replay", "\\.WalReplayBenchmark\\.", Iterations.shots(3, 3), 5)
                .shotMillis(500)
                .p("backend", "local", "chronicle", "hadoop", "s3", "azure")
                .p("logMiB", "64")
                .build());
        runs.add(main("checkpoint-local", "\\.CheckpointBenchmark\\.", Iterations.shots(1, 3), 2)
                .shotMillis(300)
                .p("backend", "local")
                .p("sizeMiB", "256")
                .p("parts", "1")
                .build());
        runs.add(main("checkpoint-remote", "\\.CheckpointBenchmark\\.commit$", Iterations.shots(1, 3), 10)
                .shot(1)
                .p("backend", "hadoop", "s3", "azure")
                .p("sizeMiB", "16")
                .p("parts", "1")
                .build());
        runs.add(main("shuffle", "\\.ShuffleBenchmark\\.", Iterations.shots(1, 2), 6)
                .shot(2)
                .p("backend", "local", "hadoop", "s3", "azure")
                .build());
        runs.add(main("chronicle", "\\.ChronicleBenchmark\\.", timed, 2)
                .p("recordBytes", "1024")
                .build());
        // The local election's fail-over is its 100 ms poll; the quick profile measures ZooKeeper's.
        runs.add(main("election", "\\.ElectionBenchmark\\.", Iterations.shots(0, 3), 2)
                .shot(1)
                .p("backend", "zookeeper")
                .build());
        // Azure's fail-over (its shortest lease is 15 s, so a fail-over after a crash takes about
        // that long) runs in the full profile only: it would take the quick one past ten minutes.
        runs.add(main("engine", "\\.EngineBenchmark\\.", Iterations.shots(2, 3), 3)
                .shotMillis(600)
                .p("shuffle", "local", "azure")
                .build());
        runs.add(spark("spark", "\\.SparkWalBenchmark\\.writers(1|16)$", timed, 4)
                .p("log", "spark-file", "spark-batched", "lifeboat-local")
                .p("recordBytes", "1024")
                .build());
        runs.add(sparkHdfsWal(timed));
        runs.addAll(sparkCheckpoints(timed));
        return new Profile("quick", runs);
    }

    /**
     * Every suite's matrix; about 40 minutes on an idle 2-core machine (the estimates are calibrated
     * on one: a fork costs about 2 s, 12 s with MiniDFSCluster, 9 s with S3Proxy).
     */
    public static Profile full() {
        Iterations timed = Iterations.timed(1, 3, 2);
        String[] sizes = {"100", "1024", "65536"};
        List<Run> runs = new ArrayList<>();
        runs.add(main("raw-disk", "\\.RawDiskBenchmark\\.", timed, 2)
                .p("recordBytes", sizes)
                .build());
        runs.add(main("wal-local", "\\.WalAppendBenchmark\\.", timed, 2)
                .p("backend", "local")
                .p("durability", "none", "flush", "sync")
                .p("recordBytes", sizes)
                .prof("gc") // bytes allocated per acknowledged record
                .build());
        runs.add(main("wal-chronicle", "\\.WalAppendBenchmark\\.writers(1|16)$", timed, 3)
                .p("backend", "chronicle")
                .p("durability", "none", "sync")
                .p("recordBytes", sizes)
                .build());
        runs.add(main("wal-hadoop", "\\.WalAppendBenchmark\\.writers(1|16)$", timed, 12)
                .p("backend", "hadoop")
                .p("durability", "sync")
                .p("recordBytes", sizes)
                .build());
        runs.add(main("wal-hadoop-flush", "\\.WalAppendBenchmark\\.writers(1|16)$", timed, 12)
                .p("backend", "hadoop")
                .p("durability", "flush")
                .p("recordBytes", "1024")
                .build());
        runs.add(main("wal-s3", "\\.WalAppendBenchmark\\.writers(1|16)$", timed, 9)
                .p("backend", "s3")
                .p("durability", "sync")
                .p("recordBytes", sizes)
                .build());
        // Azure (on Azurite) runs every suite in the quick profile; here only what the full
        // matrix adds: the log at 16 writers and the fail-over after a crash, within the budget.
        runs.add(main("wal-azure", "\\.WalAppendBenchmark\\.writers16$", timed, 5)
                .p("backend", "azure")
                .p("durability", "sync")
                .p("recordBytes", "1024")
                .build());
        // The two WAL layouts on Azure (append blob, S3-style batch blobs) beside raw Put Blob and
        // GET: full profile only (the quick one has no room left under ten minutes), short forks.
        runs.add(main("wal-azure-layout", "\\.AzureWalLayoutBenchmark\\.", Iterations.timed(1, 2, 1), 5)
                .p("batchRecords", "1", "16")
                .build());
        runs.add(main("wal-azure-layout-replay", "\\.AzureWalLayoutReplayBenchmark\\.", Iterations.shots(1, 2), 8)
                .shot(1)
                .p("batchRecords", "1", "16")
                .build());
        runs.add(main("wal-latency", "\\.WalLatencyBenchmark\\.", timed, 7)
                .p("backend", "local", "chronicle", "hadoop", "s3")
                .p("recordBytes", "1024")
                .build());
        // Azure replays in the quick profile (64 MiB): a 1 GiB log on Azurite costs minutes to write.
        runs.add(main("wal-replay", "\\.WalReplayBenchmark\\.", Iterations.shots(1, 5), 15)
                .shot(3)
                .p("backend", "local", "chronicle", "hadoop", "s3")
                .p("logMiB", "1024")
                .build());
        runs.add(main("checkpoint-1m", "\\.CheckpointBenchmark\\.", Iterations.shots(2, 8), 6)
                .shotMillis(300)
                .p("backend", "local", "hadoop", "s3")
                .p("sizeMiB", "1")
                .p("parts", "1", "16")
                .build());
        runs.add(main("checkpoint-256m", "\\.CheckpointBenchmark\\.", Iterations.shots(1, 4), 9)
                .shot(2)
                .p("backend", "local", "hadoop", "s3")
                .p("sizeMiB", "256")
                .p("parts", "1", "16")
                .build());
        runs.add(main("shuffle", "\\.ShuffleBenchmark\\.", Iterations.shots(1, 5), 6)
                .shot(2)
                .p("backend", "local", "hadoop", "s3")
                .build());
        runs.add(main("chronicle", "\\.ChronicleBenchmark\\.", Iterations.timed(1, 3, 1), 2)
                .p("recordBytes", sizes)
                .build());
        runs.add(main("election", "\\.ElectionBenchmark\\.", Iterations.shots(1, 5), 5)
                .shot(3)
                .p("backend", "local", "zookeeper", "s3")
                .build());
        // Azure's shortest lease is 15 s, so each fail-over after a SIGKILL takes about that long.
        runs.add(main("election-azure", "\\.ElectionBenchmark\\.", Iterations.shots(0, 1), 5)
                .shot(17)
                .p("backend", "azure")
                .build());
        runs.add(main("engine", "\\.EngineBenchmark\\.", Iterations.shots(2, 5), 8)
                .shot(3)
                .p("shuffle", "local", "hadoop", "s3")
                .build());
        // 1 and 16 writers: the targets' cases (4 writers added nine forks and no verdict).
        runs.add(spark("spark", "\\.SparkWalBenchmark\\.writers(1|16)$", timed, 4)
                .p("log", "spark-file", "spark-batched", "lifeboat-local")
                .p("recordBytes", sizes)
                .build());
        runs.add(spark("spark-sync", "\\.SparkWalBenchmark\\.writers(1|16)$", timed, 4)
                .p("log", "lifeboat-local-sync")
                .p("recordBytes", "1024")
                .build());
        runs.add(sparkHdfsWal(timed));
        runs.addAll(sparkCheckpoints(Iterations.timed(1, 2, 2)));
        return new Profile("full", runs);
    }

    /** Spark's log and Lifeboat's Hadoop log at durability=flush, 16 writers, on one MiniDFSCluster each fork. */
    private static Run sparkHdfsWal(Iterations timed) {
        return spark("spark-hdfs", "\\.SparkWalBenchmark\\.writers16$", timed, 14)
                .p("log", "spark-file-hdfs", "lifeboat-hadoop")
                .p("recordBytes", "1024")
                .build();
    }

    /** Spark's checkpoint manager and Lifeboat's, beside raw writes, on a local disk and on HDFS. */
    private static List<Run> sparkCheckpoints(Iterations timed) {
        String include = "\\.SparkCheckpointBenchmark\\.createAtomic$";
        return List.of(
                spark("spark-checkpoint-local", include, timed, 4)
                        .p("storage", "local")
                        .p("manager", "raw", "spark", "lifeboat")
                        .p("file", "offsets", "delta")
                        .build(),
                spark("spark-checkpoint-hdfs", include, timed, 14)
                        .p("storage", "hdfs")
                        .p("manager", "raw", "spark", "lifeboat")
                        .p("file", "offsets", "delta")
                        .build());
    }

    private static Builder main(String name, String include, Iterations iterations, int overheadSeconds) {
        return new Builder(name, Jar.MAIN, include, iterations, overheadSeconds);
    }

    private static Builder spark(String name, String include, Iterations iterations, int overheadSeconds) {
        return new Builder(name, Jar.SPARK, include, iterations, overheadSeconds);
    }

    private static final class Builder {
        private final String name;
        private final Jar jar;
        private final String include;
        private final Iterations iterations;
        private final Duration overhead;
        private final Map<String, List<String>> params = new LinkedHashMap<>();
        private Duration shot = Duration.ZERO;
        private final List<String> profilers = new ArrayList<>();

        Builder(String name, Jar jar, String include, Iterations iterations, int overheadSeconds) {
            this.name = name;
            this.jar = jar;
            this.include = include;
            this.iterations = iterations;
            this.overhead = Duration.ofSeconds(overheadSeconds);
        }

        Builder p(String key, String... values) {
            params.put(key, List.of(values));
            return this;
        }

        Builder prof(String profiler) {
            profilers.add(profiler);
            return this;
        }

        Builder shot(int seconds) {
            return shotMillis(seconds * 1000);
        }

        Builder shotMillis(int millis) {
            shot = Duration.ofMillis(millis);
            return this;
        }

        Run build() {
            return new Run(name, jar, include, params, iterations, overhead, shot, profilers);
        }
    }
}
