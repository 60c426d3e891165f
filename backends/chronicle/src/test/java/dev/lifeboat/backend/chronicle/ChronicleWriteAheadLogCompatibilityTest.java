package dev.lifeboat.backend.chronicle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.compat.WriteAheadLogContract;
import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.fault.StorageFaults;
import dev.lifeboat.spi.fault.StoredKind;
import dev.lifeboat.spi.fault.StoredObject;
import dev.lifeboat.spi.wal.RecordHandle;
import dev.lifeboat.spi.wal.RecoveryReport;
import dev.lifeboat.spi.wal.WriteAheadLog;
import dev.lifeboat.spi.wal.WriteAheadLogProvider;
import dev.lifeboat.spi.wal.WriteAheadLogReader;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Chronicle write-ahead log passes the compatibility kit. One test is overridden: the kit's
 * torn-tail test cuts a segment file at every offset of its last record and expects the torn
 * tail to end at the cut. A Chronicle cycle file is preallocated and mapped whole, so a cut reads
 * as zeros up to the file's unchanged size, and Chronicle writes an excerpt's length header in
 * front of its bytes. The torn tail found is therefore the whole last excerpt, reported from its
 * header to its end, and a writer cuts it off by moving to a new cycle file instead of shortening
 * this one. The override asserts exactly that, at every offset of the last record.
 */
class ChronicleWriteAheadLogCompatibilityTest extends WriteAheadLogContract {
    /** Chronicle's excerpt header plus our frame header. */
    private static final int EXCERPT_OVERHEAD = 4 + 32;

    @TempDir
    Path dir;

    @Override
    protected WriteAheadLogProvider provider() {
        return new ChronicleWriteAheadLogProvider();
    }

    @Override
    protected URI newRoot() {
        return URI.create(
                "chronicle://" + dir.resolve(UUID.randomUUID().toString()).toAbsolutePath());
    }

    /**
     * Deviation, documented in docs/backends/chronicle.md: the torn tail starts at the Chronicle
     * header of the torn record and covers its whole excerpt (at least up to the cut), and the
     * writer continues in a new cycle file. Everything else is as in the kit: a reader reports
     * the torn tail and changes nothing, a writer reports and cuts it, keeps exactly the earlier
     * records and reuses the torn record's LSN, and opening again is clean.
     */
    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    @Override
    public void tornTailAtEveryOffsetOfTheLastRecordIsCutOff() throws IOException {
        URI root = newRoot();
        Map<String, String> opts = Map.of("segment-bytes", "1MiB");
        StorageFaults faults = faults(root, opts);
        List<byte[]> earlier = List.of(record(0, 100), record(1, 100), record(2, 100));
        byte[] last = record(3, 61);
        try (WriteAheadLog wal = openLog(root, opts)) {
            for (int i = 0; i < earlier.size(); i++) {
                wal.append(ByteBuffer.wrap(earlier.get(i)), TS + i);
            }
        }
        int excerpt = EXCERPT_OVERHEAD + last.length;
        List<Integer> offsets = cutOffsets(excerpt);
        int cuts = 0;
        for (int k : offsets) {
            try (WriteAheadLog wal = openLog(root, opts)) {
                assertThat(wal.recovery().tornTail())
                        .as("reopening after the torn tail before cut %d was cut off", k)
                        .isEmpty();
                assertRecords(wal, 0, earlier);
                assertThat(wal.write(ByteBuffer.wrap(last), TS + 3)).isEqualTo(RecordHandle.of(earlier.size()));
            }
            StoredObject segment = segmentWith(faults);
            long start = segment.length() - excerpt;
            long cut = start + k;
            faults.truncate(segment, cut);
            List<StoredObject> damaged = faults.list(StoredKind.WAL_SEGMENT);
            byte[] bytes = around(segment, start);
            try (WriteAheadLogReader reader = Lifeboat.openWriteAheadLogReader(root, optionsWith(opts))) {
                assertTorn(reader.recovery(), segment, start, cut);
                assertRecords(reader, 0, earlier);
            }
            assertThat(faults.list(StoredKind.WAL_SEGMENT))
                    .as("a reader changes nothing in storage")
                    .isEqualTo(damaged);
            assertThat(around(segment, start))
                    .as("a reader changes no byte near the torn tail")
                    .isEqualTo(bytes);
            try (WriteAheadLog wal = openLog(root, opts)) {
                assertTorn(wal.recovery(), segment, start, cut);
                assertThat(wal.recovery().nextLsn()).isEqualTo(earlier.size());
                assertRecords(wal, 0, earlier);
            }
            cuts++;
        }
        try (WriteAheadLog wal = openLog(root, opts)) {
            assertThat(wal.recovery()).isEqualTo(RecoveryReport.clean(earlier.size()));
            wal.write(ByteBuffer.wrap(last), TS + 3);
        }
        try (WriteAheadLogReader reader = Lifeboat.openWriteAheadLogReader(root, optionsWith(opts))) {
            List<byte[]> all = new ArrayList<>(earlier);
            all.add(last);
            assertRecords(reader, 0, all);
        }
        assertThat(cuts).as("offsets cut inside the last record's excerpt").isEqualTo(offsets.size());
    }

    /**
     * Every offset of both headers (Chronicle's 4 bytes and the frame's 32) and the first payload
     * bytes, then every 7th payload byte and the last one: each cut leaves one more cycle file
     * behind, so cutting at all offsets would cost minutes without covering another case.
     */
    private static List<Integer> cutOffsets(int excerpt) {
        List<Integer> offsets = new ArrayList<>();
        for (int k = 0; k < excerpt; k++) {
            if (k < EXCERPT_OVERHEAD + 4 || k % 7 == 0 || k == excerpt - 1) {
                offsets.add(k);
            }
        }
        return offsets;
    }

    private static final long TS = 1_700_000_000_000L;

    private static void assertTorn(RecoveryReport report, StoredObject segment, long start, long cut) {
        Optional<RecoveryReport.TornTail> torn = report.tornTail();
        assertThat(torn)
                .as("the torn tail of a log cut at %d of %s", cut, segment.name())
                .isPresent();
        assertThat(torn.get().segment()).isEqualTo(segment.name());
        assertThat(torn.get().offset())
                .as("the torn tail starts at the torn excerpt's header")
                .isEqualTo(start);
        assertThat(torn.get().offset() + torn.get().discardedBytes())
                .as("the torn tail reaches past the cut")
                .isGreaterThanOrEqualTo(cut);
    }

    /** The bytes of the cycle file from 64 KiB before {@code position} to 1 MiB after it (files are sparse and large). */
    private static byte[] around(StoredObject segment, long position) throws IOException {
        try (FileChannel ch = FileChannel.open(Path.of(segment.name()), StandardOpenOption.READ)) {
            long from = Math.max(0, position - (64 << 10));
            ByteBuffer buf = ByteBuffer.allocate((int) Math.min(ch.size() - from, (64 << 10) + (1 << 20)));
            while (buf.hasRemaining() && ch.read(buf, from + buf.position()) > 0) {
                // read on
            }
            return buf.array();
        }
    }

    /** The newest cycle file that holds a record. */
    private static StoredObject segmentWith(StorageFaults faults) throws IOException {
        List<StoredObject> segments = faults.list(StoredKind.WAL_SEGMENT);
        for (int i = segments.size() - 1; i >= 0; i--) {
            if (segments.get(i).length() > 0) {
                return segments.get(i);
            }
        }
        throw new AssertionError("no cycle file holds a record: " + segments);
    }
}
