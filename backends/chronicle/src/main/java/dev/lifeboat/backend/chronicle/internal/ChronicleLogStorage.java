package dev.lifeboat.backend.chronicle.internal;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.backend.common.wal.LogStorage;
import dev.lifeboat.backend.common.wal.RecordFrame;
import dev.lifeboat.spi.wal.CloseableIterator;
import dev.lifeboat.spi.wal.Durability;
import dev.lifeboat.spi.wal.LogRecord;
import dev.lifeboat.spi.wal.RecordHandle;
import dev.lifeboat.spi.wal.RecoveryReport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.Wires;

/**
 * A {@link LogStorage} on a Chronicle Queue directory: one excerpt per record, each excerpt one
 * {@link RecordFrame} (magic, length, LSN, timestamp, CRC32C), segments are Chronicle's roll-cycle
 * files.
 *
 * <p><b>LSN and index.</b> Chronicle numbers the excerpts of a cycle 0, 1, 2, ... without gaps,
 * and a cycle's first excerpt carries its first LSN in its frame, so the record with LSN {@code n}
 * is excerpt {@code n - first(c)} of the last cycle {@code c} whose first LSN is at most
 * {@code n}: found by a binary search over cycles, with first LSNs cached. Nothing besides the
 * queue itself is stored, so the mapping survives every reopen.
 *
 * <p><b>Torn tails.</b> Chronicle writes an excerpt's length header after its bytes, so a process
 * killed in mid-append leaves bytes that no reader sees (the header is still 0); after an OS crash
 * of records never synced, a header can also reach the disk without all its bytes. A record
 * whose frame fails verification is a torn tail when it is the last excerpt of its cycle and only
 * zeros follow it; anything else that fails is {@link dev.lifeboat.spi.CorruptDataException}. A writer cuts a torn
 * tail off by moving to the next cycle file, which it creates at once; the torn bytes stay where
 * they are, unread, and the next record reuses the torn record's LSN. Excerpts in place are never
 * rewritten: Chronicle's own index and write position would then disagree with the file.
 *
 * <p><b>Rolling.</b> The cycle file follows a {@link CycleClock}: the wall clock, raised to the
 * next cycle's start when the current one holds {@code segment-bytes} or after a torn tail.
 *
 * <p><b>Structure.</b> This class is the one adapter between the log and Chronicle Queue; the
 * package-private classes behind it each hold one concern: {@link ChronicleCycles} (the cycle
 * files, their durability and the bytes Chronicle does not show), {@link ChronicleRecords} (LSN
 * and index, excerpts, verification), {@link ChronicleRecovery} (what opening finds),
 * {@link ChronicleAppender} (the writer) and {@link ChronicleReplay} (a stream of records).
 */
public final class ChronicleLogStorage implements LogStorage {
    private final Path directory;
    private final boolean writable;
    private final WriterLock lock;
    private final SingleChronicleQueue queue;
    private final ChronicleCycles cycles;
    private final ChronicleRecords records;
    /** The writer's side; null for a read-only view. */
    private final ChronicleAppender appender;

    private final RecoveryReport recovery;
    private final Set<ChronicleReplay> replays = ConcurrentHashMap.newKeySet();
    private final Object truncation = new Object();
    private volatile boolean closed;

    private ChronicleLogStorage(ChronicleWalSettings settings, boolean writable, WriterLock lock) throws IOException {
        this.directory = settings.directory();
        this.writable = writable;
        this.lock = lock;
        CycleClock clock = new CycleClock(settings.wallClock());
        try {
            this.queue = SingleChronicleQueueBuilder.binary(directory)
                    .rollCycle(settings.rollCycle())
                    .blockSize(settings.blockSize())
                    .timeProvider(clock)
                    .readOnly(!writable)
                    .build();
        } catch (RuntimeException e) {
            throw new IOException("cannot open the Chronicle queue " + directory + ": " + e, e);
        }
        ChronicleCycles cs = null;
        ChronicleRecords rs = null;
        ChronicleAppender a = null;
        try {
            if (writable) {
                ChronicleRecovery.releaseLockOfDeadWriter(queue);
            }
            cs = new ChronicleCycles(queue, directory, writable, clock);
            rs = new ChronicleRecords(
                    cs, settings.wal().maxRecordBytes(), settings.wal().cutCorruptLastRecord());
            a = writable ? new ChronicleAppender(cs, rs, settings.wal().segmentBytes()) : null;
            cs.refresh();
            this.recovery = ChronicleRecovery.recover(cs, rs, settings.wal().maxRecordBytes(), a);
        } catch (IOException | RuntimeException e) {
            closeQuietly(a, rs, queue);
            throw e instanceof RuntimeException re
                    ? new IOException("cannot open the Chronicle queue " + directory + ": " + re, re)
                    : (IOException) e;
        }
        this.cycles = cs;
        this.records = rs;
        this.appender = a;
    }

    /**
     * Opens the writer's storage of {@code settings.directory()}, creating the queue if absent:
     * takes the writer lock, recovers, and cuts a torn tail off.
     *
     * @throws dev.lifeboat.spi.ConcurrentWriterException if the queue has a writer already
     */
    public static ChronicleLogStorage openWriter(ChronicleWalSettings settings) throws IOException {
        requireNonNull(settings, "settings is null");
        Files.createDirectories(settings.directory());
        WriterLock lock = WriterLock.acquire(settings.directory());
        try {
            removeUninitialisedCycleFiles(settings.directory());
            return new ChronicleLogStorage(settings, true, lock);
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /**
     * Deletes cycle files whose Chronicle header was never completed: a writer killed while it
     * created a new cycle file leaves one, which holds no record, and every reader of the queue
     * would wait Chronicle's timeout for its header. Runs under the writer lock, before the queue
     * is opened.
     */
    private static void removeUninitialisedCycleFiles(Path directory) throws IOException {
        List<Path> files;
        try (var list = Files.list(directory)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(SingleChronicleQueue.SUFFIX))
                    .toList();
        }
        for (Path file : files) {
            int header;
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
                header = ch.read(b, 0) < 4 ? 0 : b.getInt(0);
            }
            if (header == 0 || (header & Wires.NOT_COMPLETE) != 0) {
                Files.delete(file);
            }
        }
    }

    /**
     * Opens a read-only view that changes nothing in the directory.
     *
     * @throws NoSuchFileException if no queue exists there
     */
    public static ChronicleLogStorage openReader(ChronicleWalSettings settings) throws IOException {
        requireNonNull(settings, "settings is null");
        Path metadata = settings.directory().resolve(ChronicleCycles.QUEUE_METADATA);
        if (!Files.isRegularFile(metadata)) {
            throw new NoSuchFileException(
                    settings.directory().toString(),
                    null,
                    "no Chronicle write-ahead log here (" + ChronicleCycles.QUEUE_METADATA + " is missing)");
        }
        return new ChronicleLogStorage(settings, false, null);
    }

    @Override
    public RecoveryReport recovery() {
        return recovery;
    }

    // ------------------------------------------------------------------ writing

    @Override
    public void write(List<ByteBuffer> frames, long firstLsn, long newestTimestamp) throws IOException {
        checkWritable();
        appender.write(frames, firstLsn);
    }

    @Override
    public void persist(Durability level) throws IOException {
        checkWritable();
        appender.persist(level);
    }

    // ------------------------------------------------------------------ reading

    @Override
    public Optional<LogRecord> read(long lsn) throws IOException {
        if (lsn < 0 || (writable && lsn > appender.lastLsn())) {
            return Optional.empty();
        }
        Optional<LogRecord> found = readOnce(lsn);
        if (found.isEmpty() && !writable) {
            cycles.refresh();
            found = readOnce(lsn);
        }
        return found;
    }

    private Optional<LogRecord> readOnce(long lsn) throws IOException {
        Optional<long[]> at = records.locate(lsn);
        if (at.isEmpty()) {
            return Optional.empty();
        }
        int cycle = (int) at.get()[0];
        long seq = at.get()[1];
        Optional<Excerpt> excerpt = records.excerptAt(cycle, seq);
        if (excerpt.isEmpty()) {
            return Optional.empty();
        }
        return records.verify(excerpt.get(), lsn).record();
    }

    @Override
    public CloseableIterator<LogRecord> replay(long fromLsn) throws IOException {
        checkOpen();
        if (!writable) {
            cycles.refresh();
        }
        ChronicleReplay r = new ChronicleReplay(cycles, records, replays, fromLsn);
        replays.add(r);
        return r;
    }

    @Override
    public Optional<RecordHandle> first() throws IOException {
        checkOpen();
        if (!writable) {
            cycles.refresh();
        }
        return records.first();
    }

    @Override
    public Optional<RecordHandle> last() throws IOException {
        checkOpen();
        if (writable) {
            long l = appender.lastLsn();
            return l < 0 ? Optional.empty() : Optional.of(RecordHandle.of(l));
        }
        cycles.refresh();
        int[] cs = cycles.list();
        for (int i = cs.length - 1; i >= 0; i--) {
            OptionalLong f = records.firstLsn(cs[i]);
            if (f.isPresent()) {
                long l = records.lastLsnIn(cs[i], f.getAsLong());
                if (l >= 0) {
                    return Optional.of(RecordHandle.of(l));
                }
            }
        }
        return Optional.empty();
    }

    // ------------------------------------------------------------------ truncation

    @Override
    public void truncateBefore(long lsn) throws IOException {
        checkWritable();
        synchronized (truncation) {
            int[] cs = cycles.list();
            for (int i = 0; i < cs.length - 1; i++) {
                OptionalLong next = firstLsnAfter(cs, i);
                if (next.isEmpty() || next.getAsLong() > lsn) {
                    break;
                }
                delete(cs[i]);
            }
            cycles.afterDeletes();
        }
    }

    @Override
    public void truncateBeforeTime(long thresholdMillis) throws IOException {
        checkWritable();
        synchronized (truncation) {
            int[] cs = cycles.list();
            for (int i = 0; i < cs.length - 1; i++) {
                if (firstLsnAfter(cs, i).isEmpty() || records.newestTimestamp(cs[i]) >= thresholdMillis) {
                    break;
                }
                delete(cs[i]);
            }
            cycles.afterDeletes();
        }
    }

    private OptionalLong firstLsnAfter(int[] cs, int i) throws IOException {
        for (int j = i + 1; j < cs.length; j++) {
            OptionalLong f = records.firstLsn(cs[j]);
            if (f.isPresent()) {
                return f;
            }
        }
        return OptionalLong.empty();
    }

    private void delete(int cycle) throws IOException {
        Files.deleteIfExists(cycles.file(cycle));
        records.forget(cycle);
    }

    // ------------------------------------------------------------------ closing

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the write-ahead log is closed");
        }
    }

    private void checkWritable() {
        checkOpen();
        if (!writable) {
            throw new IllegalStateException("a read-only view of " + directory + " cannot write");
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        records.markClosed();
        IOException failure = null;
        if (appender != null) {
            try {
                appender.closeChannels();
            } catch (IOException e) {
                failure = e;
            }
        }
        for (ChronicleReplay r : List.copyOf(replays)) {
            r.close();
        }
        closeQuietly(appender, records, queue);
        if (lock != null) {
            try {
                lock.close();
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static void closeQuietly(ChronicleAppender appender, ChronicleRecords records, SingleChronicleQueue queue) {
        try {
            if (appender != null) {
                appender.closeAppender();
            }
            if (records != null) {
                records.closeTailer();
            }
        } catch (RuntimeException e) {
            // The queue's close below releases them anyway.
        }
        if (queue != null) {
            queue.close();
        }
    }
}
