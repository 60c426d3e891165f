package dev.lifeboat.benchmarks.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import scala.Tuple2;

/**
 * One {@code groupByKey} shuffle of generated records (16 map x 16 reduce partitions, Kryo, in
 * {@code local[2]}) through Spark's default sort shuffle ({@code spark-sort}, files in
 * {@code spark.local.dir}) and through the Lifeboat shuffle on a local store in the same
 * directory ({@code lifeboat-local}). The records are generated inside the map tasks, so both
 * pay the same for them. One op = one whole job; MiB/s = {@code mib} / seconds per op.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(
        value = 1,
        jvmArgsAppend = {
            "-Xmx3g",
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
public class SparkShuffleBenchmark {
    private static final int PARTITIONS = 16;
    private static final int VALUE_BYTES = 92;

    /** spark-sort (Spark's default shuffle) or lifeboat-local (the Lifeboat shuffle on a local store). */
    @Param({"spark-sort", "lifeboat-local"})
    public String shuffle;

    /** Serialised map output in MiB (about, before compression). */
    @Param({"256"})
    public int mib;

    private Path dir;
    private JavaSparkContext sc;
    private JavaPairRDD<Integer, byte[]> records;

    @Setup
    public void setUp() throws IOException {
        Path base = Path.of(System.getProperty("lifeboat.bench.dir", System.getProperty("java.io.tmpdir")));
        Files.createDirectories(base);
        dir = Files.createTempDirectory(base, "spark-shuffle-");
        SparkConf conf = new SparkConf()
                .setMaster("local[2]")
                .setAppName("SparkShuffleBenchmark")
                .set("spark.ui.enabled", "false")
                .set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .set("spark.local.dir", dir.resolve("spark-local").toString());
        if (shuffle.equals("lifeboat-local")) {
            conf.set("spark.shuffle.manager", "dev.lifeboat.spark.LifeboatShuffleManager")
                    .set("spark.shuffle.sort.io.plugin.class", "dev.lifeboat.spark.LifeboatShuffleDataIO")
                    .set(
                            "spark.lifeboat.shuffle.store",
                            dir.resolve("lifeboat").toUri().toString());
        } else if (!shuffle.equals("spark-sort")) {
            throw new IllegalArgumentException("unknown shuffle " + shuffle);
        }
        sc = new JavaSparkContext(conf);
        sc.setLogLevel("WARN");
        long perMap = (long) mib * 1024 * 1024 / PARTITIONS / (VALUE_BYTES + 8);
        List<Integer> maps = IntStream.range(0, PARTITIONS).boxed().toList();
        records = sc.parallelize(maps, PARTITIONS).mapPartitionsToPair(it -> generate(it, perMap));
    }

    private static Iterator<Tuple2<Integer, byte[]>> generate(Iterator<Integer> maps, long count) {
        int map = maps.next();
        Random random = new Random(map);
        return new Iterator<>() {
            private long left = count;

            @Override
            public boolean hasNext() {
                return left > 0;
            }

            @Override
            public Tuple2<Integer, byte[]> next() {
                left--;
                byte[] value = new byte[VALUE_BYTES];
                random.nextBytes(value);
                return new Tuple2<>(random.nextInt(1 << 20), value);
            }
        };
    }

    @TearDown
    public void tearDown() throws IOException {
        sc.stop();
        try (Stream<Path> files = Files.walk(dir)) {
            List<Path> all =
                    new ArrayList<>(files.sorted(Comparator.reverseOrder()).toList());
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Benchmark
    public long groupByKey() {
        return records.groupByKey(PARTITIONS).count();
    }
}
