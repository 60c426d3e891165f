package dev.lifeboat.benchmarks.spark;

import dev.lifeboat.spark.test.ServerJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
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
import scala.Tuple2;

/**
 * One {@code groupByKey} shuffle of generated records (16 map x 16 reduce partitions, Kryo, in
 * {@code local[2]}) through Spark's default sort shuffle ({@code spark-sort}, files in
 * {@code spark.local.dir}) and through the Lifeboat shuffle on a local store in the same
 * directory ({@code lifeboat-local}), on HDFS ({@code lifeboat-hdfs}: a MiniDFSCluster with one
 * datanode, replication 1) and on S3 ({@code lifeboat-s3}: S3Proxy on a file system blob store).
 * Both servers run in their own JVM on this machine, on the same disk: they measure the client
 * path and its round trips, not HDFS or S3 in production. The records are generated inside the
 * map tasks, so every shuffle pays the same for them. One op = one whole job; MiB/s = {@code mib}
 * / seconds per op. With {@code lifeboat-s3}, each op prints the S3 requests it sent, by kind.
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

    /**
     * spark-sort (Spark's default shuffle), or the Lifeboat shuffle on a store: lifeboat-local,
     * lifeboat-hdfs or lifeboat-s3.
     */
    @Param({"spark-sort", "lifeboat-local", "lifeboat-hdfs", "lifeboat-s3"})
    public String shuffle;

    /** Serialised map output in MiB (about, before compression). */
    @Param({"256"})
    public int mib;

    /** The bucket S3Proxy is started with, and its keys. */
    private static final String BUCKET = "lifeboat-bench";

    private static final String ACCESS_KEY = "lifeboat-bench-access";
    private static final String SECRET_KEY = "lifeboat-bench-secret";

    private Path dir;
    private ServerJvm server;
    private JavaSparkContext sc;
    private JavaPairRDD<Integer, byte[]> records;

    @Setup(Level.Trial)
    public void setUp() throws IOException, InterruptedException {
        Path base = Path.of(System.getProperty("lifeboat.bench.dir", System.getProperty("java.io.tmpdir")));
        Files.createDirectories(base);
        dir = Files.createTempDirectory(base, "spark-shuffle-");
        SparkConf conf = new SparkConf()
                .setMaster("local[2]")
                .setAppName("SparkShuffleBenchmark")
                .set("spark.ui.enabled", "false")
                .set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .set("spark.local.dir", dir.resolve("spark-local").toString());
        String option = "spark.lifeboat.shuffle.option.";
        switch (shuffle) {
            case "spark-sort" -> {}
            case "lifeboat-local" ->
                lifeboat(conf, dir.resolve("lifeboat").toUri().toString());
            case "lifeboat-hdfs" -> {
                server = ServerJvm.miniDfs(dir, List.of());
                lifeboat(conf, server.uri() + "/shuffle");
                // As the other HDFS benchmarks: replication 1 (one datanode), and a client that
                // asks the namenode again after 20 ms, not 400 ms, whether a closed file's last
                // block has arrived.
                conf.set(option + "hadoop.dfs.replication", "1")
                        .set(option + "hadoop.dfs.client.block.write.locateFollowingBlock.initial.delay.ms", "20");
            }
            case "lifeboat-s3" -> {
                server = ServerJvm.s3Proxy(dir, ACCESS_KEY, SECRET_KEY, List.of(BUCKET), List.of());
                lifeboat(conf, "s3://" + BUCKET + "/shuffle");
                conf.set(option + "endpoint", server.uri().toString())
                        .set(option + "path-style", "true")
                        .set(option + "region", "us-east-1")
                        .set(option + "access-key", ACCESS_KEY)
                        .set(option + "secret-key", SECRET_KEY);
            }
            default ->
                throw new IllegalArgumentException(
                        "unknown shuffle '" + shuffle + "': spark-sort, lifeboat-local, lifeboat-hdfs or lifeboat-s3");
        }
        sc = new JavaSparkContext(conf);
        sc.setLogLevel("WARN");
        long perMap = (long) mib * 1024 * 1024 / PARTITIONS / (VALUE_BYTES + 8);
        List<Integer> maps = IntStream.range(0, PARTITIONS).boxed().toList();
        records = sc.parallelize(maps, PARTITIONS).mapPartitionsToPair(it -> generate(it, perMap));
    }

    private static void lifeboat(SparkConf conf, String store) {
        conf.set("spark.shuffle.manager", "dev.lifeboat.spark.LifeboatShuffleManager")
                .set("spark.shuffle.sort.io.plugin.class", "dev.lifeboat.spark.LifeboatShuffleDataIO")
                .set("spark.lifeboat.shuffle.store", store);
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

    /** Counts only this op's S3 requests (the generated records cost none). */
    @Setup(Level.Iteration)
    public void startCounting() {
        S3Requests.takeCounts();
    }

    /**
     * Prints this op's S3 requests: its map outputs' PUTs, its reducers' GETs, and the DELETEs of
     * earlier jobs' shuffles that Spark's context cleaner removed meanwhile.
     */
    @TearDown(Level.Iteration)
    public void printRequests() {
        Map<String, Long> counts = S3Requests.takeCounts();
        if (shuffle.equals("lifeboat-s3")) {
            System.out.println("S3 requests of this job (" + PARTITIONS + " map x " + PARTITIONS
                    + " reduce partitions): " + counts);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        sc.stop();
        if (server != null) {
            server.close();
        }
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
