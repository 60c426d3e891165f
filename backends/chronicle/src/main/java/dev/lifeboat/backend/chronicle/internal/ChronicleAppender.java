package dev.lifeboat.backend.chronicle.internal;

import dev.lifeboat.spi.wal.Durability;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueStore;
import net.openhft.chronicle.wire.DocumentContext;
import net.openhft.chronicle.wire.WriteAfterEOFException;

/**
 * The writer's side of a queue: one excerpt per frame, rolling to the next cycle file once a
 * cycle holds {@code segment-bytes}, and {@code fdatasync} of every cycle file written since the
 * last sync.
 *
 * <p>Not thread-safe: called by the group-commit leader only (one thread at a time), and closed
 * after the last call. {@link #lastLsn()} may be read by any thread.
 */
final class ChronicleAppender {
    private final ChronicleCycles cycles;
    private final ChronicleRecords records;
    private final RollCycle rollCycle;
    private final CycleClock clock;
    private final long segmentBytes;
    private ExcerptAppender appender;
    private long nextLsn;
    private volatile long lastLsn = -1;
    private int writeCycle = Integer.MIN_VALUE;
    private long cycleBytes;
    private final Map<Path, FileChannel> dirty = new LinkedHashMap<>();
    /** The cycle whose file {@link #dirty} holds for certain (sync keeps the current cycle's entry). */
    private int dirtyCycle = Integer.MIN_VALUE;

    private boolean newFileSinceSync;
    /** Copies read-only heap frames, which show no array, into excerpts a chunk at a time. */
    private final byte[] scratch = new byte[8 << 10];

    ChronicleAppender(ChronicleCycles cycles, ChronicleRecords records, long segmentBytes) {
        this.cycles = cycles;
        this.records = records;
        this.rollCycle = cycles.rollCycle();
        this.clock = cycles.clock();
        this.segmentBytes = segmentBytes;
    }

    /** The LSN of the last record appended; -1 if none. */
    long lastLsn() {
        return lastLsn;
    }

    /**
     * Where recovery found the log: the next LSN, and the cycle appends continue in with the data
     * bytes it holds ({@link Integer#MIN_VALUE} and 0 to start in a new cycle).
     */
    void resume(long nextLsn, int writeCycle, long cycleBytes) {
        this.nextLsn = nextLsn;
        this.lastLsn = nextLsn - 1;
        this.writeCycle = writeCycle;
        this.cycleBytes = cycleBytes;
    }

    void write(List<ByteBuffer> frames, long firstLsn) throws IOException {
        if (firstLsn != nextLsn) {
            throw new IllegalStateException("frames start at LSN " + firstLsn + " but the log continues at " + nextLsn);
        }
        ExcerptAppender a = appender();
        try {
            for (ByteBuffer frame : frames) {
                int length = frame.remaining();
                long excerptBytes = ChronicleCycles.align(length + Excerpt.CHRONICLE_HEADER_BYTES);
                if (cycleBytes > 0 && cycleBytes + excerptBytes > segmentBytes) {
                    clock.raiseFloor(cycles.cycleStart(writeCycle + 1));
                }
                try (DocumentContext dc = writingDocument(a)) {
                    try {
                        copyInto(dc.wire().bytes(), frame, scratch);
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
                    records.firstAppended(cycle, nextLsn);
                }
                cycleBytes += excerptBytes;
                nextLsn++;
            }
        } catch (RuntimeException e) {
            throw ChronicleCycles.failure("appending to " + cycles.directory(), e);
        } finally {
            lastLsn = nextLsn - 1;
        }
        if (dirtyCycle != writeCycle) {
            // Resolving the cycle's path costs more than appending a small excerpt: once per cycle.
            dirty.putIfAbsent(cycles.file(writeCycle), null);
            dirtyCycle = writeCycle;
        }
    }

    /**
     * Copies a frame into the excerpt being written, once, without moving the frame's position:
     * straight from a heap frame's array; from a direct frame through Chronicle's
     * {@code ByteBuffer} copy, with no heap copy in between; and from a read-only heap frame,
     * which shows no array, through {@code scratch} a chunk at a time. None needs more module
     * access than Chronicle's own flags.
     *
     * @param scratch a chunk to reuse for read-only heap frames; not shared between threads
     */
    static void copyInto(Bytes<?> bytes, ByteBuffer frame, byte[] scratch) {
        int length = frame.remaining();
        if (frame.hasArray()) {
            bytes.write(frame.array(), frame.arrayOffset() + frame.position(), length);
            return;
        }
        ByteBuffer from = frame.duplicate();
        if (from.isDirect()) {
            while (from.hasRemaining()) {
                int before = from.remaining();
                bytes.writeSome(from);
                if (from.remaining() == before) {
                    throw new IllegalStateException("the excerpt took " + (length - before) + " of the frame's "
                            + length + " bytes and no more");
                }
            }
            return;
        }
        while (from.hasRemaining()) {
            int n = Math.min(scratch.length, from.remaining());
            from.get(scratch, 0, n);
            bytes.write(scratch, 0, n);
        }
    }

    void persist(Durability level) throws IOException {
        // An excerpt is in the page cache of the mapped file once written: visible to readers
        // and kept if this process dies. Only SYNC has more to do.
        if (level != Durability.SYNC) {
            return;
        }
        Path current = writeCycle == Integer.MIN_VALUE ? null : cycles.file(writeCycle);
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
                    if (attempt >= ChronicleCycles.MAX_INTERRUPT_RETRIES) {
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
            ChronicleCycles.force(cycles.directory().resolve(ChronicleCycles.QUEUE_METADATA));
            ChronicleCycles.force(cycles.directory());
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
            int[] cs = cycles.list();
            int newest = Math.max(writeCycle, cs.length == 0 ? Integer.MIN_VALUE : cs[cs.length - 1]);
            clock.raiseFloor(cycles.cycleStart(newest + 1));
            return a.writingDocument();
        }
    }

    private ExcerptAppender appender() throws IOException {
        if (appender == null) {
            try {
                appender = cycles.queue().createAppender();
                appender.singleThreadedCheckDisabled(true);
            } catch (RuntimeException e) {
                throw ChronicleCycles.failure("creating an appender on " + cycles.directory(), e);
            }
        }
        return appender;
    }

    private void onNewCycle(int cycle) {
        if (writeCycle != Integer.MIN_VALUE) {
            // Chronicle closed the previous cycle with an end-of-file marker.
            dirty.putIfAbsent(cycles.file(writeCycle), null);
        }
        writeCycle = cycle;
        cycleBytes = 0;
        newFileSinceSync = true;
        dirty.putIfAbsent(cycles.file(cycle), null);
        dirtyCycle = cycle;
        clock.raiseFloor(cycles.cycleStart(cycle));
        cycles.add(cycle);
    }

    /** Moves the writer to a new cycle file after {@code cycle}, created at once. */
    void rollPast(int cycle) throws IOException {
        int next = cycle + 1;
        clock.raiseFloor(cycles.cycleStart(next));
        try {
            var queue = cycles.queue();
            SingleChronicleQueueStore store = queue.storeForCycle(next, queue.epoch(), true, null);
            if (store != null) {
                queue.closeStore(store);
            }
            queue.refreshDirectoryListing();
        } catch (RuntimeException e) {
            throw ChronicleCycles.failure("creating cycle " + next + " past a torn tail", e);
        }
        ChronicleCycles.force(cycles.file(next));
        ChronicleCycles.force(cycles.directory().resolve(ChronicleCycles.QUEUE_METADATA));
        ChronicleCycles.force(cycles.directory());
        writeCycle = next;
        cycleBytes = 0;
        cycles.add(next);
    }

    /** Closes the channels kept for syncing; the first failure is thrown after all are closed. */
    void closeChannels() throws IOException {
        IOException failure = null;
        for (FileChannel ch : dirty.values()) {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException e) {
                    if (failure == null) {
                        failure = e;
                    }
                }
            }
        }
        dirty.clear();
        if (failure != null) {
            throw failure;
        }
    }

    /** Closes Chronicle's appender (the queue's close releases it in any case). */
    void closeAppender() {
        if (appender != null) {
            appender.close();
        }
    }
}
