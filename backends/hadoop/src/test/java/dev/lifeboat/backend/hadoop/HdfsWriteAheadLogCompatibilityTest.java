package dev.lifeboat.backend.hadoop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.compat.WriteAheadLogContract;
import dev.lifeboat.spi.wal.CloseableIterator;
import dev.lifeboat.spi.wal.LogRecord;
import dev.lifeboat.spi.wal.WriteAheadLog;
import dev.lifeboat.spi.wal.WriteAheadLogProvider;
import dev.lifeboat.spi.wal.WriteAheadLogReader;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The write-ahead log kit against a real HDFS. Every test runs; none is skipped: the provider
 * declares every WAL capability. A dead writer is taken over after 2 s of silence (default 10 s)
 * to keep the crash tests short.
 */
class HdfsWriteAheadLogCompatibilityTest extends WriteAheadLogContract {
    private static MiniHdfs hdfs;

    @BeforeAll
    static void startHdfs() throws IOException {
        hdfs = MiniHdfs.start("wal", 1, 1);
    }

    @AfterAll
    static void stopHdfs() {
        if (hdfs != null) {
            hdfs.close();
        }
    }

    @Override
    protected WriteAheadLogProvider provider() {
        return new HadoopWriteAheadLogProvider();
    }

    @Override
    protected URI newRoot() {
        return hdfs.newRoot("wal");
    }

    @Override
    protected Map<String, String> options() {
        Map<String, String> o = new HashMap<>(hdfs.options());
        o.put("writer-lock.heartbeat-interval", "250ms");
        o.put("writer-lock.takeover-after", "2s");
        return o;
    }

    /**
     * Writers lead group-commit batches in their own threads, so an interrupt can land while a
     * leader waits in {@code hsync} for the pipeline's acknowledgement. The log repeats the call:
     * interrupting writers never fails the log, and every acknowledged record is kept.
     */
    @Test
    void interruptingWritersNeverFailsTheLogAndKeepsEveryAcknowledgedRecord() throws Exception {
        URI root = newRoot();
        int threads = 4;
        int perThread = 100;
        List<List<Long>> acked = new ArrayList<>();
        Map<String, String> options = new HashMap<>(options());
        options.put("durability", "sync");
        try (WriteAheadLog wal = provider().open(root, options)) {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> writers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                List<Long> mine = new ArrayList<>();
                acked.add(mine);
                Thread writer = new Thread(() -> {
                    for (int s = 0; s < perThread; s++) {
                        try {
                            mine.add(wal.write(ByteBuffer.allocate(300), TS).lsn());
                        } catch (InterruptedIOException e) {
                            Thread.interrupted(); // stopped waiting for another thread's batch: not acknowledged
                        } catch (Throwable e) {
                            failure.compareAndSet(null, e);
                            return;
                        }
                        Thread.interrupted();
                    }
                });
                writers.add(writer);
                writer.start();
            }
            Random random = new Random(7);
            while (writers.stream().anyMatch(Thread::isAlive)) {
                writers.get(random.nextInt(threads)).interrupt();
                Thread.sleep(1);
            }
            for (Thread writer : writers) {
                writer.join();
            }
            assertThat(failure.get()).as("a writer failed").isNull();
            assertThat(wal.write(ByteBuffer.allocate(300), TS))
                    .as("the log still writes")
                    .isNotNull();
        }
        List<Long> all = acked.stream().flatMap(List::stream).toList();
        assertThat(all).as("acknowledged records").isNotEmpty();
        Set<Long> found = new HashSet<>();
        try (WriteAheadLogReader reader = provider().openReader(root, options());
                CloseableIterator<LogRecord> it = reader.replayAll()) {
            long expected = 0;
            while (it.hasNext()) {
                LogRecord r = it.next();
                assertThat(r.handle().lsn()).isEqualTo(expected++);
                found.add(r.handle().lsn());
            }
        }
        assertThat(found).containsAll(all);
    }
}
