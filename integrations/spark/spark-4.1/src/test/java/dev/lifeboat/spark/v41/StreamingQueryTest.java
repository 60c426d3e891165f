package dev.lifeboat.spark.v41;

import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.spark.internal.CheckpointSettings;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A Structured Streaming query on Spark 4.1 with its checkpoint on the local Lifeboat store
 * through the 4.1 manager, with Spark 4.1's default checksum sidecars on: a file source, a
 * running count and sum per key in the default (HDFS-backed) state store, and a sink that keeps
 * the latest totals. The query runs, stops, and restarts from its checkpoint on more input; the
 * totals after the restart need the state the first run committed.
 */
class StreamingQueryTest {
    private static final String CHECKSUM_KEY = "spark.sql.streaming.checkpoint.fileChecksum.enabled";
    /** Latest totals per key, written by foreachBatch (which runs in this JVM under local[2]). */
    private static final Map<String, String> TOTALS = new ConcurrentHashMap<>();

    private static java.nio.file.Path dir;
    private static SparkSession spark;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("lifeboat-spark41-query");
        spark = SparkSession.builder()
                .master("local[2]")
                .appName("lifeboat-spark41-query")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.sql.streaming.checkpointFileManagerClass", LifeboatCheckpointFileManager.class.getName())
                .config(CheckpointSettings.ROOT, dir.resolve("root").toUri().toString())
                .getOrCreate();
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    @Test
    void restartsFromItsCheckpointWithChecksumSidecars() throws Exception {
        // Spark 4.1 wraps the state store's manager in its checksum manager by default: run under it.
        assertThat(spark.conf().get(CHECKSUM_KEY)).isEqualTo("true");
        java.nio.file.Path input = Files.createDirectories(dir.resolve("input"));
        String checkpoint = dir.resolve("root").resolve("query").toUri().toString();

        Files.writeString(input.resolve("1.txt"), "a,1\nb,2\na,3\n");
        Files.writeString(input.resolve("2.txt"), "b,4\nc,5\n");
        run(input, checkpoint);
        assertThat(new TreeMap<>(TOTALS)).isEqualTo(Map.of("a", "2,4", "b", "2,6", "c", "1,5"));

        TOTALS.clear();
        Files.writeString(input.resolve("3.txt"), "a,10\nc,20\n");
        run(input, checkpoint);
        // Only the keys of the new batch are emitted, with totals that include the first run.
        assertThat(new TreeMap<>(TOTALS)).isEqualTo(Map.of("a", "3,14", "c", "2,25"));

        // Everything went through Lifeboat: nothing of the checkpoint is a plain file on disk.
        assertThat(dir.resolve("root").resolve("query")).doesNotExist();
        Configuration conf = new Configuration(false);
        conf.set(CheckpointSettings.ROOT, dir.resolve("root").toUri().toString());
        Path query = new Path(checkpoint);
        LifeboatCheckpointFileManager manager = new LifeboatCheckpointFileManager(query, conf);
        assertThat(names(manager, new Path(query, "commits"))).containsExactly("0", "1", "2");
        List<String> state = new ArrayList<>();
        for (String partition : names(manager, new Path(query, "state/0"))) {
            if (partition.startsWith("_")) {
                continue; // the operator's metadata, not a partition
            }
            state.addAll(names(manager, new Path(query, "state/0/" + partition)));
        }
        // Each state store file has its checksum sidecar, both stored by the Lifeboat manager.
        assertThat(state).contains("1.delta", "1.delta.crc", "3.delta", "3.delta.crc");

        // A zombie driver re-committing batch 2 is refused, as Spark's metadata log expects.
        OutputStream zombie = manager.createAtomic(new Path(query, "commits/2"), false);
        zombie.write("{}".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(zombie::close).isInstanceOf(FileAlreadyExistsException.class);
        manager.close();
    }

    private static void run(java.nio.file.Path input, String checkpoint) throws Exception {
        Dataset<Row> lines = spark.readStream().option("maxFilesPerTrigger", 1).text(input.toString());
        Dataset<Row> pairs = lines.selectExpr("split(value, ',')[0] AS key", "CAST(split(value, ',')[1] AS LONG) AS v");
        Dataset<Row> totals = pairs.groupBy("key").agg(count(lit(1)).as("n"), sum("v").as("total"));
        StreamingQuery query = totals.writeStream()
                .outputMode("update")
                .trigger(Trigger.AvailableNow())
                .option("checkpointLocation", checkpoint)
                .foreachBatch((VoidFunction2<Dataset<Row>, Long>) (batch, id) -> {
                    for (Row row : batch.collectAsList()) {
                        TOTALS.put(row.getString(0), row.getLong(1) + "," + row.getLong(2));
                    }
                })
                .start();
        query.awaitTermination();
        assertThat(query.exception().isEmpty()).isTrue();
    }

    private static List<String> names(LifeboatCheckpointFileManager manager, Path folder) {
        List<String> names = new ArrayList<>();
        for (FileStatus status : manager.list(folder)) {
            names.add(status.getPath().getName());
        }
        names.sort(null);
        return names;
    }
}
