package dev.lifeboat.spark;

import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;

/**
 * A Structured Streaming driver, run in its own JVM by the kill tests: a file source read one
 * file per batch (replayable: its offsets are in the checkpoint), a running count and sum per key
 * in Spark's default state store, and an idempotent file sink that writes one file per batch id,
 * put-if-absent; a replayed batch must produce the very same bytes, or the driver fails.
 *
 * <p>Arguments: input folder, checkpoint location, output folder, then {@code key=value} Spark
 * settings.
 */
public final class StreamingDriver {
    private StreamingDriver() {}

    public static void main(String[] args) throws Exception {
        String input = args[0];
        String checkpoint = args[1];
        Path output = Path.of(args[2]);
        SparkSession.Builder builder = SparkSession.builder()
                .master("local[2]")
                .appName("lifeboat-streaming-driver")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2")
                .config(
                        "spark.sql.streaming.checkpointFileManagerClass",
                        LifeboatCheckpointFileManager.class.getName());
        for (int i = 3; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            builder.config(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        SparkSession spark = builder.getOrCreate();
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
                    .option("checkpointLocation", checkpoint)
                    .foreachBatch((VoidFunction2<Dataset<Row>, Long>) (batch, id) -> writeBatch(output, batch, id))
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
            byte[] earlier = Files.readAllBytes(target);
            if (!java.util.Arrays.equals(earlier, content)) {
                throw new IllegalStateException("batch " + id + " replayed with different output:\n"
                        + new String(earlier, StandardCharsets.UTF_8) + "\nthen\n"
                        + new String(content, StandardCharsets.UTF_8));
            }
        } finally {
            Files.delete(temp);
        }
    }
}
