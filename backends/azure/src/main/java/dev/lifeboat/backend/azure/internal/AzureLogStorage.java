package dev.lifeboat.backend.azure.internal;

import static dev.lifeboat.backend.azure.internal.AzureSegments.SEGMENTS;
import static dev.lifeboat.backend.azure.internal.AzureSegments.list;
import static dev.lifeboat.backend.azure.internal.AzureSegments.seal;
import static java.util.Objects.requireNonNull;

import com.azure.storage.blob.models.BlobProperties;
import dev.lifeboat.backend.azure.internal.AzureSegments.Segment;
import dev.lifeboat.backend.common.wal.LogStorage;
import dev.lifeboat.backend.common.wal.SegmentScanner;
import dev.lifeboat.backend.common.wal.WalSettings;
import dev.lifeboat.spi.ConcurrentWriterException;
import dev.lifeboat.spi.CorruptDataException;
import dev.lifeboat.spi.OutcomeUnknownException;
import dev.lifeboat.spi.wal.CloseableIterator;
import dev.lifeboat.spi.wal.Durability;
import dev.lifeboat.spi.wal.LogRecord;
import dev.lifeboat.spi.wal.RecordHandle;
import dev.lifeboat.spi.wal.RecoveryReport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Write-ahead log storage on Azure append blobs. Each group-commit batch is one Append Block
 * (split at {@link AzureAppender#MAX_APPEND} bytes) sent with the append-position condition, so it lands whole
 * at the expected offset or not at all, and is durable when the call returns.
 *
 * <p>Layout under the log's prefix: {@code wal/head} holds the writer generation, advanced with
 * {@code If-Match} by every writer that opens (two racing openers: one wins, the other is refused);
 * {@code wal/segments/<first LSN, 20 digits>-<generation, 10 digits>} are the segments, in name
 * order. An opening writer advances the generation, then <em>seals</em> every segment (a sealed
 * append blob refuses appends, so the previous writer is fenced by storage at its next append),
 * then scans the last one (a sealed blob no longer changes) and starts a segment of its own at the
 * next LSN. A writer that rolls creates its next segment and then checks the generation, sealing
 * the new segment and stopping if a newer writer opened in between.
 *
 * <p>A segment's records end where the next segment begins (its name carries its first LSN);
 * bytes after that point are a torn tail that an earlier writer cut off, and are ignored. Empty
 * segments (a writer that opened and wrote nothing) are skipped.
 */
public final class AzureLogStorage implements LogStorage {
    static final String HEAD = "wal/head";

    private final Blobs blobs;
    private final WalSettings settings;
    private final boolean writer;
    private final RecoveryReport recovery;
    /** Newest timestamp of sealed segments (immutable), by name. */
    private final Map<String, Long> newestOfSealed = new ConcurrentHashMap<>();
    /** The writer's state; a read-only view's has no segment. */
    private final AzureAppender appender;

    private volatile boolean closed;

    private AzureLogStorage(
            Blobs blobs, WalSettings settings, boolean writer, RecoveryReport recovery, long generation) {
        this.blobs = blobs;
        this.settings = settings;
        this.writer = writer;
        this.recovery = recovery;
        this.appender = new AzureAppender(blobs, settings, generation, recovery.nextLsn(), newestOfSealed);
    }

    /** Opens the log for writing, creating it if absent; fences any earlier writer. */
    public static AzureLogStorage openWriter(Blobs blobs, WalSettings settings) throws IOException {
        requireNonNull(blobs, "blobs is null");
        Opened opened = advanceGeneration(blobs);
        long generation = opened.head().generation();
        // Seal everything: the previous writer's next append fails, and nothing changes under the scan.
        List<Segment> segments = list(blobs);
        boolean sealed = false;
        for (Segment s : segments) {
            if (!s.sealed()) {
                seal(blobs, s.name());
                sealed = true;
            }
        }
        if (sealed) {
            segments = list(blobs); // sizes after sealing
        }
        checkNewestSegment(blobs, opened.head(), segments);
        // Empty segments before the last (writers that opened and wrote nothing) start where the
        // next one does, so they bound nothing: remove them.
        List<Segment> kept = new ArrayList<>();
        for (int i = 0; i < segments.size(); i++) {
            if (i + 1 < segments.size() && segments.get(i).size() == 0) {
                blobs.delete(segments.get(i).name());
            } else {
                kept.add(segments.get(i));
            }
        }
        segments = kept;
        RecoveryReport recovery = scanEnd(blobs, settings, segments);
        checkPersistedEnd(blobs, settings, opened.head(), segments, recovery);
        AzureLogStorage storage = new AzureLogStorage(blobs, settings, true, recovery, generation);
        storage.appender.start(opened.etag(), recovery.nextLsn());
        return storage;
    }

    /** Opens a read-only view of an existing log. */
    public static AzureLogStorage openReader(Blobs blobs, WalSettings settings) throws IOException {
        requireNonNull(blobs, "blobs is null");
        Blobs.Blob blob = blobs.get(HEAD)
                .orElseThrow(() -> new NoSuchFileException(blobs.describe(HEAD), null, "no write-ahead log here"));
        WalHead head = WalHead.decode(blob.bytes(), blobs.describe(HEAD));
        List<Segment> segments = list(blobs);
        checkNewestSegment(blobs, head, segments);
        RecoveryReport recovery = scanEnd(blobs, settings, segments);
        checkPersistedEnd(blobs, settings, head, segments, recovery);
        return new AzureLogStorage(blobs, settings, false, recovery, -1);
    }

    /** The head a writer wrote when it opened, and its ETag. */
    private record Opened(WalHead head, String etag) {}

    /**
     * The head names the newest segment a writer created: if a listing (strongly consistent on
     * Azure) lacks it, the segment was deleted and its records are lost — never the end of the log.
     */
    private static void checkNewestSegment(Blobs blobs, WalHead head, List<Segment> segments)
            throws CorruptDataException {
        Optional<String> newest = head.newestSegment();
        if (newest.isPresent() && segments.stream().noneMatch(s -> s.name().equals(newest.get()))) {
            throw new CorruptDataException(
                    blobs.describe(newest.get()),
                    0,
                    "the head names this segment as the log's newest, but it is gone: the records written to it"
                            + " are lost");
        }
    }

    /**
     * The head records how far the log was persisted when it was written (at a writer's open, roll
     * and close): a log that ends below that lost records (a segment cut or replaced), unless the
     * operator asked to cut a damaged last record.
     */
    private static void checkPersistedEnd(
            Blobs blobs, WalSettings settings, WalHead head, List<Segment> segments, RecoveryReport recovery)
            throws CorruptDataException {
        // A torn tail is what a crash in mid-append leaves, and the log cuts it as every backend
        // does; a log that ends cleanly below the persisted end lost whole records.
        if (!settings.cutCorruptLastRecord()
                && recovery.tornTail().isEmpty()
                && recovery.nextLsn() < head.persistedEnd()) {
            String where = segments.isEmpty()
                    ? blobs.describe(SEGMENTS)
                    : blobs.describe(segments.get(segments.size() - 1).name());
            throw new CorruptDataException(
                    where,
                    -1,
                    "the log ends at LSN " + recovery.nextLsn() + " but its head records every record below LSN "
                            + head.persistedEnd() + " as persisted: records were lost (a segment was cut or"
                            + " replaced)");
        }
    }

    private static Opened advanceGeneration(Blobs blobs) throws IOException {
        Optional<Blobs.Blob> head = blobs.get(HEAD);
        WalHead was = head.isEmpty()
                ? new WalHead(0, Optional.empty(), 0)
                : WalHead.decode(head.get().bytes(), blobs.describe(HEAD));
        WalHead advanced = was.nextGeneration();
        byte[] next = advanced.encode();
        Optional<String> written;
        try {
            written = head.isEmpty()
                    ? blobs.putIfAbsent(HEAD, next)
                    : blobs.putIfMatch(HEAD, next, head.get().etag(), null);
        } catch (OutcomeUnknownException e) {
            Optional<Blobs.Blob> now = blobs.get(HEAD);
            written = now.isPresent() && Arrays.equals(now.get().bytes(), next)
                    ? Optional.of(now.get().etag())
                    : Optional.empty();
        }
        if (written.isEmpty()) {
            throw new ConcurrentWriterException(
                    "another writer opened the write-ahead log " + blobs.location() + " at the same moment");
        }
        return new Opened(advanced, written.get());
    }

    /** What the end of the log is: the last segment scanned (or, if empty, its name's first LSN). */
    private static RecoveryReport scanEnd(Blobs blobs, WalSettings settings, List<Segment> segments)
            throws IOException {
        if (segments.isEmpty()) {
            return RecoveryReport.clean(0);
        }
        Segment last = segments.get(segments.size() - 1);
        if (last.size() == 0) {
            return RecoveryReport.clean(last.firstLsn());
        }
        SegmentScanner.Result r = new SegmentScanner(
                        new AzureChunkedSource(blobs, last.name(), last.size()),
                        last.firstLsn(),
                        true,
                        settings.maxRecordBytes(),
                        settings.cutCorruptLastRecord())
                .scan(null);
        return new RecoveryReport(r.nextLsn(), r.tornTail());
    }

    @Override
    public RecoveryReport recovery() {
        return recovery;
    }

    @Override
    public void write(List<ByteBuffer> frames, long firstLsn, long newestTimestamp) throws IOException {
        checkWriter();
        appender.write(frames, firstLsn);
    }

    @Override
    public void persist(Durability level) {
        // Every Append Block is durable when it returns: nothing is buffered here.
    }

    private void checkWriter() {
        if (!writer) {
            throw new IllegalStateException("a reader of " + blobs.location() + " cannot write");
        }
        if (closed) {
            throw new IllegalStateException("the write-ahead log " + blobs.location() + " is closed");
        }
    }

    /** The end LSN a reader sees now (the writer knows its own). */
    private long endLsn(List<Segment> segments) throws IOException {
        if (writer) {
            return appender.nextLsn();
        }
        return scanEnd(blobs, settings, segments).nextLsn();
    }

    /** Reads the records of one segment in [from, bound) into {@code sink}; checks its extent. */
    private void scanSegment(List<Segment> segments, int i, long bound, java.util.function.Consumer<LogRecord> sink)
            throws IOException {
        Segment s = segments.get(i);
        if (s.size() == 0) {
            return;
        }
        boolean last = i == segments.size() - 1;
        long size = last ? currentSize(s) : s.size();
        // A sealed segment followed by another may end in a record its next writer cut (torn, or
        // damaged and cut on request): it ends where the next segment starts, which the check
        // below holds it to, so a damaged record that was not superseded is still corruption.
        SegmentScanner.Result r = new SegmentScanner(
                        new AzureChunkedSource(blobs, s.name(), size),
                        s.firstLsn(),
                        true,
                        settings.maxRecordBytes(),
                        !last || settings.cutCorruptLastRecord())
                .scan(rec -> {
                    if (rec.handle().lsn() < bound) {
                        sink.accept(rec);
                    }
                });
        if (!last) {
            long expectedEnd = nextNonEmptyStart(segments, i).orElse(r.nextLsn());
            if (r.nextLsn() < expectedEnd) {
                throw new CorruptDataException(
                        blobs.describe(SEGMENTS + String.format("%020d-*", r.nextLsn())),
                        0,
                        "the segment that starts at LSN " + r.nextLsn() + " is missing: "
                                + blobs.describe(s.name()) + " ends there and the next segment starts at LSN "
                                + expectedEnd + " (records " + r.nextLsn() + " to " + (expectedEnd - 1) + " lost)");
            }
        }
    }

    private long currentSize(Segment s) throws IOException {
        return blobs.head(s.name()).map(BlobProperties::getBlobSize).orElse(0L);
    }

    private static Optional<Long> nextNonEmptyStart(List<Segment> segments, int i) {
        return i + 1 < segments.size() ? Optional.of(segments.get(i + 1).firstLsn()) : Optional.empty();
    }

    /** The bound of segment i: the next segment's first LSN, or the end of the log. */
    private static long boundOf(List<Segment> segments, int i, long end) {
        return i + 1 < segments.size() ? segments.get(i + 1).firstLsn() : end;
    }

    @Override
    public Optional<LogRecord> read(long lsn) throws IOException {
        List<Segment> segments = list(blobs);
        long end = endLsn(segments);
        if (lsn < 0 || lsn >= end) {
            return Optional.empty();
        }
        for (int i = segments.size() - 1; i >= 0; i--) {
            Segment s = segments.get(i);
            if (s.size() > 0 && s.firstLsn() <= lsn && lsn < boundOf(segments, i, end)) {
                LogRecord[] found = new LogRecord[1];
                scanSegment(segments, i, boundOf(segments, i, end), r -> {
                    if (r.handle().lsn() == lsn) {
                        found[0] = r;
                    }
                });
                return Optional.ofNullable(found[0]);
            }
        }
        return Optional.empty();
    }

    @Override
    public CloseableIterator<LogRecord> replay(long fromLsn) throws IOException {
        List<Segment> segments = list(blobs);
        long end = endLsn(segments);
        return new CloseableIterator<>() {
            private int index;
            private Iterator<LogRecord> records = List.<LogRecord>of().iterator();

            @Override
            public boolean hasNext() {
                while (!records.hasNext() && index < segments.size()) {
                    int i = index++;
                    long bound = boundOf(segments, i, end);
                    if (bound <= fromLsn) {
                        continue;
                    }
                    List<LogRecord> out = new ArrayList<>();
                    try {
                        scanSegment(segments, i, bound, r -> {
                            if (r.handle().lsn() >= fromLsn) {
                                out.add(r);
                            }
                        });
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    records = out.iterator();
                }
                return records.hasNext();
            }

            @Override
            public LogRecord next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return records.next();
            }

            @Override
            public void close() {
                index = segments.size();
            }
        };
    }

    @Override
    public Optional<RecordHandle> first() throws IOException {
        List<Segment> segments = list(blobs);
        long end = endLsn(segments);
        for (int i = 0; i < segments.size(); i++) {
            Segment s = segments.get(i);
            if (s.size() > 0 && s.firstLsn() < boundOf(segments, i, end)) {
                return Optional.of(RecordHandle.of(s.firstLsn()));
            }
        }
        return Optional.empty();
    }

    @Override
    public Optional<RecordHandle> last() throws IOException {
        long end = endLsn(list(blobs));
        return end == 0 || first().isEmpty() ? Optional.empty() : Optional.of(RecordHandle.of(end - 1));
    }

    @Override
    public void truncateBefore(long lsn) throws IOException {
        List<Segment> segments = list(blobs);
        // A segment goes when the next one starts at or below lsn; the last one always stays.
        for (int i = 0; i + 1 < segments.size(); i++) {
            if (segments.get(i + 1).firstLsn() <= lsn && !segments.get(i).name().equals(appender.current())) {
                blobs.delete(segments.get(i).name());
                newestOfSealed.remove(segments.get(i).name());
            }
        }
    }

    @Override
    public void truncateBeforeTime(long thresholdMillis) throws IOException {
        List<Segment> segments = list(blobs);
        long end = endLsn(segments);
        for (int i = 0; i + 1 < segments.size(); i++) {
            Segment s = segments.get(i);
            if (s.name().equals(appender.current())) {
                break;
            }
            Long newest = newestOfSealed.get(s.name());
            if (newest == null) {
                long[] max = {Long.MIN_VALUE};
                scanSegment(
                        segments, i, boundOf(segments, i, end), r -> max[0] = Math.max(max[0], r.timestampMillis()));
                newest = max[0];
                newestOfSealed.put(s.name(), newest);
            }
            if (newest >= thresholdMillis) {
                break; // segments are in LSN order; keep this one and every later one
            }
            blobs.delete(s.name());
            newestOfSealed.remove(s.name());
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (writer && appender.current() != null) {
                try {
                    appender.writeHead(appender.current(), appender.nextLsn()); // everything written is persisted
                } catch (IOException e) {
                    // The head keeps its last persisted end: lower, so it only checks less.
                }
            }
            blobs.close();
        }
    }
}
