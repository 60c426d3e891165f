package dev.lifeboat.backend.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.lifeboat.spi.CorruptDataException;
import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.fault.StorageFaults;
import dev.lifeboat.spi.fault.StoredKind;
import dev.lifeboat.spi.fault.StoredObject;
import dev.lifeboat.spi.wal.WriteAheadLog;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the log does with damaged metadata and lost segments: a damaged head is never acted on,
 * and a deleted newest segment or a missing middle one is corruption that names the segment, never
 * a shorter log.
 */
class AzureWriteAheadLogIntegrityTest {
    @RegisterExtension
    static final Azurite AZURITE = new Azurite();

    private static final int RECORDS = 40;

    /** A log of several segments (small segment size), closed cleanly; returns its root. */
    private static URI logOfSeveralSegments() throws IOException {
        URI root = AZURITE.newRoot();
        try (WriteAheadLog wal = Lifeboat.openWriteAheadLog(root, options())) {
            for (int i = 0; i < RECORDS; i++) {
                wal.write(ByteBuffer.wrap(new byte[1000]), i);
            }
        }
        return root;
    }

    private static Map<String, String> options() {
        Map<String, String> o = new HashMap<>(AZURITE.options());
        o.put("segment-bytes", "8KiB");
        return o;
    }

    private static StorageFaults faults(URI root) throws IOException {
        return new AzureWriteAheadLogProvider().faults(root, options());
    }

    private static List<StoredObject> segments(StorageFaults faults) throws IOException {
        List<StoredObject> s = faults.list(StoredKind.WAL_SEGMENT).stream()
                .filter(o -> o.length() > 0)
                .sorted(Comparator.comparingLong(o -> Long.parseLong(o.key())))
                .toList();
        assertThat(s).as("non-empty segments").hasSizeGreaterThan(2);
        return s;
    }

    private static CorruptDataException expectCorruption(String what, ThrowingCallable call) {
        Throwable t = catchThrowable(call);
        assertThat(t).as(what).isInstanceOf(CorruptDataException.class);
        return (CorruptDataException) t;
    }

    @Test
    void aDamagedHeadIsRefusedAndNothingIsDeleted() throws IOException {
        URI root = logOfSeveralSegments();
        StorageFaults faults = faults(root);
        StoredObject head = faults.list(StoredKind.OTHER).stream()
                .filter(o -> o.name().endsWith("wal/head"))
                .findFirst()
                .orElseThrow();
        List<StoredObject> before = faults.list(StoredKind.WAL_SEGMENT);
        faults.flipByte(head, head.length() / 2);

        CorruptDataException writer = expectCorruption(
                "a writer opening on a damaged head",
                () -> Lifeboat.openWriteAheadLog(root, options()).close());
        assertThat(writer.location()).endsWith("wal/head");
        expectCorruption(
                "a reader opening on a damaged head",
                () -> Lifeboat.openWriteAheadLogReader(root, options()).close());
        assertThat(faults.list(StoredKind.WAL_SEGMENT))
                .as("segments after the refused opens")
                .isEqualTo(before);
    }

    @Test
    void aDeletedNewestSegmentIsCorruptionNamingIt() throws IOException {
        URI root = logOfSeveralSegments();
        StorageFaults faults = faults(root);
        List<StoredObject> segments = segments(faults);
        StoredObject newest = segments.get(segments.size() - 1);
        faults.delete(newest);

        CorruptDataException writer = expectCorruption(
                "a writer opening after the newest segment was deleted",
                () -> Lifeboat.openWriteAheadLog(root, options()).close());
        assertThat(writer.location()).isEqualTo(newest.name());
        CorruptDataException reader = expectCorruption(
                "a reader opening after the newest segment was deleted",
                () -> Lifeboat.openWriteAheadLogReader(root, options()).close());
        assertThat(reader.location()).isEqualTo(newest.name());
    }

    @Test
    void aNewestSegmentCutAtARecordBoundaryIsCorruption() throws IOException {
        URI root = logOfSeveralSegments();
        StorageFaults faults = faults(root);
        List<StoredObject> segments = segments(faults);
        StoredObject newest = segments.get(segments.size() - 1);
        faults.truncate(newest, 0); // the whole segment's records, cut at the first boundary

        CorruptDataException writer = expectCorruption(
                "a writer opening after the newest segment was cut",
                () -> Lifeboat.openWriteAheadLog(root, options()).close());
        assertThat(writer.getMessage()).contains("records were lost");
    }

    @Test
    void aMissingMiddleSegmentIsNamedByWhereItStarts() throws IOException {
        URI root = logOfSeveralSegments();
        StorageFaults faults = faults(root);
        List<StoredObject> segments = segments(faults);
        StoredObject middle = segments.get(1);
        faults.delete(middle);

        try (WriteAheadLog wal = Lifeboat.openWriteAheadLog(root, options())) {
            CorruptDataException e = expectCorruption("replay across the missing segment", () -> {
                try (var records = wal.replay(dev.lifeboat.spi.wal.RecordHandle.of(0))) {
                    while (records.hasNextChecked()) {
                        records.nextChecked();
                    }
                }
            });
            assertThat(e.getMessage())
                    .as("the missing segment is named by the LSN it starts at")
                    .contains("the segment that starts at LSN " + middle.key() + " is missing");
        }
    }
}
