package dev.lifeboat.backend.mem.internal;

import dev.lifeboat.backend.common.wal.LogStorage;
import dev.lifeboat.backend.common.wal.RecordFrame;
import dev.lifeboat.backend.common.wal.SegmentScanner;
import dev.lifeboat.backend.common.wal.SegmentSource;
import dev.lifeboat.backend.common.wal.WalSettings;
import dev.lifeboat.spi.CorruptDataException;
import dev.lifeboat.spi.wal.CloseableIterator;
import dev.lifeboat.spi.wal.Durability;
import dev.lifeboat.spi.wal.LogRecord;
import dev.lifeboat.spi.wal.RecordHandle;
import dev.lifeboat.spi.wal.RecoveryReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * Log segments as objects {@code wal/<first LSN, 20 digits>} of a {@link MemStore}, in the shared
 * record framing: recovery, torn tails and corruption are told apart by the shared
 * {@link SegmentScanner}, exactly as for the file and object-store backends, so fault hooks that
 * cut or flip bytes meet the same checks. A frame is appended under the object's monitor, so a
 * reader sees whole frames only.
 */
public final class MemLogStorage implements LogStorage {
    public static final String PREFIX = "wal/";

    private final MemStore store;
    private final WalSettings settings;
    private final boolean writer;
    private final RecoveryReport recovery;
    /** The segment being written (writer only; accessed by one batch leader at a time). */
    private MemObject current;

    private MemLogStorage(MemStore store, WalSettings settings, boolean writer) throws IOException {
        this.store = store;
        this.settings = settings;
        this.writer = writer;
        List<Map.Entry<String, MemObject>> segments = segments();
        if (segments.isEmpty()) {
            if (!writer) {
                throw new NoSuchFileException(store.uri(), null, "no write-ahead log in this mem store");
            }
            store.objects().putIfAbsent(segmentName(0), new MemObject());
            segments = segments();
        }
        long expected = firstLsn(segments.get(0).getKey());
        Optional<RecoveryReport.TornTail> torn = Optional.empty();
        for (int i = 0; i < segments.size(); i++) {
            Map.Entry<String, MemObject> e = segments.get(i);
            long first = firstLsn(e.getKey());
            if (first != expected) {
                throw new CorruptDataException(
                        e.getKey(), 0, "segment starts at LSN " + first + " but the log continues at " + expected);
            }
            boolean last = i == segments.size() - 1;
            SegmentScanner.Result r = scanner(e, last).scan(null);
            expected = r.nextLsn();
            if (r.tornTail().isPresent()) {
                torn = r.tornTail();
                if (writer) {
                    e.getValue().truncate(r.validBytes());
                }
            }
        }
        this.recovery = new RecoveryReport(expected, torn);
        if (writer) {
            current = segments.get(segments.size() - 1).getValue();
        }
    }

    /** Opens the writer's storage: creates the log if absent, cuts a torn tail. */
    public static MemLogStorage openWriter(MemStore store, WalSettings settings) throws IOException {
        return new MemLogStorage(store, settings, true);
    }

    /** Opens a read-only view that changes nothing. */
    public static MemLogStorage openReader(MemStore store, WalSettings settings) throws IOException {
        return new MemLogStorage(store, settings, false);
    }

    static String segmentName(long firstLsn) {
        return String.format("%s%020d", PREFIX, firstLsn);
    }

    static long firstLsn(String name) {
        return Long.parseLong(name.substring(PREFIX.length()));
    }

    private List<Map.Entry<String, MemObject>> segments() {
        return new ArrayList<>(store.objects()
                .subMap(PREFIX, true, PREFIX + Character.MAX_VALUE, false)
                .entrySet());
    }

    private SegmentScanner scanner(Map.Entry<String, MemObject> segment, boolean last) {
        return new SegmentScanner(
                source(segment.getKey(), segment.getValue()),
                firstLsn(segment.getKey()),
                last,
                settings.maxRecordBytes(),
                settings.cutCorruptLastRecord());
    }

    private static SegmentSource source(String name, MemObject object) {
        return new SegmentSource() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public long size() {
                return object.length();
            }

            @Override
            public void read(long position, ByteBuffer dst) {
                object.read(position, dst);
            }
        };
    }

    @Override
    public RecoveryReport recovery() {
        return recovery;
    }

    @Override
    public void write(List<ByteBuffer> frames, long firstLsn, long newestTimestamp) throws IOException {
        if (!writer) {
            throw new IllegalStateException("a read-only view of " + store.uri() + " cannot write");
        }
        store.call("write-ahead log write");
        long lsn = firstLsn;
        for (ByteBuffer frame : frames) {
            if (current.length() > 0 && current.length() + frame.remaining() > settings.segmentBytes()) {
                MemObject next = new MemObject();
                store.objects().put(segmentName(lsn), next);
                current = next;
            }
            current.append(frame);
            lsn++;
        }
    }

    @Override
    public void persist(Durability level) {
        // Appended bytes are visible at once; nothing outlives the JVM, so there is nothing to sync.
    }

    @Override
    public Optional<LogRecord> read(long lsn) throws IOException {
        store.call("write-ahead log read");
        Map.Entry<String, MemObject> segment = store.objects().floorEntry(segmentName(lsn));
        if (segment == null || !segment.getKey().startsWith(PREFIX)) {
            return Optional.empty();
        }
        MemObject object = segment.getValue();
        long size = object.length();
        long offset = 0;
        long at = firstLsn(segment.getKey());
        ByteBuffer header = ByteBuffer.allocate(RecordFrame.HEADER_BYTES);
        while (offset + RecordFrame.HEADER_BYTES <= size) {
            header.clear();
            object.read(offset, header);
            header.flip();
            RecordFrame.Header h = RecordFrame.decodeHeader(header);
            if (h == null || h.length() > settings.maxRecordBytes() || h.lsn() != at) {
                throw new CorruptDataException(segment.getKey(), offset, "bad record header reading LSN " + lsn);
            }
            if (offset + h.frameBytes() > size) {
                return Optional.empty(); // a torn tail: the record is not there
            }
            if (at == lsn) {
                ByteBuffer payload = ByteBuffer.allocate(h.length());
                object.read(offset + RecordFrame.HEADER_BYTES, payload);
                payload.flip();
                CRC32C crc = new CRC32C();
                crc.update(payload.duplicate());
                if ((int) crc.getValue() != h.payloadCrc()) {
                    throw new CorruptDataException(
                            segment.getKey(), offset, "payload CRC32C mismatch in record LSN " + lsn);
                }
                return Optional.of(new LogRecord(RecordHandle.of(lsn), h.timestampMillis(), payload));
            }
            offset += h.frameBytes();
            at++;
        }
        return Optional.empty();
    }

    @Override
    public CloseableIterator<LogRecord> replay(long fromLsn) throws IOException {
        store.call("write-ahead log replay");
        List<Map.Entry<String, MemObject>> segments = segments();
        ArrayDeque<Map.Entry<String, MemObject>> todo = new ArrayDeque<>();
        for (int i = 0; i < segments.size(); i++) {
            boolean laterCovers =
                    i + 1 < segments.size() && firstLsn(segments.get(i + 1).getKey()) <= fromLsn;
            if (!laterCovers) {
                todo.add(segments.get(i));
            }
        }
        Map.Entry<String, MemObject> lastSegment = segments.isEmpty() ? null : segments.get(segments.size() - 1);
        return new CloseableIterator<>() {
            private Iterator<LogRecord> records = List.<LogRecord>of().iterator();

            @Override
            public boolean hasNext() {
                while (!records.hasNext() && !todo.isEmpty()) {
                    Map.Entry<String, MemObject> segment = todo.poll();
                    List<LogRecord> out = new ArrayList<>();
                    try {
                        scanner(segment, segment == lastSegment).scan(r -> {
                            if (r.handle().lsn() >= fromLsn) {
                                out.add(r);
                            }
                        });
                    } catch (IOException e) {
                        todo.clear();
                        throw new UncheckedIOException(e);
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
                todo.clear();
            }
        };
    }

    @Override
    public Optional<RecordHandle> first() {
        for (Map.Entry<String, MemObject> e : segments()) {
            if (e.getValue().length() > 0) {
                return Optional.of(RecordHandle.of(firstLsn(e.getKey())));
            }
        }
        return Optional.empty();
    }

    @Override
    public Optional<RecordHandle> last() throws IOException {
        Optional<RecordHandle> first = first();
        List<Map.Entry<String, MemObject>> segments = segments();
        if (first.isEmpty() || segments.isEmpty()) {
            return Optional.empty();
        }
        Map.Entry<String, MemObject> last = segments.get(segments.size() - 1);
        long next = walk(last.getKey(), last.getValue(), null);
        return next - 1 >= first.get().lsn() ? Optional.of(RecordHandle.of(next - 1)) : Optional.empty();
    }

    /** Walks the complete frames' headers of a segment: the LSN after its last one. */
    private long walk(String name, MemObject object, long[] newestTimestamp) throws CorruptDataException {
        long size = object.length();
        long offset = 0;
        long lsn = firstLsn(name);
        ByteBuffer header = ByteBuffer.allocate(RecordFrame.HEADER_BYTES);
        while (offset + RecordFrame.HEADER_BYTES <= size) {
            header.clear();
            object.read(offset, header);
            header.flip();
            RecordFrame.Header h = RecordFrame.decodeHeader(header);
            if (h == null || offset + h.frameBytes() > size) {
                break;
            }
            if (newestTimestamp != null) {
                newestTimestamp[0] = Math.max(newestTimestamp[0], h.timestampMillis());
            }
            offset += h.frameBytes();
            lsn++;
        }
        return lsn;
    }

    @Override
    public void truncateBefore(long lsn) {
        List<Map.Entry<String, MemObject>> segments = segments();
        for (int i = 0; i + 1 < segments.size(); i++) {
            if (firstLsn(segments.get(i + 1).getKey()) > lsn) {
                return;
            }
            store.objects().remove(segments.get(i).getKey());
        }
    }

    @Override
    public void truncateBeforeTime(long thresholdMillis) throws IOException {
        List<Map.Entry<String, MemObject>> segments = segments();
        for (int i = 0; i + 1 < segments.size(); i++) {
            long[] newest = {Long.MIN_VALUE};
            walk(segments.get(i).getKey(), segments.get(i).getValue(), newest);
            if (newest[0] >= thresholdMillis) {
                return;
            }
            store.objects().remove(segments.get(i).getKey());
        }
    }

    @Override
    public void close() {
        if (writer) {
            store.walWriter().set(false);
        }
    }
}
