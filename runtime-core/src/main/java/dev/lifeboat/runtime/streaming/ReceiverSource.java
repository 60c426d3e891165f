package dev.lifeboat.runtime.streaming;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.spi.CorruptDataException;
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
import java.util.List;
import java.util.Map;

/**
 * A receiver-based source: records are pushed in with {@link #receive} and are not replayable by
 * their sender, so each one is written to a write-ahead log (opened by URI) and made durable
 * before {@code receive} returns, which is the acknowledgement. Offsets are the records' LSNs.
 * A restarted driver reopens the log and finds every acknowledged record that is not yet in a
 * committed batch; segments before a committed batch's end are truncated.
 *
 * <p>The log has one writer: only the driver that runs the query (the leader) opens it.
 */
public final class ReceiverSource implements Source {
    private final WriteAheadLog wal;
    private final URI uri;
    private final long nextLsnAtOpen;
    private long nextLsn;

    private ReceiverSource(URI uri, WriteAheadLog wal) {
        this.uri = uri;
        this.wal = wal;
        this.nextLsnAtOpen = wal.recovery().nextLsn();
        this.nextLsn = nextLsnAtOpen;
    }

    /**
     * Opens (and recovers) the receiver's log.
     *
     * @param walUri the write-ahead log, e.g. {@code file:///var/lib/app/receiver-wal}
     * @param options WAL options; {@code durability} should stay {@code sync} (the default) for
     *     acknowledged records to survive a machine crash
     */
    public static ReceiverSource open(URI walUri, Map<String, String> options) throws IOException {
        requireNonNull(walUri, "walUri is null");
        return new ReceiverSource(walUri, Lifeboat.openWriteAheadLog(walUri, Map.copyOf(options)));
    }

    /**
     * Stores one record durably; when this returns the record is acknowledged and will be in the
     * output of a committed batch even if the driver crashes now.
     *
     * @return the record's offset
     */
    public synchronized long receive(String record) throws IOException {
        requireNonNull(record, "record is null");
        RecordHandle h =
                wal.write(ByteBuffer.wrap(record.getBytes(StandardCharsets.UTF_8)), System.currentTimeMillis());
        nextLsn = Math.max(nextLsn, h.lsn() + 1);
        return h.lsn();
    }

    @Override
    public String name() {
        return "receiver " + uri;
    }

    /**
     * The oldest record in the log, or where the log stood when opened: never past a record
     * received after opening (a new query must not skip the first records pushed in while it
     * starts).
     */
    @Override
    public long initialOffset() throws IOException {
        return Math.min(nextLsnAtOpen, wal.first().map(RecordHandle::lsn).orElse(nextLsnAtOpen));
    }

    @Override
    public synchronized long latestOffset() {
        return nextLsn;
    }

    @Override
    public List<String> read(long start, long end) throws IOException {
        Ranges.check(start, end, latestOffset());
        List<String> out = new ArrayList<>((int) (end - start));
        if (start == end) {
            return out;
        }
        try (CloseableIterator<LogRecord> it = wal.replay(RecordHandle.of(start))) {
            long expected = start;
            while (expected < end && it.hasNext()) {
                LogRecord r = it.next();
                if (r.handle().lsn() != expected) {
                    throw new CorruptDataException(
                            uri.toString(),
                            expected,
                            "receiver log is missing record lsn:" + expected + " (found lsn:"
                                    + r.handle().lsn() + "); it was truncated before its batch committed");
                }
                out.add(new String(r.bytes(), StandardCharsets.UTF_8));
                expected++;
            }
            if (expected < end) {
                throw new CorruptDataException(
                        uri.toString(),
                        expected,
                        "receiver log ends at lsn:" + expected + " but the batch needs records up to lsn:" + (end - 1));
            }
        }
        return out;
    }

    @Override
    public void committed(long end) throws IOException {
        wal.truncateBefore(RecordHandle.of(end));
    }

    @Override
    public void close() throws IOException {
        wal.close();
    }
}
