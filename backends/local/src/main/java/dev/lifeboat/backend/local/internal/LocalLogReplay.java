package dev.lifeboat.backend.local.internal;

import dev.lifeboat.spi.wal.CloseableIterator;
import dev.lifeboat.spi.wal.LogRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * Streams the records of a local log in LSN order from a starting LSN, a window of frames at a
 * time, segment after segment. A segment truncated while the stream is in it is skipped (its
 * records are gone); for a read-only view, reaching the end of the last known segment looks for
 * segments the writer has added since.
 *
 * <p>Errors surface from {@link #hasNext()} as {@link UncheckedIOException} (for example a
 * {@link dev.lifeboat.spi.CorruptDataException} naming the segment and offset), and again on
 * every later call: a damaged log never looks shorter than it is.
 */
final class LocalLogReplay implements CloseableIterator<LogRecord> {
    private final LocalLogStorage storage;
    private final long window;
    private long wanted;
    private LocalSegment segment;
    private long offset;
    private long lsn;
    private final ArrayDeque<LogRecord> buffered = new ArrayDeque<>();
    private boolean finished;
    private boolean closed;
    private IOException failure;

    /**
     * @param from the first LSN wanted; earlier records are skipped, and if it was truncated the
     *     stream starts at the oldest record left
     * @param window about how many bytes of frames to read at a time
     */
    LocalLogReplay(LocalLogStorage storage, long from, long window) {
        this.storage = storage;
        this.wanted = from;
        this.window = window;
    }

    @Override
    public boolean hasNext() {
        try {
            return peek().isPresent();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public LogRecord next() {
        if (!hasNext()) {
            throw new NoSuchElementException("no more records in the write-ahead log at " + storage.directory());
        }
        return buffered.poll();
    }

    /** The next record without taking it, or empty at the end of what is visible. */
    Optional<LogRecord> peek() throws IOException {
        if (closed) {
            return Optional.empty();
        }
        storage.checkOpen();
        if (failure != null) {
            throw failure;
        }
        try {
            while (buffered.isEmpty() && !finished) {
                advance();
            }
        } catch (IOException e) {
            failure = e;
            throw e;
        }
        return Optional.ofNullable(buffered.peek());
    }

    private void advance() throws IOException {
        if (segment == null) {
            Map.Entry<Long, LocalSegment> start = storage.segmentFor(wanted);
            if (start == null) {
                finished = true;
                return;
            }
            enter(start.getValue());
            return;
        }
        Map.Entry<Long, LocalSegment> next = storage.segmentAfter(segment);
        boolean last = next == null;
        LocalSegment.Step step;
        try {
            step = segment.step(offset, lsn, window, last, last ? -1 : next.getKey(), record -> {
                if (record.handle().lsn() >= wanted) {
                    buffered.add(record);
                }
            });
        } catch (NoSuchFileException truncated) {
            storage.segmentVanished(segment);
            Map.Entry<Long, LocalSegment> after = storage.segmentAfter(segment);
            if (after == null) {
                finished = true;
            } else {
                enter(after.getValue());
            }
            return;
        }
        offset = step.offset();
        lsn = step.lsn();
        if (!step.end()) {
            return;
        }
        if (last) {
            // The end of the newest segment we know of: a read-only view looks for newer ones.
            if (storage.refreshSegments() && storage.segmentAfter(segment) != null) {
                return; // read on: this segment is now checked as a sealed one, then the next
            }
            finished = true;
        } else if (segment.isComplete()) {
            enter(next.getValue());
        }
    }

    private void enter(LocalSegment s) {
        segment = s;
        wanted = Math.max(wanted, s.firstLsn());
        long[] floor = s.floor(wanted);
        lsn = floor[0];
        offset = floor[1];
    }

    @Override
    public void close() {
        closed = true;
        buffered.clear();
    }
}
