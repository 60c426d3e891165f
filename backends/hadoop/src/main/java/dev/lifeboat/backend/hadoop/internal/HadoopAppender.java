package dev.lifeboat.backend.hadoop.internal;

import static dev.lifeboat.backend.hadoop.internal.HadoopSegments.INDEX_EVERY;

import dev.lifeboat.backend.common.wal.RecordFrame;
import dev.lifeboat.backend.common.wal.WalSettings;
import dev.lifeboat.backend.hadoop.internal.HadoopSegments.SegmentMeta;
import dev.lifeboat.spi.ConcurrentWriterException;
import dev.lifeboat.spi.wal.Durability;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.Path;

/**
 * The writing side of a {@link HadoopLogStorage}: the segment being written and its stream,
 * rolling to a new segment, {@code hflush}/{@code hsync}, and how far records are visible to
 * readers. A read-only view has one too, with no lock and no stream, so that writing through it
 * fails as it should.
 *
 * <p>Its state is written by the group-commit leader only (one thread at a time); the current
 * segment and the visible end are volatile and read by others.
 */
final class HadoopAppender {
    /**
     * How often one {@code hflush} or {@code hsync} is repeated after its thread was interrupted.
     * Each repeat waits for acknowledgements the pipeline keeps sending meanwhile, and a broken
     * pipeline ends the wait with its own error, so the bound only stops a thread interrupted
     * without end; a slow pipeline under frequent interrupts needs many repeats.
     */
    private static final int MAX_INTERRUPT_RETRIES = 10_000;

    private final HadoopFs fs;
    private final WalSettings settings;
    private final Duration rollInterval;
    private final WriterLock lock;
    private final FsFeatures features;
    private final long session;
    private final HadoopSegments files;

    // Written by the group-commit leader only (one thread at a time); read by others where volatile.
    private volatile SegmentName current;
    private FSDataOutputStream out;
    private long currentBytes;
    private long lastIndexed;
    private long currentOpenedNanos;
    private long writtenNextLsn;
    private volatile long visibleNextLsn;

    HadoopAppender(
            HadoopFs fs,
            WalSettings settings,
            Duration rollInterval,
            WriterLock lock,
            FsFeatures features,
            long session,
            HadoopSegments files) {
        this.fs = fs;
        this.settings = settings;
        this.rollInterval = rollInterval;
        this.lock = lock;
        this.features = features;
        this.session = session;
        this.files = files;
    }

    /** Starts writing {@code first}, a new and empty segment whose stream is {@code out}. */
    void start(SegmentName first, FSDataOutputStream out, long nextLsn) {
        this.current = first;
        this.out = out;
        this.currentOpenedNanos = System.nanoTime();
        this.writtenNextLsn = nextLsn;
        this.visibleNextLsn = nextLsn;
    }

    /** The segment being written; null for a read-only view. */
    SegmentName current() {
        return current;
    }

    /** The LSN after the last record readers may see. */
    long visibleNextLsn() {
        return visibleNextLsn;
    }

    /** Takes the stream away for closing; writing fails from then on. */
    AutoCloseable detach() {
        AutoCloseable last = out;
        out = null;
        return last;
    }

    void write(List<ByteBuffer> frames, long firstLsn, long newestTimestamp) throws IOException {
        checkWritable();
        try {
            long lsn = firstLsn;
            for (ByteBuffer frame : frames) {
                int length = frame.remaining();
                if (currentBytes > 0 && (currentBytes + length > settings.segmentBytes() || rollDue())) {
                    roll(lsn);
                }
                SegmentMeta meta = files.meta(current);
                if (currentBytes == 0 || currentBytes - lastIndexed >= INDEX_EVERY) {
                    meta.index.put(lsn, currentBytes);
                    lastIndexed = currentBytes;
                }
                if (frame.hasArray()) {
                    out.write(frame.array(), frame.arrayOffset() + frame.position(), length);
                } else {
                    byte[] copy = new byte[length];
                    frame.duplicate().get(copy);
                    out.write(copy);
                }
                currentBytes += length;
                RecordFrame.Header header = RecordFrame.decodeHeader(frame);
                long timestamp = header != null ? header.timestampMillis() : newestTimestamp;
                meta.newestTimestamp = Math.max(meta.newestTimestamp, timestamp);
                lsn++;
            }
            writtenNextLsn = lsn;
        } catch (IOException e) {
            throw fenced(e);
        }
    }

    private boolean rollDue() {
        return !rollInterval.isZero() && System.nanoTime() - currentOpenedNanos >= rollInterval.toNanos();
    }

    private void roll(long nextFirstLsn) throws IOException {
        FSDataOutputStream sealing = out;
        repeatIfInterrupted(() -> HadoopFs.durable(sealing));
        out.close();
        files.meta(current).timestampsKnown = true;
        visibleNextLsn = nextFirstLsn;
        SegmentName next = new SegmentName(nextFirstLsn, session);
        Path path = new Path(fs.root(), next.fileName());
        try {
            out = fs.createExclusive(path, true);
        } catch (FileAlreadyExistsException e) {
            out = null;
            throw new ConcurrentWriterException("Segment " + path + " was created by another writer: this writer of "
                    + fs + " was taken over and must stop");
        }
        current = next;
        currentBytes = 0;
        lastIndexed = 0;
        currentOpenedNanos = System.nanoTime();
    }

    void persist(Durability level) throws IOException {
        checkWritable();
        try {
            if (level == Durability.SYNC) {
                requireFeature(features.hsync(), "hsync", level);
                repeatIfInterrupted(out::hsync);
            } else if (level == Durability.FLUSH) {
                requireFeature(features.hflush(), "hflush", level);
                repeatIfInterrupted(out::hflush);
            }
        } catch (IOException e) {
            throw fenced(e);
        }
        if (level != Durability.NONE) {
            visibleNextLsn = writtenNextLsn;
        }
    }

    /** An {@code hflush} or {@code hsync}: repeatable, since it waits for the same acknowledgement. */
    private interface StreamCall {
        void run() throws IOException;
    }

    /**
     * Runs {@code call}, repeating it when the writer leading the batch was interrupted while it
     * waited for the pipeline's acknowledgement: HDFS keeps the stream open then (only the waiting
     * thread was interrupted), and failing the call would fail the log for every writer of the
     * batch. A socket timeout (also an {@link InterruptedIOException}) is not repeated. The
     * interrupt status is restored afterwards.
     */
    private static void repeatIfInterrupted(StreamCall call) throws IOException {
        boolean interrupted = false;
        try {
            for (int attempt = 0; ; attempt++) {
                try {
                    call.run();
                    return;
                } catch (InterruptedIOException e) {
                    if (e instanceof SocketTimeoutException || attempt >= MAX_INTERRUPT_RETRIES) {
                        throw e;
                    }
                    Thread.interrupted();
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void requireFeature(boolean supported, String what, Durability level) throws IOException {
        if (!supported) {
            throw new IOException("cannot make records durable at " + level + ": output streams of "
                    + fs.location().fsUri() + " do not support " + what);
        }
    }

    private void checkWritable() throws IOException {
        if (lock == null) {
            throw new IllegalStateException("read-only view of " + fs);
        }
        String lost = lock.lostReason();
        if (lost != null) {
            throw new ConcurrentWriterException(
                    "This writer of the write-ahead log " + fs + " was taken over: " + lost);
        }
        if (out == null) {
            throw new IOException("the write-ahead log " + fs + " failed earlier");
        }
    }

    private IOException fenced(IOException e) {
        String lost = lock.checkNow();
        if (lost != null && !(e instanceof ConcurrentWriterException)) {
            ConcurrentWriterException c = new ConcurrentWriterException("This writer of the write-ahead log " + fs
                    + " was taken over (" + lost + "); the failed operation: " + e.getMessage());
            c.initCause(e);
            return c;
        }
        return e;
    }
}
