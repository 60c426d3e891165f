package dev.lifeboat.backend.hadoop.internal;

import dev.lifeboat.backend.common.wal.GroupCommitWriteAheadLog;
import dev.lifeboat.backend.common.wal.WalSettings;
import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.wal.CloseableIterator;
import dev.lifeboat.spi.wal.Durability;
import dev.lifeboat.spi.wal.LogRecord;
import dev.lifeboat.spi.wal.RecordHandle;
import dev.lifeboat.spi.wal.RecoveryReport;
import dev.lifeboat.spi.wal.WriteAheadLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The write-ahead log on a Hadoop file system: the shared group commit over
 * {@link HadoopLogStorage}. A {@link #sync(Durability)} at a level the file system's streams
 * cannot keep is refused up front instead of failing the log.
 */
public final class HadoopWriteAheadLog implements WriteAheadLog {
    private final GroupCommitWriteAheadLog log;
    private final HadoopLogStorage storage;

    public HadoopWriteAheadLog(HadoopLogStorage storage, WalSettings settings) {
        this.storage = storage;
        this.log = new GroupCommitWriteAheadLog(
                storage,
                settings,
                storage.features().walCapabilities(),
                storage.fileSystem().root().getName());
    }

    @Override
    public RecordHandle append(ByteBuffer record, long timestampMillis) throws IOException {
        return log.append(record, timestampMillis);
    }

    @Override
    public CompletableFuture<RecordHandle> appendAsync(ByteBuffer record, long timestampMillis) {
        return log.appendAsync(record, timestampMillis);
    }

    @Override
    public RecordHandle write(ByteBuffer record, long timestampMillis) throws IOException {
        return log.write(record, timestampMillis);
    }

    /**
     * @throws UnsupportedOperationException if the file system's output streams do not support
     *     {@code hflush} ({@code FLUSH}) or {@code hsync} ({@code SYNC})
     */
    @Override
    public void sync(Durability level) throws IOException {
        if (level != null && level != Durability.NONE && !storage.supports(level)) {
            throw new UnsupportedOperationException("the write-ahead log " + storage.fileSystem() + " cannot sync at "
                    + level + ": output streams of "
                    + storage.fileSystem().location().fsUri() + " do not support "
                    + (level == Durability.SYNC ? "hsync" : "hflush") + " (see capabilities())");
        }
        log.sync(level);
    }

    @Override
    public Durability durability() {
        return log.durability();
    }

    @Override
    public void truncateBefore(RecordHandle handle) throws IOException {
        log.truncateBefore(handle);
    }

    @Override
    public void truncateBefore(long thresholdMillis) throws IOException {
        log.truncateBefore(thresholdMillis);
    }

    @Override
    public Optional<LogRecord> read(RecordHandle handle) throws IOException {
        return log.read(handle);
    }

    @Override
    public CloseableIterator<LogRecord> replay(RecordHandle from) throws IOException {
        return log.replay(from);
    }

    @Override
    public Optional<RecordHandle> first() throws IOException {
        return log.first();
    }

    @Override
    public Optional<RecordHandle> last() throws IOException {
        return log.last();
    }

    @Override
    public RecoveryReport recovery() {
        return log.recovery();
    }

    @Override
    public Set<Capability> capabilities() {
        return log.capabilities();
    }

    @Override
    public void close() throws IOException {
        log.close();
    }

    @Override
    public String toString() {
        return "HadoopWriteAheadLog[" + storage.fileSystem() + "]";
    }
}
