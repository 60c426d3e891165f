package dev.lifeboat.backend.chronicle.internal;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.backend.common.wal.LogStorage;
import dev.lifeboat.backend.common.wal.RecordFrame;
import dev.lifeboat.backend.common.wal.SegmentScanner;
import dev.lifeboat.spi.CorruptDataException;
import dev.lifeboat.spi.wal.CloseableIterator;
import dev.lifeboat.spi.wal.Durability;
import dev.lifeboat.spi.wal.LogRecord;
import dev.lifeboat.spi.wal.RecordHandle;
import dev.lifeboat.spi.wal.RecoveryReport;
import dev.lifeboat.spi.wal.RecoveryReport.TornTail;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantLock;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.TailerDirection;
import net.openhft.chronicle.queue.impl.RollingResourcesCache;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueStore;
import net.openhft.chronicle.queue.impl.single.TableStoreWriteLock;
import net.openhft.chronicle.threads.Pauser;
import net.openhft.chronicle.wire.DocumentContext;
import net.openhft.chronicle.wire.Wires;
import net.openhft.chronicle.wire.WriteAfterEOFException;

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
 * zeros follow it; anything else that fails is {@link CorruptDataException}. A writer cuts a torn
 * tail off by moving to the next cycle file, which it creates at once; the torn bytes stay where
 * they are, unread, and the next record reuses the torn record's LSN. Excerpts in place are never
 * rewritten: Chronicle's own index and write position would then disagree with the file.
 *
 * <p><b>Rolling.</b> The cycle file follows a {@link CycleClock}: the wall clock, raised to the
 * next cycle's start when the current one holds {@code segment-bytes} or after a torn tail.
 */
public final class ChronicleLogStorage implements LogStorage {
    /** Bytes after a damaged last excerpt that must be zero for it to be a torn tail. */
    static final int ZERO_WINDOW = 1 << 20;
    /** Times an fsync is repeated after an interrupt of the writing thread closed its channel. */
    private static final int MAX_INTERRUPT_RETRIES = 16;

    private static final String QUEUE_METADATA = "metadata.cq4t";

    private final ChronicleWalSettings settings;
    private final Path directory;
    private final boolean writable;
    private final WriterLock lock;
    private final CycleClock clock;
    private final SingleChronicleQueue queue;
    private final RollCycle rollCycle;
    private final RollingResourcesCache names;
    private final long maxRecordBytes;
    private final boolean cutCorruptLastRecord;
    private final RecoveryReport recovery;
    private final ConcurrentSkipListMap<Integer, Long> firstLsns = new ConcurrentSkipListMap<>();
    private final Map<Integer, Long> newestTimestamps = new ConcurrentHashMap<>();
    private final Set<Replay> replays = ConcurrentHashMap.newKeySet();
    private final ReentrantLock readLock = new ReentrantLock();
    private final Object truncation = new Object();
    private volatile int[] cycles;
    private volatile long lastLsn;
    private volatile boolean closed;
    private ExcerptTailer readTailer;

    // Writer state, touched by the group-commit leader only (one thread at a time; close after the last).
    private ExcerptAppender appender;
    private long nextLsn;
    private int writeCycle = Integer.MIN_VALUE;
    private long cycleBytes;
    private final Map<Path, FileChannel> dirty = new LinkedHashMap<>();
    /** The cycle whose file {@link #dirty} holds for certain (sync keeps the current cycle's entry). */
    private int dirtyCycle = Integer.MIN_VALUE;

    private boolean newFileSinceSync;

    private ChronicleLogStorage(ChronicleWalSettings settings, boolean writable, WriterLock lock) throws IOException {
        this.settings = settings;
        this.directory = settings.directory();
        this.writable = writable;
        this.lock = lock;
        this.clock = new CycleClock(settings.wallClock());
        this.maxRecordBytes = settings.wal().maxRecordBytes();
        this.cutCorruptLastRecord = settings.wal().cutCorruptLastRecord();
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
        try {
            if (writable) {
                releaseLockOfDeadWriter();
            }
            this.rollCycle = queue.rollCycle();
            String suffix = SingleChronicleQueue.SUFFIX;
            File dir = directory.toFile();
            this.names = new RollingResourcesCache(
                    rollCycle,
                    queue.epoch(),
                    name -> new File(dir, name + suffix),
                    file -> file.getName().substring(0, file.getName().length() - suffix.length()));
            refreshCycles();
            this.recovery = recover();
        } catch (IOException | RuntimeException e) {
            closeQuietly();
            throw e instanceof RuntimeException re
                    ? new IOException("cannot open the Chronicle queue " + directory + ": " + re, re)
                    : (IOException) e;
        }
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
        Path metadata = settings.directory().resolve(QUEUE_METADATA);
        if (!Files.isRegularFile(metadata)) {
            throw new NoSuchFileException(
                    settings.directory().toString(),
                    null,
                    "no Chronicle write-ahead log here (" + QUEUE_METADATA + " is missing)");
        }
        return new ChronicleLogStorage(settings, false, null);
    }

    @Override
    public RecoveryReport recovery() {
        return recovery;
    }

    // ------------------------------------------------------------------ recovery

    /**
     * Frees Chronicle's write lock if a process that died holds it. A writer killed in mid-append
     * leaves it taken; Chronicle would take it back only after its lock timeout, at every step
     * that locks. Holding our writer lock proves that no other writer of this log is alive.
     */
    private void releaseLockOfDeadWriter() {
        try (TableStoreWriteLock writeLock = new TableStoreWriteLock(queue.metaStore(), Pauser::balanced, 0L)) {
            writeLock.forceUnlockIfProcessIsDead();
        }
    }

    private RecoveryReport recover() throws IOException {
        int[] cs = cycles;
        lastLsn = -1;
        nextLsn = 0;
        if (cs.length == 0) {
            return RecoveryReport.clean(0);
        }
        int last = cs[cs.length - 1];
        clock.raiseFloor(cycleStart(last));
        long writePosition = writePosition(last);
        Optional<Excerpt> newest = newestExcerpt();
        Optional<TornTail> torn = Optional.empty();
        long lastHeader = 0;
        boolean sealed = false;
        if (newest.isPresent()) {
            int newestCycle = newest.get().cycle();
            Tail tail = scanCycle(newestCycle);
            nextLsn = tail.nextLsn();
            lastLsn = nextLsn - 1;
            if (newestCycle == last) {
                torn = tail.torn();
                lastHeader = tail.lastHeader();
                sealed = tail.sealed();
                if (writable) {
                    writeCycle = last;
                    cycleBytes = tail.bytes();
                }
            }
        }
        if (torn.isEmpty() && writePosition > lastHeader) {
            torn = Optional.of(phantom(last, writePosition));
        }
        // Only the newest cycle file can hold a torn tail; a later cycle without records means
        // an earlier writer cut it off already.
        if (torn.isPresent() && writable) {
            rollPast(last);
        } else if (sealed && writable) {
            // Chronicle closed this cycle (a writer rolled, then died before the next cycle file
            // existed): appends go to the next one.
            clock.raiseFloor(cycleStart(last + 1));
            writeCycle = Integer.MIN_VALUE;
            cycleBytes = 0;
        }
        return new RecoveryReport(nextLsn, torn);
    }

    /**
     * An excerpt Chronicle's write position points at but no reader sees: its header did not
     * reach the disk (an OS crash before the record was synced). Chronicle would append after it
     * with a gap in its sequence numbers, so it is a torn tail that only a new cycle gets past.
     */
    private TornTail phantom(int cycle, long writePosition) throws IOException {
        Path file = file(cycle);
        long garbage = lastNonZero(
                file, writePosition, 4 + RecordFrame.HEADER_BYTES + (int) Math.min(maxRecordBytes, ZERO_WINDOW));
        long end = Math.max(writePosition + Excerpt.CHRONICLE_HEADER_BYTES, garbage + 1);
        return new TornTail(file.toString(), writePosition, end - writePosition);
    }

    /** Chronicle's write position in {@code cycle}: the header of its last excerpt, 0 if none. */
    private long writePosition(int cycle) throws IOException {
        try {
            SingleChronicleQueueStore store = queue.storeForCycle(cycle, queue.epoch(), false, null);
            if (store == null) {
                return 0;
            }
            try {
                return store.writePosition();
            } finally {
                queue.closeStore(store);
            }
        } catch (RuntimeException e) {
            throw chronicleFailure("reading the write position of cycle " + cycle, e);
        }
    }

    /** What a full scan of one cycle found. */
    private record Tail(long nextLsn, long bytes, long lastHeader, boolean sealed, Optional<TornTail> torn) {}

    /**
     * Verifies every excerpt of {@code cycle}, the newest cycle with excerpts: the next LSN after
     * its last intact record, its data bytes, and a torn tail if one is there.
     */
    private Tail scanCycle(int cycle) throws IOException {
        long expected = -1;
        long start = -1;
        long end = -1;
        long lastHeader = 0;
        Excerpt previous = null;
        Optional<TornTail> torn = Optional.empty();
        try (ExcerptTailer t = queue.createTailer()) {
            if (!t.moveToIndex(rollCycle.toIndex(cycle, 0))) {
                return new Tail(lastLsnBefore(cycle) + 1, 0, 0, false, Optional.empty());
            }
            while (true) {
                Optional<Excerpt> e = readNext(t);
                if (e.isEmpty() || e.get().cycle() != cycle) {
                    break;
                }
                Excerpt x = e.get();
                if (expected < 0) {
                    OptionalLong first = firstLsnOf(x);
                    expected = first.isPresent() ? first.getAsLong() : lastLsnBefore(cycle) + 1;
                    start = x.headerPosition();
                }
                lastHeader = x.headerPosition();
                Verified v = verify(x, expected);
                if (v.torn().isPresent()) {
                    torn = v.torn();
                    end = x.headerPosition();
                    break;
                }
                expected++;
                previous = x;
                end = x.end();
            }
        } catch (RuntimeException e) {
            throw chronicleFailure("scanning cycle " + cycle, e);
        }
        boolean sealed = false;
        if (torn.isEmpty() && previous != null) {
            sealed = headerAt(previous.file(), previous.nextHeaderPosition()) == Wires.END_OF_DATA;
            torn = invisibleTail(previous);
        }
        long bytes = start < 0 || end < 0 ? 0 : end - start;
        return new Tail(expected, bytes, lastHeader, sealed, torn);
    }

    /**
     * Bytes after the last excerpt that Chronicle does not show (its header is still 0): what a
     * writer killed in mid-append leaves behind.
     */
    private Optional<TornTail> invisibleTail(Excerpt last) throws IOException {
        long from = afterExcerpt(last.file(), last.nextHeaderPosition());
        if (from < 0) {
            return Optional.empty();
        }
        long lastNonZero = lastNonZero(last.file(), from, ZERO_WINDOW);
        return Optional.of(new TornTail(last.file().toString(), from, Math.max(lastNonZero + 1, from + 4) - from));
    }

    // ------------------------------------------------------------------ writing

    @Override
    public void write(List<ByteBuffer> frames, long firstLsn, long newestTimestamp) throws IOException {
        checkWritable();
        if (firstLsn != nextLsn) {
            throw new IllegalStateException("frames start at LSN " + firstLsn + " but the log continues at " + nextLsn);
        }
        ExcerptAppender a = appender();
        long segmentBytes = settings.wal().segmentBytes();
        try {
            for (ByteBuffer frame : frames) {
                int length = frame.remaining();
                long excerptBytes = align(length + Excerpt.CHRONICLE_HEADER_BYTES);
                if (cycleBytes > 0 && cycleBytes + excerptBytes > segmentBytes) {
                    clock.raiseFloor(cycleStart(writeCycle + 1));
                }
                try (DocumentContext dc = writingDocument(a)) {
                    try {
                        Bytes<?> bytes = dc.wire().bytes();
                        if (frame.hasArray()) {
                            bytes.write(frame.array(), frame.arrayOffset() + frame.position(), length);
                        } else {
                            byte[] copy = new byte[length];
                            frame.duplicate().get(copy);
                            bytes.write(copy);
                        }
                    } catch (RuntimeException e) {
                        dc.rollbackOnClose();
                        throw e;
                    }
                }
                int cycle = a.cycle();
                if (cycle != writeCycle) {
                    onNewCycle(cycle);
                }
                long seq = rollCycle.toSequenceNumber(a.lastIndexAppended());
                if (seq == 0) {
                    firstLsns.put(cycle, nextLsn);
                }
                cycleBytes += excerptBytes;
                nextLsn++;
            }
        } catch (RuntimeException e) {
            throw chronicleFailure("appending to " + directory, e);
        } finally {
            lastLsn = nextLsn - 1;
        }
        if (dirtyCycle != writeCycle) {
            // Resolving the cycle's path costs more than appending a small excerpt: once per cycle.
            dirty.putIfAbsent(file(writeCycle), null);
            dirtyCycle = writeCycle;
        }
    }

    @Override
    public void persist(Durability level) throws IOException {
        checkWritable();
        // An excerpt is in the page cache of the mapped file once written: visible to readers
        // and kept if this process dies. Only SYNC has more to do.
        if (level != Durability.SYNC) {
            return;
        }
        Path current = writeCycle == Integer.MIN_VALUE ? null : file(writeCycle);
        boolean reinterrupt = false;
        for (Map.Entry<Path, FileChannel> e : dirty.entrySet()) {
            FileChannel channel = e.getValue();
            if (channel == null) {
                try {
                    channel = FileChannel.open(e.getKey(), StandardOpenOption.READ, StandardOpenOption.WRITE);
                } catch (NoSuchFileException gone) {
                    if (e.getKey().equals(current)) {
                        throw gone;
                    }
                    continue; // an older cycle truncated since it was written: nothing to keep
                }
                e.setValue(channel);
            }
            // fdatasync writes back every dirty page of the file, those changed through the
            // mapping included; unlike Chronicle's own msync it reports failure.
            for (int attempt = 0; ; attempt++) {
                try {
                    channel.force(false);
                    break;
                } catch (ClosedByInterruptException interrupted) {
                    // The writer leading this batch was interrupted, which closed the channel: a
                    // new descriptor's fdatasync covers the same pages.
                    Thread.interrupted();
                    reinterrupt = true;
                    if (attempt >= MAX_INTERRUPT_RETRIES) {
                        throw interrupted;
                    }
                    channel = FileChannel.open(e.getKey(), StandardOpenOption.READ, StandardOpenOption.WRITE);
                    e.setValue(channel);
                }
            }
        }
        if (reinterrupt) {
            Thread.currentThread().interrupt();
        }
        if (newFileSinceSync) {
            force(directory.resolve(QUEUE_METADATA));
            force(directory);
            newFileSinceSync = false;
        }
        for (var it = dirty.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Path, FileChannel> e = it.next();
            if (!e.getKey().equals(current)) {
                if (e.getValue() != null) {
                    e.getValue().close();
                }
                it.remove();
            }
        }
    }

    /**
     * Opens an excerpt. Chronicle 2026.4 refuses to write into a cycle it closed with an
     * end-of-file marker, which happens when the clock still points at that cycle: a writer that
     * rolled and died before the next cycle file existed, or a cycle closed while empty. The
     * writer then moves to the next cycle, once.
     */
    private DocumentContext writingDocument(ExcerptAppender a) {
        try {
            return a.writingDocument();
        } catch (WriteAfterEOFException sealed) {
            int[] cs = cycles;
            int newest = Math.max(writeCycle, cs.length == 0 ? Integer.MIN_VALUE : cs[cs.length - 1]);
            clock.raiseFloor(cycleStart(newest + 1));
            return a.writingDocument();
        }
    }

    private ExcerptAppender appender() throws IOException {
        if (appender == null) {
            try {
                appender = queue.createAppender();
                appender.singleThreadedCheckDisabled(true);
            } catch (RuntimeException e) {
                throw chronicleFailure("creating an appender on " + directory, e);
            }
        }
        return appender;
    }

    private void onNewCycle(int cycle) {
        if (writeCycle != Integer.MIN_VALUE) {
            // Chronicle closed the previous cycle with an end-of-file marker.
            dirty.putIfAbsent(file(writeCycle), null);
        }
        writeCycle = cycle;
        cycleBytes = 0;
        newFileSinceSync = true;
        dirty.putIfAbsent(file(cycle), null);
        dirtyCycle = cycle;
        clock.raiseFloor(cycleStart(cycle));
        addCycle(cycle);
    }

    /** Adds a cycle the writer created; cheaper than listing the directory again. */
    private void addCycle(int cycle) {
        int[] cs = cycles;
        if (cs.length == 0 || cs[cs.length - 1] < cycle) {
            int[] more = Arrays.copyOf(cs, cs.length + 1);
            more[cs.length] = cycle;
            cycles = more;
        } else if (Arrays.binarySearch(cs, cycle) < 0) {
            refreshCycles();
        }
    }

    /** Moves the writer to a new cycle file after {@code cycle}, created at once. */
    private void rollPast(int cycle) throws IOException {
        int next = cycle + 1;
        clock.raiseFloor(cycleStart(next));
        try {
            SingleChronicleQueueStore store = queue.storeForCycle(next, queue.epoch(), true, null);
            if (store != null) {
                queue.closeStore(store);
            }
            queue.refreshDirectoryListing();
        } catch (RuntimeException e) {
            throw chronicleFailure("creating cycle " + next + " past a torn tail", e);
        }
        force(file(next));
        force(directory.resolve(QUEUE_METADATA));
        force(directory);
        writeCycle = next;
        cycleBytes = 0;
        addCycle(next);
    }

    // ------------------------------------------------------------------ reading

    @Override
    public Optional<LogRecord> read(long lsn) throws IOException {
        if (lsn < 0 || (writable && lsn > lastLsn)) {
            return Optional.empty();
        }
        Optional<LogRecord> found = readOnce(lsn);
        if (found.isEmpty() && !writable) {
            refreshCycles();
            found = readOnce(lsn);
        }
        return found;
    }

    private Optional<LogRecord> readOnce(long lsn) throws IOException {
        Optional<long[]> at = locate(lsn);
        if (at.isEmpty()) {
            return Optional.empty();
        }
        int cycle = (int) at.get()[0];
        long seq = at.get()[1];
        Optional<Excerpt> excerpt = excerptAt(cycle, seq);
        if (excerpt.isEmpty()) {
            return Optional.empty();
        }
        Verified v = verify(excerpt.get(), lsn);
        return v.record();
    }

    @Override
    public CloseableIterator<LogRecord> replay(long fromLsn) throws IOException {
        checkOpen();
        if (!writable) {
            refreshCycles();
        }
        Replay r = new Replay(fromLsn);
        replays.add(r);
        return r;
    }

    @Override
    public Optional<RecordHandle> first() throws IOException {
        checkOpen();
        if (!writable) {
            refreshCycles();
        }
        for (int c : cycles) {
            OptionalLong f = firstLsn(c);
            if (f.isPresent()) {
                return Optional.of(RecordHandle.of(f.getAsLong()));
            }
        }
        return Optional.empty();
    }

    @Override
    public Optional<RecordHandle> last() throws IOException {
        checkOpen();
        if (writable) {
            long l = lastLsn;
            return l < 0 ? Optional.empty() : Optional.of(RecordHandle.of(l));
        }
        refreshCycles();
        int[] cs = cycles;
        for (int i = cs.length - 1; i >= 0; i--) {
            OptionalLong f = firstLsn(cs[i]);
            if (f.isPresent()) {
                long l = lastLsnIn(cs[i], f.getAsLong());
                if (l >= 0) {
                    return Optional.of(RecordHandle.of(l));
                }
            }
        }
        return Optional.empty();
    }

    /** The LSN of the last intact record of {@code cycle}, whose first LSN is {@code first}; -1 if none. */
    private long lastLsnIn(int cycle, long first) throws IOException {
        long count = excerptCount(cycle);
        for (long seq = count - 1; seq >= 0; seq--) {
            Optional<Excerpt> e = excerptAt(cycle, seq);
            if (e.isPresent() && verify(e.get(), first + seq).record().isPresent()) {
                return first + seq;
            }
        }
        return -1;
    }

    // ------------------------------------------------------------------ truncation

    @Override
    public void truncateBefore(long lsn) throws IOException {
        checkWritable();
        synchronized (truncation) {
            int[] cs = cycles;
            for (int i = 0; i < cs.length - 1; i++) {
                OptionalLong next = firstLsnAfter(cs, i);
                if (next.isEmpty() || next.getAsLong() > lsn) {
                    break;
                }
                delete(cs[i]);
            }
            afterDeletes();
        }
    }

    @Override
    public void truncateBeforeTime(long thresholdMillis) throws IOException {
        checkWritable();
        synchronized (truncation) {
            int[] cs = cycles;
            for (int i = 0; i < cs.length - 1; i++) {
                if (firstLsnAfter(cs, i).isEmpty() || newestTimestamp(cs[i]) >= thresholdMillis) {
                    break;
                }
                delete(cs[i]);
            }
            afterDeletes();
        }
    }

    private OptionalLong firstLsnAfter(int[] cs, int i) throws IOException {
        for (int j = i + 1; j < cs.length; j++) {
            OptionalLong f = firstLsn(cs[j]);
            if (f.isPresent()) {
                return f;
            }
        }
        return OptionalLong.empty();
    }

    /** The newest timestamp among the records of a closed cycle (Long.MIN_VALUE if none). */
    private long newestTimestamp(int cycle) throws IOException {
        Long cached = newestTimestamps.get(cycle);
        if (cached != null) {
            return cached;
        }
        long newest = Long.MIN_VALUE;
        try (ExcerptTailer t = queue.createTailer()) {
            if (t.moveToIndex(rollCycle.toIndex(cycle, 0))) {
                while (true) {
                    Optional<Excerpt> e = readNext(t);
                    if (e.isEmpty() || e.get().cycle() != cycle) {
                        break;
                    }
                    RecordFrame.Header h =
                            RecordFrame.decodeHeader(ByteBuffer.wrap(e.get().data()));
                    if (h != null) {
                        newest = Math.max(newest, h.timestampMillis());
                    }
                }
            }
        } catch (RuntimeException e) {
            throw chronicleFailure("reading timestamps of cycle " + cycle, e);
        }
        newestTimestamps.put(cycle, newest);
        return newest;
    }

    private void delete(int cycle) throws IOException {
        Files.deleteIfExists(file(cycle));
        firstLsns.remove(cycle);
        newestTimestamps.remove(cycle);
    }

    private void afterDeletes() throws IOException {
        try {
            queue.refreshDirectoryListing();
        } catch (RuntimeException e) {
            throw chronicleFailure("listing " + directory, e);
        }
        refreshCycles();
    }

    // ------------------------------------------------------------------ LSN <-> index

    /** The cycle and sequence number of {@code lsn}, if a cycle that could hold it exists. */
    private Optional<long[]> locate(long lsn) throws IOException {
        int[] cs = cycles;
        int lo = 0;
        int hi = cs.length - 1;
        int best = -1;
        long bestFirst = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int j = mid;
            OptionalLong f = firstLsn(cs[j]);
            while (f.isEmpty() && j < hi) {
                f = firstLsn(cs[++j]);
            }
            if (f.isEmpty()) {
                hi = mid - 1;
            } else if (f.getAsLong() <= lsn) {
                best = j;
                bestFirst = f.getAsLong();
                lo = j + 1;
            } else {
                hi = mid - 1;
            }
        }
        if (best < 0 || lsn - bestFirst >= rollCycle.maxMessagesPerCycle()) {
            return Optional.empty();
        }
        return Optional.of(new long[] {cs[best], lsn - bestFirst});
    }

    /**
     * The LSN of the first record of {@code cycle}: empty if it has no excerpt, or only a torn
     * one.
     */
    private OptionalLong firstLsn(int cycle) throws IOException {
        Long cached = firstLsns.get(cycle);
        if (cached != null) {
            return OptionalLong.of(cached);
        }
        Optional<Excerpt> first = excerptAt(cycle, 0);
        if (first.isEmpty()) {
            return OptionalLong.empty();
        }
        OptionalLong lsn = firstLsnOf(first.get());
        if (lsn.isEmpty()) {
            if (isTornCandidate(first.get())) {
                return OptionalLong.empty();
            }
            throw new CorruptDataException(
                    first.get().file().toString(),
                    first.get().dataPosition(),
                    "the first record of the cycle has a damaged header and more data follows it");
        }
        // Verify the whole record before trusting its LSN for the mapping.
        Verified v = verify(first.get(), lsn.getAsLong());
        if (v.record().isEmpty()) {
            return OptionalLong.empty();
        }
        firstLsns.put(cycle, lsn.getAsLong());
        return lsn;
    }

    private static OptionalLong firstLsnOf(Excerpt e) {
        RecordFrame.Header h = RecordFrame.decodeHeader(ByteBuffer.wrap(e.data()));
        return h == null ? OptionalLong.empty() : OptionalLong.of(h.lsn());
    }

    /** The last intact LSN of the newest cycle with records before {@code cycle}; -1 if none. */
    private long lastLsnBefore(int cycle) throws IOException {
        int[] cs = cycles;
        for (int i = cs.length - 1; i >= 0; i--) {
            if (cs[i] < cycle) {
                OptionalLong f = firstLsn(cs[i]);
                if (f.isPresent()) {
                    return lastLsnIn(cs[i], f.getAsLong());
                }
            }
        }
        return -1;
    }

    private long excerptCount(int cycle) throws IOException {
        readLock.lock();
        try {
            return tailer().excerptsInCycle(cycle);
        } catch (RuntimeException e) {
            throw chronicleFailure("counting the records of cycle " + cycle, e);
        } finally {
            readLock.unlock();
        }
    }

    private Optional<Excerpt> excerptAt(int cycle, long seq) throws IOException {
        checkOpen();
        readLock.lock();
        try {
            ExcerptTailer t = tailer();
            long index = rollCycle.toIndex(cycle, seq);
            if (!t.moveToIndex(index)) {
                return Optional.empty();
            }
            Optional<Excerpt> e = readNext(t);
            return e.filter(x -> x.index() == index);
        } catch (RuntimeException e) {
            throw chronicleFailure("reading cycle " + cycle + " record " + seq, e);
        } finally {
            readLock.unlock();
        }
    }

    private ExcerptTailer tailer() {
        if (readTailer == null) {
            readTailer = queue.createTailer();
            readTailer.singleThreadedCheckDisabled(true);
        }
        return readTailer;
    }

    /** The next data excerpt of {@code t}, copied out. */
    private Optional<Excerpt> readNext(ExcerptTailer t) {
        try (DocumentContext dc = t.readingDocument()) {
            if (!dc.isPresent()) {
                return Optional.empty();
            }
            Bytes<?> bytes = dc.wire().bytes();
            long position = bytes.readPosition();
            int length = (int) bytes.readRemaining();
            byte[] data = new byte[length];
            bytes.read(position, data, 0, length);
            long index = dc.index();
            File file = t.currentFile();
            Path path = file == null ? file(rollCycle.toCycle(index)) : file.toPath();
            return Optional.of(new Excerpt(rollCycle.toCycle(index), index, path, position, data));
        }
    }

    // ------------------------------------------------------------------ verification

    /** The verified record, or a torn tail; never both. */
    private record Verified(Optional<LogRecord> record, Optional<TornTail> torn) {}

    /**
     * Verifies that {@code e} holds exactly the frame of record {@code lsn}.
     *
     * @throws CorruptDataException if it fails and is not a torn tail
     */
    private Verified verify(Excerpt e, long lsn) throws IOException {
        List<LogRecord> out = new ArrayList<>(1);
        CorruptDataException damage;
        try {
            SegmentScanner.Result r =
                    new SegmentScanner(e.source(), lsn, false, maxRecordBytes).scan(e.dataPosition(), lsn, out::add);
            if (r.records() == 1 && r.validBytes() == e.end()) {
                return new Verified(Optional.of(out.get(0)), Optional.empty());
            }
            damage = new CorruptDataException(
                    e.file().toString(),
                    e.headerPosition(),
                    "Chronicle excerpt " + Long.toHexString(e.index()) + " holds " + e.data().length
                            + " bytes, not one record");
        } catch (CorruptDataException c) {
            damage = c;
        }
        if (isTornCandidate(e)) {
            // The file was zeros before the excerpt was written: trailing zeros of a torn
            // excerpt are bytes that never reached it, so the frame is judged without them.
            Excerpt written = e.withoutTrailingZeros();
            try {
                SegmentScanner.Result r = new SegmentScanner(
                                written.source(), lsn, true, maxRecordBytes, cutCorruptLastRecord)
                        .scan(written.dataPosition(), lsn, null);
                if (r.tornTail().isPresent() || r.records() == 0) {
                    long end = e.end();
                    return new Verified(
                            Optional.empty(),
                            Optional.of(
                                    new TornTail(e.file().toString(), e.headerPosition(), end - e.headerPosition())));
                }
            } catch (CorruptDataException ignored) {
                // Damage that is no torn write: report the first finding.
            }
        }
        throw damage;
    }

    /** Whether {@code e} is the last excerpt of its cycle with nothing but zeros after it. */
    private boolean isTornCandidate(Excerpt e) throws IOException {
        long seq = rollCycle.toSequenceNumber(e.index());
        if (excerptAt(e.cycle(), seq + 1).isPresent()) {
            return false;
        }
        return afterExcerpt(e.file(), e.nextHeaderPosition()) < 0;
    }

    /** The 4-byte Chronicle header at {@code position} of the file; 0 past its end. */
    static int headerAt(Path file, long position) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer header = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            if (position + 4 > ch.size() || ch.read(header, position) < 4) {
                return 0;
            }
            return header.getInt(0);
        } catch (NoSuchFileException e) {
            return 0;
        }
    }

    /**
     * What follows an excerpt whose next header would be at {@code position}: -1 if nothing does
     * (zeros, or Chronicle's end-of-file marker), else the offset of the first byte that is
     * neither: an excerpt, or bytes of one never finished.
     */
    static long afterExcerpt(Path file, long position) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer header = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            if (position + 4 > ch.size() || ch.read(header, position) < 4) {
                return -1;
            }
            int h = header.getInt(0);
            if (h == Wires.END_OF_DATA) {
                return -1;
            }
            if (h == 0) {
                return lastNonZero(file, position, ZERO_WINDOW) < 0 ? -1 : position;
            }
            return position;
        } catch (NoSuchFileException e) {
            return -1;
        }
    }

    /** The offset of the last non-zero byte in {@code [from, from + window)} of the file; -1 if none. */
    static long lastNonZero(Path file, long from, int window) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long end = Math.min(ch.size(), from + window);
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            long found = -1;
            for (long pos = from; pos < end; pos += buf.capacity()) {
                buf.clear().limit((int) Math.min(buf.capacity(), end - pos));
                int n = ch.read(buf, pos);
                if (n <= 0) {
                    break;
                }
                for (int i = 0; i < n; i++) {
                    if (buf.get(i) != 0) {
                        found = pos + i;
                    }
                }
            }
            return found;
        } catch (NoSuchFileException e) {
            return -1;
        }
    }

    // ------------------------------------------------------------------ replay

    /** Streams records in LSN order with its own tailer; a torn tail ends a cycle's records. */
    private final class Replay implements CloseableIterator<LogRecord> {
        private final ExcerptTailer tailer;
        private long expected;
        private LogRecord next;
        private boolean done;

        Replay(long fromLsn) throws IOException {
            ExcerptTailer t = null;
            try {
                t = queue.createTailer();
                t.singleThreadedCheckDisabled(true);
                Optional<RecordHandle> first = first();
                if (first.isEmpty()) {
                    done = true;
                } else {
                    long from = Math.max(fromLsn, first.get().lsn());
                    Optional<long[]> at = locate(from);
                    if (at.isEmpty() || !t.moveToIndex(rollCycle.toIndex((int) at.get()[0], at.get()[1]))) {
                        done = true;
                    }
                    expected = from;
                }
            } catch (RuntimeException e) {
                if (t != null) {
                    t.close();
                }
                throw chronicleFailure("starting a replay of " + directory, e);
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
            if (closed) {
                throw new IllegalStateException("the write-ahead log is closed");
            }
            try {
                while (true) {
                    Optional<Excerpt> e;
                    try {
                        e = readNext(tailer);
                    } catch (RuntimeException ex) {
                        throw chronicleFailure("replaying " + directory, ex);
                    }
                    if (e.isEmpty()) {
                        done = true;
                        return false;
                    }
                    Verified v = verify(e.get(), expected);
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
            if (replays.remove(this)) {
                try {
                    tailer.close();
                } catch (RuntimeException e) {
                    // Closed with the queue already.
                }
            }
            done = true;
        }
    }

    // ------------------------------------------------------------------ files and cycles

    /** The cycle file of {@code cycle}. */
    private Path file(int cycle) {
        return names.resourceFor(cycle).path.toPath();
    }

    private void refreshCycles() {
        try {
            if (!writable) {
                queue.refreshDirectoryListing();
            }
            int firstCycle = queue.firstCycle();
            int lastCycle = queue.lastCycle();
            if (firstCycle == Integer.MAX_VALUE || lastCycle < firstCycle) {
                cycles = new int[0];
                return;
            }
            var set = queue.listCyclesBetween(firstCycle, lastCycle);
            int[] cs = new int[set.size()];
            int i = 0;
            for (Long c : set) {
                cs[i++] = c.intValue();
            }
            cycles = cs;
            if (!writable && cs.length > 0) {
                clock.raiseFloor(cycleStart(cs[cs.length - 1]));
            }
        } catch (RuntimeException e) {
            throw new UncheckedIOException(chronicleFailure("listing the cycles of " + directory, e));
        }
    }

    private Optional<Excerpt> newestExcerpt() throws IOException {
        try (ExcerptTailer t = queue.createTailer()) {
            t.direction(TailerDirection.BACKWARD).toEnd();
            return readNext(t);
        } catch (RuntimeException e) {
            throw chronicleFailure("finding the newest record of " + directory, e);
        }
    }

    private long cycleStart(int cycle) {
        return queue.epoch() + (long) cycle * rollCycle.lengthInMillis();
    }

    private static long align(long n) {
        return (n + 3) & ~3L;
    }

    /** fsync of a file or directory; an interrupt of the calling thread retries it rather than failing. */
    private static void force(Path path) throws IOException {
        boolean interrupted = false;
        try {
            for (int attempt = 0; ; attempt++) {
                try {
                    forceOnce(path);
                    return;
                } catch (ClosedByInterruptException e) {
                    interrupted = true;
                    Thread.interrupted();
                    if (attempt >= MAX_INTERRUPT_RETRIES) {
                        throw e;
                    }
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void forceOnce(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
                ch.force(true);
            }
        } else if (Files.exists(path)) {
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                ch.force(false);
            }
        }
    }

    private IOException chronicleFailure(String what, RuntimeException e) {
        if (e.getCause() instanceof IOException io && e instanceof UncheckedIOException) {
            return io;
        }
        return new IOException("Chronicle Queue failed " + what + ": " + e, e);
    }

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
        IOException failure = null;
        for (FileChannel ch : dirty.values()) {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException e) {
                    failure = e;
                }
            }
        }
        dirty.clear();
        closeQuietly();
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

    private void closeQuietly() {
        for (Replay r : List.copyOf(replays)) {
            r.close();
        }
        try {
            if (appender != null) {
                appender.close();
            }
            if (readTailer != null) {
                readTailer.close();
            }
        } catch (RuntimeException e) {
            // The queue's close below releases them anyway.
        }
        if (queue != null) {
            queue.close();
        }
    }
}
