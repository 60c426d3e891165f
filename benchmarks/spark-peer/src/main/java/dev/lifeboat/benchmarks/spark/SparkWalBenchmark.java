package dev.lifeboat.benchmarks.spark;

import dev.lifeboat.spark.test.ServerJvm;
import dev.lifeboat.spi.Lifeboat;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.streaming.util.BatchedWriteAheadLog;
import org.apache.spark.streaming.util.FileBasedWriteAheadLog;
import org.apache.spark.streaming.util.WriteAheadLog;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The peer users would otherwise run: Spark Streaming's {@code FileBasedWriteAheadLog} (one
 * {@code hflush} per write, writes serialised) and {@code BatchedWriteAheadLog} (group commit as a
 * wrapper), beside the local Lifeboat WAL through the same Spark-shaped call ({@code write(record,
 * time)}, durable when it returns). Spark's log on a local directory goes through Hadoop's local
 * file system, where {@code hflush} hands bytes to the OS without {@code fsync}; the Lifeboat log
 * runs at the same level, {@code durability=flush} (and, for reference, at {@code sync}). A new log
 * in the same directory for every iteration. One op = one acknowledged record.
 *
 * <p>On HDFS ({@code spark-file-hdfs}, {@code lifeboat-hadoop}) both logs write to a MiniDFSCluster
 * with one datanode, started in its own JVM the same way for every fork, with the same client
 * settings; {@code hflush} is then a round trip to the datanode, which Spark's writers pay one at a
 * time under its lock and the Lifeboat writers share per batch ({@code durability=flush}).
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
public class SparkWalBenchmark {
    /**
     * spark-file, spark-batched, lifeboat-local (durability=flush, as Spark's), lifeboat-local-sync
     * (durability=sync: each record fsynced, which Spark's log cannot do), or on a MiniDFSCluster
     * spark-file-hdfs and lifeboat-hadoop (durability=flush: an hflush, as Spark's).
     */
    @Param({"spark-file", "spark-batched", "lifeboat-local", "lifeboat-local-sync", "spark-file-hdfs", "lifeboat-hadoop"
    })
    public String log;

    @Param({"100", "1024", "65536"})
    public int recordBytes;

    private Path dir;
    private SparkConf conf;
    private WriteAheadLog spark;
    private dev.lifeboat.spi.wal.WriteAheadLog lifeboat;
    private ByteBuffer record;
    private ServerJvm hdfs;
    private int iteration;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Path base = Path.of(System.getProperty("lifeboat.bench.dir", System.getProperty("java.io.tmpdir")));
        Files.createDirectories(base);
        dir = Files.createTempDirectory(base, "lifeboat-bench-spark-");
        byte[] bytes = new byte[recordBytes];
        new Random(recordBytes).nextBytes(bytes);
        record = ByteBuffer.wrap(bytes).asReadOnlyBuffer();
        conf = new SparkConf(false).set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1");
        if (log.endsWith("hdfs") || log.equals("lifeboat-hadoop")) {
            try {
                hdfs = ServerJvm.miniDfs(dir, List.of());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while MiniDFSCluster started", e);
            }
        }
    }

    /** A new, empty log for every iteration, so that the directory stays bounded whatever the rate. */
    @Setup(Level.Iteration)
    public void open() throws IOException {
        Path logDir = Files.createDirectories(dir.resolve("log"));
        // On HDFS a new directory per iteration; the previous one is deleted after it.
        String hdfsLog = hdfs == null ? null : hdfs.uri() + "/bench/log-" + iteration++;
        switch (log) {
            case "spark-file" -> spark = fileLog(logDir);
            case "spark-batched" -> spark = new BatchedWriteAheadLog(fileLog(logDir), conf);
            case "lifeboat-local" ->
                lifeboat = Lifeboat.openWriteAheadLog(
                        logDir.toUri(), Map.of("durability", "flush", "max-record-bytes", "1MiB"));
            case "lifeboat-local-sync" ->
                lifeboat = Lifeboat.openWriteAheadLog(
                        logDir.toUri(), Map.of("durability", "sync", "max-record-bytes", "1MiB"));
            case "spark-file-hdfs" -> spark = new FileBasedWriteAheadLog(conf, hdfsLog, hdfsConf(), 60, 3, false);
            case "lifeboat-hadoop" ->
                lifeboat = Lifeboat.openWriteAheadLog(
                        URI.create(hdfsLog),
                        Map.of(
                                "durability",
                                "flush",
                                "max-record-bytes",
                                "1MiB",
                                "hadoop.dfs.replication",
                                "1",
                                "hadoop.dfs.client.block.write.locateFollowingBlock.initial.delay.ms",
                                "20"));
            default ->
                throw new IllegalArgumentException("unknown log '" + log
                        + "': spark-file, spark-batched, lifeboat-local, lifeboat-local-sync, spark-file-hdfs"
                        + " or lifeboat-hadoop");
        }
    }

    /** The client settings both logs use on HDFS: replication 1 (one datanode), a 20 ms block poll. */
    private static Configuration hdfsConf() {
        Configuration c = new Configuration();
        c.setInt("dfs.replication", 1);
        c.setInt("dfs.client.block.write.locateFollowingBlock.initial.delay.ms", 20);
        return c;
    }

    private FileBasedWriteAheadLog fileLog(Path logDir) {
        // Spark's defaults: a 60 s rolling interval, 3 attempts, keep the file open between writes.
        return new FileBasedWriteAheadLog(conf, logDir.toUri().toString(), new Configuration(), 60, 3, false);
    }

    @TearDown(Level.Iteration)
    public void close() throws IOException {
        if (spark != null) {
            spark.close();
            spark = null;
        }
        if (lifeboat != null) {
            lifeboat.close();
            lifeboat = null;
        }
        delete(dir.resolve("log"));
        if (hdfs != null) {
            org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(hdfs.uri() + "/bench");
            path.getFileSystem(hdfsConf()).delete(path, true);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        if (hdfs != null) {
            hdfs.close();
        }
        delete(dir);
    }

    @Benchmark
    @Threads(1)
    public Object writers1() throws IOException {
        return write();
    }

    @Benchmark
    @Threads(4)
    public Object writers4() throws IOException {
        return write();
    }

    @Benchmark
    @Threads(16)
    public Object writers16() throws IOException {
        return write();
    }

    private Object write() throws IOException {
        long now = System.currentTimeMillis();
        if (spark != null) {
            return spark.write(record.duplicate(), now);
        }
        return lifeboat.write(record.duplicate(), now);
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
