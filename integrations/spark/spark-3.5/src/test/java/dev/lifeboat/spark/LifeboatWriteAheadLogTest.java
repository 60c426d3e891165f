package dev.lifeboat.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.SparkConf;
import org.apache.spark.streaming.util.WriteAheadLog;
import org.apache.spark.streaming.util.WriteAheadLogRecordHandle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Spark write-ahead log classes on the local Lifeboat log, without a running Spark. */
class LifeboatWriteAheadLogTest {
    @TempDir
    Path dir;

    private SparkConf conf() {
        return new SparkConf(false)
                .set(
                        LifeboatDriverWriteAheadLog.URI_KEY,
                        dir.resolve("driver").toUri().toString())
                .set(
                        LifeboatReceiverWriteAheadLog.URI_KEY,
                        dir.resolve("receivers").toUri().toString())
                // Small segments, so that clean() has whole segments to drop.
                .set(LifeboatWriteAheadLog.OPTION_PREFIX + "segment-bytes", "4KiB")
                .set(LifeboatWriteAheadLog.OPTION_PREFIX + "max-record-bytes", "1KiB")
                .set(LifeboatWriteAheadLog.OPTION_PREFIX + "group-commit.max-batch-bytes", "1KiB");
    }

    @Test
    void aRestartedDriverReadsEveryRecordBackAndCleanDropsOldSegments() throws Exception {
        List<String> written = new ArrayList<>();
        WriteAheadLog first = new LifeboatDriverWriteAheadLog(conf());
        for (int i = 0; i < 60; i++) {
            String record = "record-" + i + "-" + "x".repeat(200);
            first.write(bytes(record), 1_000L * i);
            written.add(record);
        }
        first.close();
        first.close(); // idempotent

        WriteAheadLog restarted = new LifeboatDriverWriteAheadLog(conf());
        assertThat(strings(restarted.readAll())).isEqualTo(written);
        restarted.clean(30_000L, true);
        List<String> kept = strings(restarted.readAll());
        assertThat(kept).as("records at or after the threshold are kept").containsAll(written.subList(30, 60));
        assertThat(kept.size()).as("whole old segments are dropped").isLessThan(60);
        assertThat(written).endsWith(kept.toArray(new String[0]));
        restarted.close();
    }

    @Test
    void receiversWriteTheirOwnLogsAndAnyFreshInstanceReadsTheirRecords() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<List<WriteAheadLogRecordHandle>>> futures = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                int receiver = r;
                futures.add(pool.submit(() -> {
                    WriteAheadLog log = new LifeboatReceiverWriteAheadLog(conf());
                    List<WriteAheadLogRecordHandle> handles = new ArrayList<>();
                    for (int i = 0; i < 50; i++) {
                        handles.add(
                                log.write(bytes("receiver-" + receiver + "-block-" + i), System.currentTimeMillis()));
                    }
                    return handles;
                }));
            }
            WriteAheadLog reader = new LifeboatReceiverWriteAheadLog(conf());
            for (int r = 0; r < 2; r++) {
                List<WriteAheadLogRecordHandle> handles = futures.get(r).get();
                for (int i = 0; i < handles.size(); i++) {
                    // Handles travel through Spark's block metadata (serialised) to executors.
                    WriteAheadLogRecordHandle travelled = roundTrip(handles.get(i));
                    assertThat(string(reader.read(travelled))).isEqualTo("receiver-" + r + "-block-" + i);
                }
            }
            assertThat(dir.resolve("receivers")).isDirectory();
            assertThat(dir.resolve("receivers").toFile().list())
                    .as("one log per writing receiver")
                    .hasSize(2);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aMissingLogKeyIsNamed() {
        assertThatThrownBy(() -> new LifeboatDriverWriteAheadLog(new SparkConf(false)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(LifeboatDriverWriteAheadLog.URI_KEY);
        assertThatThrownBy(() -> new LifeboatReceiverWriteAheadLog(
                        new SparkConf(false).set(LifeboatReceiverWriteAheadLog.URI_KEY, "no-scheme/x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no-scheme/x");
    }

    private static WriteAheadLogRecordHandle roundTrip(WriteAheadLogRecordHandle handle) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(handle);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (WriteAheadLogRecordHandle) in.readObject();
        }
    }

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String string(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return new String(out, StandardCharsets.UTF_8);
    }

    private static List<String> strings(Iterator<ByteBuffer> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(b -> out.add(string(b)));
        return out;
    }
}
