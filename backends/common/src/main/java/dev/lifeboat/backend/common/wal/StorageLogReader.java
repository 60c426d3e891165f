package dev.lifeboat.backend.common.wal;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.wal.CloseableIterator;
import dev.lifeboat.spi.wal.LogRecord;
import dev.lifeboat.spi.wal.RecordHandle;
import dev.lifeboat.spi.wal.RecoveryReport;
import dev.lifeboat.spi.wal.WriteAheadLogReader;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link WriteAheadLogReader} over a {@link LogStorage}: the read side shared by the writer
 * ({@link GroupCommitWriteAheadLog}) and read-only views.
 */
public class StorageLogReader implements WriteAheadLogReader {
    protected final LogStorage storage;
    private final Set<Capability> capabilities;
    private volatile boolean closed;

    public StorageLogReader(LogStorage storage, Set<Capability> capabilities) {
        this.storage = requireNonNull(storage, "storage is null");
        this.capabilities = Set.copyOf(capabilities);
    }

    @Override
    public Optional<LogRecord> read(RecordHandle handle) throws IOException {
        requireNonNull(handle, "handle is null");
        checkOpen();
        return storage.read(handle.lsn());
    }

    @Override
    public CloseableIterator<LogRecord> replay(RecordHandle from) throws IOException {
        requireNonNull(from, "from is null");
        checkOpen();
        return storage.replay(from.lsn());
    }

    @Override
    public Optional<RecordHandle> first() throws IOException {
        checkOpen();
        return storage.first();
    }

    @Override
    public Optional<RecordHandle> last() throws IOException {
        checkOpen();
        return storage.last();
    }

    @Override
    public RecoveryReport recovery() {
        return storage.recovery();
    }

    @Override
    public Set<Capability> capabilities() {
        return capabilities;
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            storage.close();
        }
    }

    protected final boolean isClosed() {
        return closed;
    }

    protected final void markClosed() {
        closed = true;
    }

    protected final void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the write-ahead log is closed");
        }
    }
}
