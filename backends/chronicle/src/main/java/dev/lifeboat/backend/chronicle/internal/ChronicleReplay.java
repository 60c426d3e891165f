package dev.lifeboat.backend.chronicle.internal;

import dev.lifeboat.backend.common.wal.RecordFrame;
import dev.lifeboat.spi.wal.CloseableIterator;
import dev.lifeboat.spi.wal.LogRecord;
import dev.lifeboat.spi.wal.RecordHandle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.zip.CRC32C;
import net.openhft.chronicle.queue.ExcerptTailer;

/**
 * Streams records in LSN order with a tailer of its own; a torn tail ends a cycle's records (a
 * writer continued at the same LSN in the next cycle). Registered with the storage while open,
 * so that closing the storage closes its tailer.
 */
final class ChronicleReplay implements CloseableIterator<LogRecord> {
    private final ChronicleRecords records;
    private final Set<ChronicleReplay> open;
    private final String directory;
    private final ExcerptTailer tailer;
    private final CRC32C crc = new CRC32C();
    private final ByteBuffer header = ByteBuffer.allocate(RecordFrame.HEADER_BYTES);
    private final ChronicleRecords.Step step = new ChronicleRecords.Step();
    private long expected;
    private LogRecord next;
    private boolean done;

    /**
     * @param open the storage's open replays, to which the storage adds this one; it removes
     *     itself when closed
     */
    ChronicleReplay(ChronicleCycles cycles, ChronicleRecords records, Set<ChronicleReplay> open, long fromLsn)
            throws IOException {
        this.records = records;
        this.open = open;
        this.directory = cycles.directory().toString();
        ExcerptTailer t = null;
        try {
            t = cycles.queue().createTailer();
            t.singleThreadedCheckDisabled(true);
            Optional<RecordHandle> first = records.first();
            if (first.isEmpty()) {
                done = true;
            } else {
                long from = Math.max(fromLsn, first.get().lsn());
                Optional<long[]> at = records.locate(from);
                if (at.isEmpty() || !t.moveToIndex(cycles.rollCycle().toIndex((int) at.get()[0], at.get()[1]))) {
                    done = true;
                }
                expected = from;
            }
        } catch (RuntimeException e) {
            if (t != null) {
                t.close();
            }
            throw ChronicleCycles.failure("starting a replay of " + directory, e);
        }
        this.tailer = t;
    }

    @Override
    public boolean hasNext() {
        if (next != null) {
            return true;
        }
        if (done) {
            return false;
        }
        if (records.isClosed()) {
            throw new IllegalStateException("the write-ahead log is closed");
        }
        try {
            while (true) {
                boolean present;
                try {
                    present = records.readRecord(tailer, expected, crc, header, step);
                } catch (RuntimeException ex) {
                    throw ChronicleCycles.failure("replaying " + directory, ex);
                }
                if (!present) {
                    done = true;
                    return false;
                }
                if (step.record != null) {
                    next = step.record;
                    step.record = null;
                    expected++;
                    return true;
                }
                ChronicleRecords.Verified v = records.verify(step.excerpt, expected, crc);
                step.excerpt = null;
                if (v.record().isPresent()) {
                    next = v.record().get();
                    expected++;
                    return true;
                }
                // A torn tail cut off earlier: the next cycle continues at the same LSN.
            }
        } catch (IOException ex) {
            done = true;
            throw new UncheckedIOException(ex);
        }
    }

    @Override
    public LogRecord next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        LogRecord r = next;
        next = null;
        return r;
    }

    @Override
    public void close() {
        if (open.remove(this)) {
            try {
                tailer.close();
            } catch (RuntimeException e) {
                // Closed with the queue already.
            }
        }
        done = true;
    }
}
