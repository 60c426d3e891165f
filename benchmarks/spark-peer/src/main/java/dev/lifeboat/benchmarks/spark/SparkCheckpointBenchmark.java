package dev.lifeboat.benchmarks.spark;

import dev.lifeboat.spark.LifeboatCheckpointFileManager;
import dev.lifeboat.spark.test.ServerJvm;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.execution.streaming.CheckpointFileManager;
import org.apache.spark.sql.execution.streaming.FileContextBasedCheckpointFileManager;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Structured Streaming's checkpoint writes through Spark's default {@code CheckpointFileManager}
 * (the FileContext-based one: a temporary file, then a rename) and through Lifeboat's (a
 * checkpoint committed put-if-absent, no rename), on the same storage: a local directory or a
 * MiniDFSCluster. One op = {@code createAtomic} + write + {@code close} of one new file: an
 * offsets or commits entry of 1 KiB ({@code overwriteIfPossible=false}, as Spark writes it), or a
 * state store {@code .delta} of 1 MiB ({@code overwriteIfPossible=true}). The raw baseline writes
 * the same bytes straight to their final name with Hadoop's client (on a local disk its raw file
 * system, without checksum files): no atomicity, nothing to refuse.
 *
 * <p>Local disk: Spark's manager publishes with a rename and no {@code fsync}; the local Lifeboat
 * store forces the file and its manifest before a commit returns, so it is measured with the
 * durability Spark's manager does not offer there. HDFS: every manager ends with a completed
 * {@code close()} on the datanodes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(
        value = 1,
        jvmArgsAppend = {
            "-Xmx2g",
            "-XX:+IgnoreUnrecognizedVMOptions",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
            "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
            "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
            "-Djdk.reflect.useDirectMethodHandle=false",
            "-Dio.netty.tryReflectionSetAccessible=true"
        })
public class SparkCheckpointBenchmark {
    /** local (a directory on the bench disk) or hdfs (a MiniDFSCluster in its own JVM). */
    @Param({"local", "hdfs"})
    public String storage;

    /** spark (Spark's default manager), lifeboat (Lifeboat's), or raw (the baseline). */
    @Param({"raw", "spark", "lifeboat"})
    public String manager;

    /** offsets (1 KiB, overwriteIfPossible=false) or delta (1 MiB, overwriteIfPossible=true). */
    @Param({"offsets", "delta"})
    public String file;

    private Path dir;
    private ServerJvm hdfs;
    private String root;
    private byte[] content;
    private boolean overwrite;
    private Configuration conf;
    private FileSystem fs;
    private String folder;
    private CheckpointFileManager fm;
    private long next;
    private int iteration;

    @Setup(Level.Trial)
    public void setUp() throws IOException, InterruptedException {
        Path base = Path.of(System.getProperty("lifeboat.bench.dir", System.getProperty("java.io.tmpdir")));
        Files.createDirectories(base);
        dir = Files.createTempDirectory(base, "lifeboat-bench-spark-checkpoint-");
        switch (file) {
            case "offsets" -> {
                content = new byte[1024];
                overwrite = false;
            }
            case "delta" -> {
                content = new byte[1024 * 1024];
                overwrite = true;
            }
            default -> throw new IllegalArgumentException("unknown file '" + file + "': offsets or delta");
        }
        new Random(content.length).nextBytes(content);
        conf = new Configuration();
        switch (storage) {
            case "local" -> root = dir.resolve("data").toUri().toString();
            case "hdfs" -> {
                hdfs = ServerJvm.miniDfs(dir, List.of());
                root = hdfs.uri() + "/bench";
            }
            default -> throw new IllegalArgumentException("unknown storage '" + storage + "': local or hdfs");
        }
        // As the other HDFS benchmarks: replication 1 (one datanode), and a client that asks the
        // namenode again after 20 ms, not 400 ms, whether a closed file's last block has arrived.
        conf.setInt("dfs.replication", 1);
        conf.setInt("dfs.client.block.write.locateFollowingBlock.initial.delay.ms", 20);
        fs = new org.apache.hadoop.fs.Path(root).getFileSystem(conf);
        if (storage.equals("local")) {
            fs = ((org.apache.hadoop.fs.LocalFileSystem) fs).getRawFileSystem();
        }
    }

    /** A fresh checkpoint folder for every iteration, removed after it, so that listings stay small. */
    @Setup(Level.Iteration)
    public void open() throws IOException {
        String query = root + "/query-" + iteration++;
        folder = query + (overwrite ? "/state/0/0" : "/offsets");
        org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(folder);
        next = 0;
        switch (manager) {
            case "raw" -> {
                fs.mkdirs(path);
                fm = null;
            }
            case "spark" -> {
                fm = new FileContextBasedCheckpointFileManager(path, conf);
                fm.mkdirs(path);
            }
            case "lifeboat" -> {
                Configuration c = new Configuration(conf);
                c.set("spark.lifeboat.checkpoint.root", query);
                if (storage.equals("hdfs")) {
                    // The same client settings as the other managers' (the local store has none).
                    String option = "spark.lifeboat.checkpoint.option.hadoop.";
                    c.set(option + "dfs.replication", "1");
                    c.set(option + "dfs.client.block.write.locateFollowingBlock.initial.delay.ms", "20");
                }
                fm = new LifeboatCheckpointFileManager(path, c);
                fm.mkdirs(path);
            }
            default -> throw new IllegalArgumentException("unknown manager '" + manager + "': raw, spark or lifeboat");
        }
    }

    @TearDown(Level.Iteration)
    public void close() throws IOException {
        fs.delete(new org.apache.hadoop.fs.Path(folder).getParent(), true);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        if (hdfs != null) {
            hdfs.close();
        }
        delete(dir);
    }

    /** createAtomic + write + close of one new checkpoint file. */
    @Benchmark
    public long createAtomic() throws IOException {
        long n = next++;
        org.apache.hadoop.fs.Path path =
                new org.apache.hadoop.fs.Path(folder, overwrite ? (n + 1) + ".delta" : Long.toString(n));
        if (fm == null) {
            try (OutputStream out = fs.create(path, false)) {
                out.write(content);
            }
        } else {
            try (OutputStream out = fm.createAtomic(path, overwrite)) {
                out.write(content);
            }
        }
        return n;
    }

    private static void delete(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
