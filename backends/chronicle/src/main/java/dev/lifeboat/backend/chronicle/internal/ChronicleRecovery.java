package dev.lifeboat.backend.chronicle.internal;

import dev.lifeboat.backend.common.wal.RecordFrame;
import dev.lifeboat.spi.wal.RecoveryReport;
import dev.lifeboat.spi.wal.RecoveryReport.TornTail;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueStore;
import net.openhft.chronicle.queue.impl.single.TableStoreWriteLock;
import net.openhft.chronicle.threads.Pauser;
import net.openhft.chronicle.wire.Wires;

/**
 * What opening a queue finds: the next LSN after the newest intact record, and a torn tail if
 * the newest cycle file ends in one, which a writer cuts off by moving to a new cycle file.
 *
 * <p>Chronicle writes an excerpt's length header after its bytes, so a process killed in
 * mid-append leaves bytes that no reader sees (the header is still 0); after an OS crash of
 * records never synced, a header can also reach the disk without all its bytes. A record whose
 * frame fails verification is a torn tail when it is the last excerpt of its cycle and only zeros
 * follow it; anything else that fails is {@link dev.lifeboat.spi.CorruptDataException}.
 */
final class ChronicleRecovery {
    private final ChronicleCycles cycles;
    private final ChronicleRecords records;
    private final long maxRecordBytes;

    private ChronicleRecovery(ChronicleCycles cycles, ChronicleRecords records, long maxRecordBytes) {
        this.cycles = cycles;
        this.records = records;
        this.maxRecordBytes = maxRecordBytes;
    }

    /**
     * Frees Chronicle's write lock if a process that died holds it. A writer killed in mid-append
     * leaves it taken; Chronicle would take it back only after its lock timeout, at every step
     * that locks. Holding our writer lock proves that no other writer of this log is alive.
     */
    static void releaseLockOfDeadWriter(SingleChronicleQueue queue) {
        try (TableStoreWriteLock writeLock = new TableStoreWriteLock(queue.metaStore(), Pauser::balanced, 0L)) {
            writeLock.forceUnlockIfProcessIsDead();
        }
    }

    /**
     * Recovers the queue. A writer ({@code appender} given) resumes after the newest intact
     * record and moves past a torn tail; a read-only view only reports it.
     */
    static RecoveryReport recover(
            ChronicleCycles cycles, ChronicleRecords records, long maxRecordBytes, ChronicleAppender appender)
            throws IOException {
        return new ChronicleRecovery(cycles, records, maxRecordBytes).recover(appender);
    }

    private RecoveryReport recover(ChronicleAppender appender) throws IOException {
        int[] cs = cycles.list();
        boolean writable = appender != null;
        long nextLsn = 0;
        if (cs.length == 0) {
            if (writable) {
                appender.resume(0, Integer.MIN_VALUE, 0);
            }
            return RecoveryReport.clean(0);
        }
        int last = cs[cs.length - 1];
        CycleClock clock = cycles.clock();
        clock.raiseFloor(cycles.cycleStart(last));
        long writePosition = writePosition(last);
        Optional<Excerpt> newest = records.newestExcerpt();
        Optional<TornTail> torn = Optional.empty();
        long lastHeader = 0;
        boolean sealed = false;
        int writeCycle = Integer.MIN_VALUE;
        long cycleBytes = 0;
        if (newest.isPresent()) {
            int newestCycle = newest.get().cycle();
            Tail tail = scanCycle(newestCycle);
            nextLsn = tail.nextLsn();
            if (newestCycle == last) {
                torn = tail.torn();
                lastHeader = tail.lastHeader();
                sealed = tail.sealed();
                writeCycle = last;
                cycleBytes = tail.bytes();
            }
        }
        if (torn.isEmpty() && writePosition > lastHeader) {
            torn = Optional.of(phantom(last, writePosition));
        }
        if (writable) {
            appender.resume(nextLsn, writeCycle, cycleBytes);
            // Only the newest cycle file can hold a torn tail; a later cycle without records means
            // an earlier writer cut it off already.
            if (torn.isPresent()) {
                appender.rollPast(last);
            } else if (sealed) {
                // Chronicle closed this cycle (a writer rolled, then died before the next cycle file
                // existed): appends go to the next one.
                clock.raiseFloor(cycles.cycleStart(last + 1));
                appender.resume(nextLsn, Integer.MIN_VALUE, 0);
            }
        }
        return new RecoveryReport(nextLsn, torn);
    }

    /**
     * An excerpt Chronicle's write position points at but no reader sees: its header did not
     * reach the disk (an OS crash before the record was synced). Chronicle would append after it
     * with a gap in its sequence numbers, so it is a torn tail that only a new cycle gets past.
     */
    private TornTail phantom(int cycle, long writePosition) throws IOException {
        Path file = cycles.file(cycle);
        long garbage = ChronicleCycles.lastNonZero(
                file,
                writePosition,
                4 + RecordFrame.HEADER_BYTES + (int) Math.min(maxRecordBytes, ChronicleCycles.ZERO_WINDOW));
        long end = Math.max(writePosition + Excerpt.CHRONICLE_HEADER_BYTES, garbage + 1);
        return new TornTail(file.toString(), writePosition, end - writePosition);
    }

    /** Chronicle's write position in {@code cycle}: the header of its last excerpt, 0 if none. */
    private long writePosition(int cycle) throws IOException {
        SingleChronicleQueue queue = cycles.queue();
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
            throw ChronicleCycles.failure("reading the write position of cycle " + cycle, e);
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
        try (ExcerptTailer t = cycles.queue().createTailer()) {
            if (!t.moveToIndex(cycles.rollCycle().toIndex(cycle, 0))) {
                return new Tail(records.lastLsnBefore(cycle) + 1, 0, 0, false, Optional.empty());
            }
            while (true) {
                Optional<Excerpt> e = records.readNext(t);
                if (e.isEmpty() || e.get().cycle() != cycle) {
                    break;
                }
                Excerpt x = e.get();
                if (expected < 0) {
                    OptionalLong first = ChronicleRecords.firstLsnOf(x);
                    expected = first.isPresent() ? first.getAsLong() : records.lastLsnBefore(cycle) + 1;
                    start = x.headerPosition();
                }
                lastHeader = x.headerPosition();
                ChronicleRecords.Verified v = records.verify(x, expected);
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
            throw ChronicleCycles.failure("scanning cycle " + cycle, e);
        }
        boolean sealed = false;
        if (torn.isEmpty() && previous != null) {
            sealed = ChronicleCycles.headerAt(previous.file(), previous.nextHeaderPosition()) == Wires.END_OF_DATA;
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
        long from = ChronicleCycles.afterExcerpt(last.file(), last.nextHeaderPosition());
        if (from < 0) {
            return Optional.empty();
        }
        long lastNonZero = ChronicleCycles.lastNonZero(last.file(), from, ChronicleCycles.ZERO_WINDOW);
        return Optional.of(new TornTail(last.file().toString(), from, Math.max(lastNonZero + 1, from + 4) - from));
    }
}
