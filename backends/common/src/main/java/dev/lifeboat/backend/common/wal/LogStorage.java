package dev.lifeboat.backend.common.wal;

import dev.lifeboat.spi.wal.CloseableIterator;
import dev.lifeboat.spi.wal.Durability;
import dev.lifeboat.spi.wal.LogRecord;
import dev.lifeboat.spi.wal.RecordHandle;
import dev.lifeboat.spi.wal.RecoveryReport;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

/**
 * What a backend implements to get a complete {@link dev.lifeboat.spi.wal.WriteAheadLog} from
 * {@link GroupCommitWriteAheadLog}: storage of framed records in segments. Group commit, LSN
 * assignment, futures, back-pressure and the closed state are handled once, in common code.
 *
 * <p>Threading: {@link #write} and {@link #persist} are called by one thread at a time, the writer
 * leading the current group-commit batch, which may be a different application thread each time
 * (hand-offs between them go through a lock, so plain fields are safely published). That thread
 * may be interrupted during the call: its interrupt status is cleared before the call, and an
 * implementation whose calls an interrupt breaks (a {@code FileChannel} closes itself) should
 * reopen and repeat them rather than fail the log. Reads and truncation may be called from any
 * thread concurrently with them.
 */
public interface LogStorage extends Closeable {
    /** What opening the storage found: the next LSN and any torn tail cut off. */
    RecoveryReport recovery();

    /**
     * Appends frames encoded by {@link RecordFrame}, with consecutive LSNs starting at the
     * storage's next LSN. May roll to a new segment before or between frames; never splits a
     * frame across segments.
     *
     * @param frames encoded frames, each a whole record; their buffers are reused for later
     *     records once this returns, so an implementation copies what it keeps
     * @param firstLsn the LSN of the first frame
     * @param newestTimestamp the newest timestamp among the frames (for time-based truncation)
     */
    void write(List<ByteBuffer> frames, long firstLsn, long newestTimestamp) throws IOException;

    /** Makes everything written so far durable at {@code level} ({@link Durability#FLUSH} or stronger). */
    void persist(Durability level) throws IOException;

    Optional<LogRecord> read(long lsn) throws IOException;

    CloseableIterator<LogRecord> replay(long fromLsn) throws IOException;

    Optional<RecordHandle> first() throws IOException;

    Optional<RecordHandle> last() throws IOException;

    /** Drops whole segments whose records all have LSNs below {@code lsn}. */
    void truncateBefore(long lsn) throws IOException;

    /** Drops whole segments (never the one being written) whose newest record is older than the threshold. */
    void truncateBeforeTime(long thresholdMillis) throws IOException;
}
