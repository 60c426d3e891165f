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
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.sql.streaming.Trigger;

/**
 * A Structured Streaming driver, run in its own JVM by the kill tests: a file source read one
 * file per batch (replayable: its offsets are in the checkpoint), a running count and sum per key
 * in Spark's default state store, and an idempotent file sink that writes one file per batch id,
 * put-if-absent; a replayed batch must produce the very same bytes, or the driver fails.
 *
 * <p>Arguments: input folder, checkpoint location, output folder, then {@code key=value} Spark
 * settings, and these for the driver itself: {@code driver.go=FILE} waits, once the session is up,
 * until FILE exists before starting the query (so that two drivers race); {@code
 * driver.batch-delay-ms=N} holds each batch in the sink for N ms. The driver prints {@value
 * #COMMITTED} and the batch id for every batch its query committed.
 */
public final class StreamingDriver {
    /** Printed with the batch id when this driver's query has committed a batch. */
    static final String COMMITTED = "lifeboat-driver committed batch ";

    /** Printed once the session is up, before waiting for the {@code driver.go} file. */
    static final String READY = "lifeboat-driver ready";

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
                .config("spark.sql.streaming.checkpointFileManagerClass", SparkLine.checkpointManager());
        Path go = null;
        long batchDelayMs = 0;
        for (int i = 3; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            String key = args[i].substring(0, eq);
            String value = args[i].substring(eq + 1);
            switch (key) {
                case "driver.go" -> go = Path.of(value);
                case "driver.batch-delay-ms" -> batchDelayMs = Long.parseLong(value);
                default -> builder.config(key, value);
            }
        }
        SparkSession spark = builder.getOrCreate();
        // Progress is reported after the batch's commit entry is written: one line per batch that
        // this driver committed. A trigger that ran no batch (an idle one) has no addBatch time.
        spark.streams().addListener(new StreamingQueryListener() {
            @Override
            public void onQueryStarted(QueryStartedEvent event) {}

            @Override
            public void onQueryProgress(QueryProgressEvent event) {
                if (event.progress().durationMs().containsKey("addBatch")) {
                    System.out.println(COMMITTED + event.progress().batchId());
                }
            }

            @Override
            public void onQueryTerminated(QueryTerminatedEvent event) {}
        });
        if (go != null) {
            System.out.println(READY);
            while (!Files.exists(go)) {
                Thread.sleep(10);
            }
        }
        long delay = batchDelayMs;
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
                    .foreachBatch((VoidFunction2<Dataset<Row>, Long>) (batch, id) -> {
                        writeBatch(output, batch, id);
                        Thread.sleep(delay);
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
