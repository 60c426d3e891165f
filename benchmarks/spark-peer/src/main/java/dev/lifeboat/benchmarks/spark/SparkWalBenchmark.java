package dev.lifeboat.benchmarks.spark;

import dev.lifeboat.spi.Lifeboat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
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
     * spark-file, spark-batched, lifeboat-local (durability=flush, as Spark's), or
     * lifeboat-local-sync (durability=sync: each record fsynced, which Spark's log cannot do).
     */
    @Param({"spark-file", "spark-batched", "lifeboat-local", "lifeboat-local-sync"})
    public String log;

    @Param({"100", "1024", "65536"})
    public int recordBytes;

    private Path dir;
    private SparkConf conf;
    private WriteAheadLog spark;
    private dev.lifeboat.spi.wal.WriteAheadLog lifeboat;
    private ByteBuffer record;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Path base = Path.of(System.getProperty("lifeboat.bench.dir", System.getProperty("java.io.tmpdir")));
        Files.createDirectories(base);
        dir = Files.createTempDirectory(base, "lifeboat-bench-spark-");
        byte[] bytes = new byte[recordBytes];
        new Random(recordBytes).nextBytes(bytes);
        record = ByteBuffer.wrap(bytes).asReadOnlyBuffer();
        conf = new SparkConf(false).set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1");
    }

    /** A new, empty log for every iteration, so that the directory stays bounded whatever the rate. */
    @Setup(Level.Iteration)
    public void open() throws IOException {
        Path logDir = Files.createDirectories(dir.resolve("log"));
        switch (log) {
            case "spark-file" -> spark = fileLog(logDir);
            case "spark-batched" -> spark = new BatchedWriteAheadLog(fileLog(logDir), conf);
            case "lifeboat-local" ->
                lifeboat = Lifeboat.openWriteAheadLog(
                        logDir.toUri(), Map.of("durability", "flush", "max-record-bytes", "1MiB"));
            case "lifeboat-local-sync" ->
                lifeboat = Lifeboat.openWriteAheadLog(
                        logDir.toUri(), Map.of("durability", "sync", "max-record-bytes", "1MiB"));
            default ->
                throw new IllegalArgumentException(
                        "unknown log '" + log + "': spark-file, spark-batched, lifeboat-local or lifeboat-local-sync");
        }
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
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
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
