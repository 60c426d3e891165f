package dev.lifeboat.backend.common.shuffle;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.backend.common.io.Crc32cOutputStream;
import dev.lifeboat.spi.OutcomeUnknownException;
import dev.lifeboat.spi.shuffle.MapOutputId;
import dev.lifeboat.spi.shuffle.MapOutputWriter;
import dev.lifeboat.spi.shuffle.MapStatus;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Locale;

/**
 * The protocol of one map output attempt, written once for every backend: reduce partitions are
 * opened in increasing order within range, their blocks go back to back into one data stream,
 * each counted and checksummed (CRC32C) while it is written, never in a second pass; a partition
 * stream that was finished (closed, or followed by the next one) refuses further writes.
 * {@link #commit()} finishes the open partition and hands the lengths and checksums to
 * {@link #publish}; a commit that fails is aborted, one whose outcome is unknown is left as it is.
 * {@link #close()} without a commit aborts.
 *
 * <p>A backend supplies the storage primitives: {@link #data} (the stream the blocks go to),
 * {@link #publish} (finishing the data and publishing the index atomically) and {@link #discard}
 * (removing what the attempt stored). The hooks {@link #checkStoreOpen} and {@link #ended} tie the
 * writer to its store.
 */
public abstract class AbstractMapOutputWriter implements MapOutputWriter {
    /** Where an attempt is in its life. */
    protected enum State {
        OPEN,
        COMMITTED,
        ABORTED,
        /** The commit's outcome is unknown: nothing is removed. */
        UNKNOWN
    }

    private final MapOutputId id;
    private final long[] lengths;
    private final int[] checksums;
    private int lastOpened = -1;
    private PartitionStream current;
    private volatile State state = State.OPEN;

    protected AbstractMapOutputWriter(MapOutputId id, int numPartitions) {
        this.id = requireNonNull(id, "id");
        if (numPartitions < 0) {
            throw new IllegalArgumentException("numPartitions is negative: " + numPartitions);
        }
        this.lengths = new long[numPartitions];
        this.checksums = new int[numPartitions]; // 0 is the CRC32C of nothing
    }

    /**
     * The stream every block is appended to, opened when the first partition is (the writer never
     * closes it: {@link #publish} finishes it, {@link #discard} drops it).
     */
    protected abstract OutputStream data() throws IOException;

    /**
     * Finishes the data and publishes the map output atomically; returns the committed status (this
     * attempt's, or the one of an attempt that committed first). Throws
     * {@link OutcomeUnknownException} when it cannot tell whether the commit took effect (then
     * nothing is removed); any other failure aborts the attempt.
     */
    protected abstract MapStatus publish(long[] lengths, int[] checksums) throws IOException;

    /**
     * Removes what this attempt stored. A failure may be added to {@code cause} (when not null) as
     * suppressed, or thrown.
     */
    protected abstract void discard(IOException cause) throws IOException;

    /** Throws {@link IllegalStateException} if the store was closed. */
    protected void checkStoreOpen() {}

    /** Called once when the attempt ends (committed, aborted or unknown). */
    protected void ended(State outcome) {}

    protected final MapOutputId id() {
        return id;
    }

    protected final State state() {
        return state;
    }

    @Override
    public final synchronized OutputStream openPartition(int reduceId) throws IOException {
        checkWritable();
        if (reduceId < 0 || reduceId >= lengths.length) {
            throw new IllegalArgumentException("reduce partition " + reduceId + " is out of range [0, " + lengths.length
                    + ") for map output " + id);
        }
        if (reduceId <= lastOpened) {
            throw new IllegalArgumentException("reduce partition " + reduceId + " of map output " + id
                    + " is not greater than the last one opened (" + lastOpened + ")");
        }
        finishCurrent();
        OutputStream sink = data();
        lastOpened = reduceId;
        current = new PartitionStream(reduceId, sink);
        return current;
    }

    @Override
    public final synchronized MapStatus commit() throws IOException {
        checkWritable();
        finishCurrent();
        MapStatus status;
        try {
            status = publish(lengths.clone(), checksums.clone());
        } catch (OutcomeUnknownException e) {
            end(State.UNKNOWN);
            throw e;
        } catch (IOException e) {
            abort(e);
            throw e;
        } catch (RuntimeException e) {
            try {
                abort(null);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        end(State.COMMITTED);
        return status;
    }

    /** Aborts the attempt unless it was committed. Idempotent. */
    @Override
    public final synchronized void close() throws IOException {
        if (state == State.OPEN) {
            abort(null);
        }
    }

    /**
     * Aborts the attempt if it is open and {@linkplain #discard discards} what was stored. With a
     * {@code cause}, a failure is added to it as suppressed; without one, it is thrown. Idempotent.
     */
    protected final synchronized void abort(IOException cause) throws IOException {
        if (state != State.OPEN) {
            return;
        }
        end(State.ABORTED);
        if (current != null) {
            current.finished = true;
            current = null;
        }
        try {
            discard(cause);
        } catch (IOException e) {
            if (cause == null) {
                throw e;
            }
            cause.addSuppressed(e);
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + id + ", " + state + "]";
    }

    private void end(State outcome) {
        state = outcome;
        ended(outcome);
    }

    private void checkWritable() {
        if (state != State.OPEN) {
            throw new IllegalStateException("map output " + id + " is "
                    + state.name().toLowerCase(Locale.ROOT)
                    + (state == State.ABORTED ? " (closed, failed or its store closed)" : ""));
        }
        checkStoreOpen();
    }

    private void finishCurrent() {
        if (current != null) {
            current.finish();
            current = null;
        }
    }

    /** One block: counted and checksummed on its way into the shared data stream. */
    private final class PartitionStream extends OutputStream {
        private final int reduceId;
        private final Crc32cOutputStream counted;
        private boolean finished;

        PartitionStream(int reduceId, OutputStream sink) {
            this.reduceId = reduceId;
            this.counted = new Crc32cOutputStream(sink);
        }

        @Override
        public void write(int b) throws IOException {
            check();
            counted.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            check();
            counted.write(b, off, len);
        }

        private void check() throws IOException {
            if (finished) {
                throw new IOException("partition " + reduceId + " of map output " + id + " is finished");
            }
            checkStoreOpen();
        }

        /** Nothing to do: the data stream is finished when the map output is committed. */
        @Override
        public void flush() {}

        /** Finishes the block; the shared data stream stays open. */
        @Override
        public void close() {
            synchronized (AbstractMapOutputWriter.this) {
                if (current == this) {
                    current = null;
                }
                finish();
            }
        }

        void finish() {
            if (!finished) {
                finished = true;
                lengths[reduceId] = counted.count();
                checksums[reduceId] = counted.crc32c();
            }
        }
    }
}
