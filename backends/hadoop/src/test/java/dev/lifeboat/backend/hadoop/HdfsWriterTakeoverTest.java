package dev.lifeboat.backend.hadoop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.lifeboat.spi.ConcurrentWriterException;
import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.wal.CloseableIterator;
import dev.lifeboat.spi.wal.LogRecord;
import dev.lifeboat.spi.wal.RecordHandle;
import dev.lifeboat.spi.wal.WriteAheadLog;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** How writers of one log on HDFS exclude, take over and fence each other. */
class HdfsWriterTakeoverTest {
    private static MiniHdfs hdfs;

    @BeforeAll
    static void startHdfs() throws IOException {
        hdfs = MiniHdfs.start("takeover", 1, 1);
    }

    @AfterAll
    static void stopHdfs() {
        if (hdfs != null) {
            hdfs.close();
        }
    }

    private static Map<String, String> options(String heartbeat, String takeoverAfter) {
        Map<String, String> o = new HashMap<>(hdfs.options());
        o.put("writer-lock.heartbeat-interval", heartbeat);
        o.put("writer-lock.takeover-after", takeoverAfter);
        return o;
    }

    private static ByteBuffer record(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aWriterThatStoppedRenewingItsLockIsFencedByTheNextOne() throws IOException {
        URI root = hdfs.newRoot("takeover");
        // The first writer renews its lock every 20 s: to the second one it looks dead after 1 s,
        // as a writer stuck in a long pause would.
        WriteAheadLog paused = Lifeboat.openWriteAheadLog(root, options("20s", "40s"));
        for (int i = 0; i < 10; i++) {
            paused.write(record("paused-" + i), i);
        }
        try (WriteAheadLog next = Lifeboat.openWriteAheadLog(root, options("250ms", "1s"))) {
            assertThat(next.recovery().nextLsn())
                    .as("the new writer sees every record the first one synced")
                    .isEqualTo(10);
            Throwable fenced = catchThrowable(() -> paused.write(record("too late"), 10));
            assertThat(fenced)
                    .as("a write of the fenced writer")
                    .isInstanceOf(ConcurrentWriterException.class)
                    .hasMessageContaining("taken over");
            assertThat(next.write(record("next-10"), 10)).isEqualTo(RecordHandle.of(10));
        }
        Throwable unused = catchThrowable(paused::close); // it failed: whatever close says, nothing of it may appear
        try (WriteAheadLog again = Lifeboat.openWriteAheadLog(root, options("250ms", "1s"))) {
            List<String> records = new ArrayList<>();
            try (CloseableIterator<LogRecord> it = again.replayAll()) {
                it.forEachRemaining(r -> records.add(new String(r.bytes(), StandardCharsets.UTF_8)));
            }
            assertThat(records)
                    .hasSize(11)
                    .startsWith("paused-0")
                    .endsWith("next-10")
                    .doesNotContain("too late");
        }
    }

    @Test
    void aLiveWriterIsRefusedAndAClosedOneLeavesNoLock() throws IOException {
        URI root = hdfs.newRoot("takeover");
        Map<String, String> options = options("250ms", "30s");
        try (WriteAheadLog first = Lifeboat.openWriteAheadLog(root, options)) {
            first.write(record("a"), 0);
            assertThatThrownBy(() -> Lifeboat.openWriteAheadLog(root, options).close())
                    .isInstanceOf(ConcurrentWriterException.class)
                    .hasMessageContaining("live writer")
                    .hasMessageContaining("writer-lock.takeover-after");
        }
        try (FileSystem fs = FileSystem.newInstance(hdfs.uri(), hdfs.cluster().getConfiguration(0))) {
            assertThat(fs.exists(new Path(root.getPath(), "writer.lock")))
                    .as("lock left by a closed writer")
                    .isFalse();
        }
        try (WriteAheadLog second = Lifeboat.openWriteAheadLog(root, options)) {
            assertThat(second.recovery().nextLsn()).isEqualTo(1);
        }
    }
}
