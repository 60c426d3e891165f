package dev.lifeboat.spark.example;

import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;

/**
 * The example's Spark driver: a Structured Streaming query whose checkpoint is on the embedded
 * local Lifeboat store. It reads an input folder one file per batch, keeps a running count and sum
 * per key in Spark's default state store, and writes each batch's updated rows to
 * {@code batch-ID.csv}, put-if-absent (a replayed batch must produce the very same bytes).
 *
 * <p>The two settings a Spark user adds are the two {@code config} lines marked below.
 *
 * <p>Arguments: input folder, checkpoint folder, output folder.
 */
public final class ExampleQuery {
    /** Printed, with the batch id and " written", when a batch has reached the sink. */
    static final String WRITTEN = "example query: batch ";

    private ExampleQuery() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            throw new IllegalArgumentException(
                    "arguments: input folder, checkpoint folder, output folder; got " + Arrays.toString(args));
        }
        String input = Path.of(args[0]).toUri().toString();
        String checkpoint = Path.of(args[1]).toUri().toString();
        Path output = Path.of(args[2]);
        SparkSession spark = SparkSession.builder()
                .master("local[2]")
                .appName("lifeboat-spark-example")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2")
                // Lifeboat: Spark's checkpoint files become Lifeboat checkpoints, committed
                // put-if-absent on the store under this root (file: is the embedded local store).
                .config(
                        "spark.sql.streaming.checkpointFileManagerClass",
                        "dev.lifeboat.spark.LifeboatCheckpointFileManager")
                .config("spark.lifeboat.checkpoint.root", checkpoint)
                .getOrCreate();
        spark.sparkContext().setLogLevel("ERROR");
        int status = 0;
        try {
            Dataset<Row> lines =
                    spark.readStream().option("maxFilesPerTrigger", 1).text(input);
            Dataset<Row> pairs =
                    lines.selectExpr("split(value, ',')[0] AS key", "CAST(split(value, ',')[1] AS LONG) AS v");
            Dataset<Row> totals = pairs.groupBy("key").agg(count(lit(1)).as("n"), sum("v").as("total"));
            StreamingQuery query = totals.writeStream()
                    .outputMode("update")
                    .trigger(Trigger.AvailableNow())
                    .option("checkpointLocation", checkpoint + "/query")
                    .foreachBatch((VoidFunction2<Dataset<Row>, Long>) (batch, id) -> {
                        writeBatch(output, batch, id);
                        System.out.println(WRITTEN + id + " written");
                        // Slow enough that the kill lands while the query is running.
                        Thread.sleep(500);
                    })
                    .start();
            query.awaitTermination();
        } catch (Exception e) {
            e.printStackTrace();
            status = 2;
        } finally {
            spark.stop();
        }
        System.exit(status);
    }

    private static void writeBatch(Path output, Dataset<Row> batch, long id) throws IOException {
        List<String> rows = new ArrayList<>();
        for (Row row : batch.collectAsList()) {
            rows.add(row.getString(0) + "," + row.getLong(1) + "," + row.getLong(2));
        }
        rows.sort(null);
        byte[] content = (String.join("\n", rows) + "\n").getBytes(StandardCharsets.UTF_8);
        Path target = output.resolve("batch-" + id + ".csv");
        Path temp = Files.createTempFile(output, ".batch-" + id, ".tmp");
        Files.write(temp, content);
        try {
            Files.createLink(target, temp);
        } catch (FileAlreadyExistsException e) {
            if (!Arrays.equals(Files.readAllBytes(target), content)) {
                throw new IllegalStateException("batch " + id + " replayed with different output", e);
            }
        } finally {
            Files.delete(temp);
        }
    }
}
