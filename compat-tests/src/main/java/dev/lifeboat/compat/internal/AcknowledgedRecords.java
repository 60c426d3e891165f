package dev.lifeboat.compat.internal;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The write-ahead log workload of the fault tests that put {@link FaultProxy} between a backend
 * and its server: records named {@code record-<n>} appended the way an application would (a log
 * that failed is closed and reopened), and the check that every acknowledged record is present
 * exactly once, at its acknowledged LSN. Not API.
 */
public final class AcknowledgedRecords {
    private AcknowledgedRecords() {}

    /**
     * Appends records {@code from..to-1} in groups of six with {@code appendAsync}, reopening the log
     * whenever it fails, and records each acknowledged record's LSN in {@code acknowledged}.
     *
     * @return {@code to}
     */
    public static int appendWithReopen(
            URI root, Map<String, String> options, int from, int to, Map<String, Long> acknowledged) throws Exception {
        int next = from;
        while (next < to) {
            try (WriteAheadLog wal = Lifeboat.openWriteAheadLog(root, options)) {
                boolean failed = false;
                while (next < to && !failed) {
                    List<CompletableFuture<RecordHandle>> batch = new ArrayList<>();
                    List<String> names = new ArrayList<>();
                    for (int i = 0; i < 6 && next < to; i++, next++) {
                        String name = "record-" + next;
                        names.add(name);
                        batch.add(wal.appendAsync(ByteBuffer.wrap(name.getBytes(StandardCharsets.UTF_8)), next));
                    }
                    for (int i = 0; i < batch.size(); i++) {
                        try {
                            acknowledged.put(
                                    names.get(i),
                                    batch.get(i).get(30, TimeUnit.SECONDS).lsn());
                        } catch (ExecutionException e) {
                            assertThat(e.getCause())
                                    .as("a failed append fails with an IOException")
                                    .isInstanceOf(IOException.class);
                            failed = true; // the log failed: reopen it, as an application would
                        }
                    }
                }
            } catch (IOException e) {
                // closing (or flushing) a failed log reports its failure
            }
        }
        return next;
    }

    /**
     * Replays the log: its LSNs are dense, no record appears twice, every acknowledged record is at
     * its acknowledged LSN, and at least {@code atLeast} records were acknowledged.
     */
    public static void assertEachPresentOnceAtItsLsn(
            URI root, Map<String, String> options, Map<String, Long> acknowledged, int atLeast) throws IOException {
        try (WriteAheadLog wal = Lifeboat.openWriteAheadLog(root, options)) {
            Map<String, Long> found = new HashMap<>();
            long expected = 0;
            try (CloseableIterator<LogRecord> it = wal.replayAll()) {
                while (it.hasNext()) {
                    LogRecord r = it.next();
                    assertThat(r.handle().lsn()).as("LSNs are dense").isEqualTo(expected++);
                    String name = new String(r.bytes(), StandardCharsets.UTF_8);
                    assertThat(found.put(name, r.handle().lsn()))
                            .as("%s appears once", name)
                            .isNull();
                }
            }
            for (Map.Entry<String, Long> ack : acknowledged.entrySet()) {
                assertThat(found.get(ack.getKey()))
                        .as("acknowledged %s at its LSN", ack.getKey())
                        .isEqualTo(ack.getValue());
            }
            assertThat(acknowledged.size()).as("records acknowledged").isGreaterThan(atLeast);
        }
    }
}
