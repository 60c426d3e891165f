package dev.lifeboat.spi.wal;

import dev.lifeboat.spi.Capability;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;

/**
 * Read access to a write-ahead log. A reader can run beside the log's writer (in the same
 * process always; in another process where {@link Capability#WAL_CROSS_PROCESS_READERS} is
 * declared) and sees every record the writer has flushed.
 *
 * <p>Every record is verified (magic, length, LSN, CRC32C) when read. A damaged record followed
 * by more data is reported as {@link dev.lifeboat.spi.CorruptDataException} naming the segment
 * and offset; it is never treated as the end of the log. An incomplete record at the very end
 * of the log (a torn tail) is the end of the log and is reported by {@link #recovery()}.
 *
 * <p>All methods throw {@link IllegalStateException} after {@link #close()}.
 */
public interface WriteAheadLogReader extends AutoCloseable {
    /**
     * Reads one record.
     *
     * @return the record, or empty if it was truncated or has not been written (or flushed) yet
     * @throws dev.lifeboat.spi.CorruptDataException if the stored record fails verification
     * @throws IOException if the storage cannot be read
     */
    Optional<LogRecord> read(RecordHandle handle) throws IOException;

    /**
     * Streams records in LSN order, from {@code from} (inclusive, or the first record after a
     * truncated {@code from}) to the last record visible when each segment is read.
     *
     * <p>A damaged record met while iterating is a {@link dev.lifeboat.spi.CorruptDataException}:
     * thrown as itself by {@link CloseableIterator#hasNextChecked()} and
     * {@link CloseableIterator#nextChecked()}, and as the cause of an
     * {@link java.io.UncheckedIOException} by {@code hasNext()} and {@code next()}.
     *
     * @throws IOException if the storage cannot be listed
     */
    CloseableIterator<LogRecord> replay(RecordHandle from) throws IOException;

    /** Streams every record not yet truncated, in LSN order. */
    default CloseableIterator<LogRecord> replayAll() throws IOException {
        return replay(RecordHandle.of(0));
    }

    /** The oldest record not truncated, or empty if the log holds none. */
    Optional<RecordHandle> first() throws IOException;

    /** The newest visible record, or empty if the log holds none. */
    Optional<RecordHandle> last() throws IOException;

    /** What opening this log found (torn tail, next LSN). */
    RecoveryReport recovery();

    /** The guarantees this log keeps. */
    Set<Capability> capabilities();

    /** Releases resources. Idempotent. */
    @Override
    void close() throws IOException;
}
