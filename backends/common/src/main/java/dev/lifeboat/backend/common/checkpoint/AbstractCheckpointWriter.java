package dev.lifeboat.backend.common.checkpoint;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.backend.common.io.Crc32cOutputStream;
import dev.lifeboat.spi.Names;
import dev.lifeboat.spi.OutcomeUnknownException;
import dev.lifeboat.spi.checkpoint.AlreadyCommittedException;
import dev.lifeboat.spi.checkpoint.CheckpointId;
import dev.lifeboat.spi.checkpoint.CheckpointInfo;
import dev.lifeboat.spi.checkpoint.CheckpointWriter;
import dev.lifeboat.spi.checkpoint.PartInfo;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The protocol of one checkpoint attempt, written once for every backend: part names are
 * validated and unique, one part is open at a time (opening the next or committing finishes it),
 * each part is counted and checksummed (CRC32C) while it is written, never in a second pass, and
 * a stream that was finished refuses further writes. {@link #commit()} finishes the open part and
 * hands the manifest to {@link #publish}; a commit that fails is aborted (what the attempt wrote is
 * removed), one whose outcome is unknown is left as it is. {@link #close()} without a commit
 * aborts.
 *
 * <p>A backend supplies the storage primitives: {@link #openPartOutput} (where a part's bytes go
 * and how it is made durable), {@link #publish} (its atomic, possibly fenced, commit) and
 * {@link #discard} (removing the attempt's bytes). The hooks {@link #checkStoreOpen} and
 * {@link #ended} tie the writer to its store.
 *
 * <p>A part whose output cannot be finished aborts the attempt at once: it can never commit, and
 * {@code openPart} and {@code commit} then throw an {@link IOException} naming the failure.
 */
public abstract class AbstractCheckpointWriter implements CheckpointWriter {
    /** Where an attempt is in its life. */
    protected enum State {
        OPEN,
        COMMITTED,
        ABORTED,
        /** The commit's outcome is unknown: nothing is removed, the store decides later. */
        UNKNOWN
    }

    /** The storage behind one part. */
    protected interface PartOutput {
        /** Where the part's bytes go; not closed by the writer (see {@link #finish}). */
        OutputStream stream();

        /** Completes the part: flushes it, makes it durable and closes it. */
        void finish() throws IOException;

        /** Closes the part without completing it; the attempt is being aborted. */
        void abandon() throws IOException;
    }

    private final CheckpointId id;
    private final long epoch;
    private final String attemptId;
    private final List<PartInfo> parts = new ArrayList<>();
    private final Set<String> names = new HashSet<>();
    private PartStream current;
    private IOException partFailure;
    private volatile State state = State.OPEN;

    protected AbstractCheckpointWriter(CheckpointId id, long epoch, String attemptId) {
        this.id = requireNonNull(id, "id");
        this.attemptId = requireNonNull(attemptId, "attemptId");
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch is negative: " + epoch);
        }
        this.epoch = epoch;
    }

    /**
     * Opens the storage of the part {@code name}, the {@code index}-th of this attempt (counted
     * from 0). The previous part is finished.
     */
    protected abstract PartOutput openPartOutput(String name, int index) throws IOException;

    /**
     * Makes the checkpoint visible: the backend's atomic commit, with epoch fencing where it has it.
     * Returns the committed manifest (this attempt's, possibly as read back). Throws
     * {@link OutcomeUnknownException} when it cannot tell whether the commit took effect (the
     * attempt's bytes are then kept); any other failure aborts the attempt.
     */
    protected abstract CheckpointInfo publish(CheckpointInfo info) throws IOException;

    /**
     * Removes what this attempt stored. A failure may be added to {@code cause} (when not null,
     * the abort's reason) as suppressed, or thrown.
     */
    protected abstract void discard(IOException cause) throws IOException;

    /** Throws {@link IllegalStateException} if the store was closed. */
    protected void checkStoreOpen() {}

    /** Called once when the attempt ends (committed, aborted or unknown). */
    protected void ended(State outcome) {}

    @Override
    public final CheckpointId id() {
        return id;
    }

    @Override
    public final String attemptId() {
        return attemptId;
    }

    protected final long epoch() {
        return epoch;
    }

    protected final State state() {
        return state;
    }

    /** The parts finished so far, in order. */
    protected final synchronized List<PartInfo> finishedParts() {
        return List.copyOf(parts);
    }

    @Override
    public final synchronized OutputStream openPart(String name) throws IOException {
        Names.validate("part name", name);
        checkWritable();
        if (names.contains(name)) {
            throw new IllegalArgumentException(
                    "part '" + name + "' was already written in attempt " + attemptId + " of checkpoint '" + id + "'");
        }
        finishCurrent();
        names.add(name);
        PartOutput output;
        try {
            output = openPartOutput(name, parts.size());
        } catch (IOException | RuntimeException e) {
            names.remove(name);
            throw e;
        }
        current = new PartStream(name, output);
        return current;
    }

    @Override
    public final synchronized CheckpointInfo commit() throws IOException {
        checkWritable();
        finishCurrent();
        CheckpointInfo info = new CheckpointInfo(id, epoch, attemptId, System.currentTimeMillis(), parts);
        CheckpointInfo published;
        try {
            published = publish(info);
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
        return published;
    }

    /** Aborts the attempt unless it was committed. Idempotent. */
    @Override
    public final synchronized void close() throws IOException {
        if (state == State.OPEN) {
            abort(null);
        }
    }

    /**
     * Aborts the attempt if it is open: abandons the open part and {@linkplain #discard discards}
     * what was stored. With a {@code cause}, failures are added to it as suppressed; without one,
     * a failure to discard is thrown. Idempotent.
     */
    protected final synchronized void abort(IOException cause) throws IOException {
        if (state != State.OPEN) {
            return;
        }
        end(State.ABORTED);
        if (current != null) {
            PartStream p = current;
            current = null;
            p.finished = true;
            try {
                p.output.abandon();
            } catch (IOException e) {
                if (cause != null) {
                    cause.addSuppressed(e);
                } // else: the attempt's bytes are discarded below
            }
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

    /**
     * The error of a commit that may or may not have taken effect: it names the checkpoint and the
     * attempt and says how to reconcile; {@code cause} is what left the outcome open.
     */
    protected final OutcomeUnknownException outcomeUnknown(OutcomeUnknownException cause) {
        return new OutcomeUnknownException(
                "commit of checkpoint " + id + " (attempt " + attemptId + ") may or may not have taken effect;"
                        + " reconcile with open(" + id + ")",
                cause);
    }

    /**
     * What to throw when reading the manifest back after a refused ({@code unknown} is null) or
     * unanswered commit failed with {@code readFailure}: after a refusal, the failure itself (thrown
     * here); after an unanswered call, {@linkplain #outcomeUnknown an unknown outcome} (returned, to
     * be thrown) with the failure suppressed in {@code unknown}.
     */
    protected final OutcomeUnknownException readBackFailed(IOException readFailure, OutcomeUnknownException unknown)
            throws IOException {
        if (unknown == null) {
            throw readFailure;
        }
        unknown.addSuppressed(readFailure);
        return outcomeUnknown(unknown);
    }

    /**
     * Decides a commit whose manifest was refused ({@code unknown} is null) or not answered
     * ({@code unknown} is the error) from the manifest stored now: this attempt's is the committed
     * one (returned); another attempt's means the id was committed by someone else
     * ({@link AlreadyCommittedException}); none after an unanswered call is
     * {@linkplain #outcomeUnknown an unknown outcome}, since the call may still land (the
     * attempt's bytes are kept). Empty when the manifest was refused yet none is there: the id was
     * deleted in between, and the backend decides what to do.
     */
    protected final Optional<CheckpointInfo> settle(Optional<CheckpointInfo> stored, OutcomeUnknownException unknown)
            throws IOException {
        if (stored.isPresent() && stored.get().attemptId().equals(attemptId)) {
            return stored;
        }
        if (stored.isPresent()) {
            throw new AlreadyCommittedException(id);
        }
        if (unknown != null) {
            // Not there now, but the request may still land: keep the parts (garbage
            // collection removes them if it never does).
            throw outcomeUnknown(unknown);
        }
        return Optional.empty();
    }

    private void end(State outcome) {
        state = outcome;
        ended(outcome);
    }

    private void checkWritable() throws IOException {
        if (partFailure != null) {
            throw new IOException(
                    "a part of checkpoint '" + id + "' (attempt " + attemptId + ") failed, so the attempt was aborted: "
                            + partFailure.getMessage(),
                    partFailure);
        }
        if (state != State.OPEN) {
            throw new IllegalStateException("attempt " + attemptId + " of checkpoint '" + id + "' is "
                    + state.name().toLowerCase(Locale.ROOT)
                    + (state == State.ABORTED ? " (closed, failed or its store closed)" : ""));
        }
        checkStoreOpen();
    }

    private void finishCurrent() throws IOException {
        if (current != null) {
            PartStream p = current;
            current = null;
            p.finish();
        }
    }

    /** One part: counted and checksummed as it is written; closing it finishes the part. */
    private final class PartStream extends OutputStream {
        private final String name;
        private final PartOutput output;
        private final Crc32cOutputStream counted;
        private boolean finished;

        PartStream(String name, PartOutput output) {
            this.name = name;
            this.output = output;
            this.counted = new Crc32cOutputStream(output.stream());
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

        /** Nothing to do: the part's bytes are flushed and made durable when it is finished. */
        @Override
        public void flush() {}

        private void check() throws IOException {
            if (finished) {
                throw new IOException(
                        "part '" + name + "' of checkpoint '" + id + "' (attempt " + attemptId + ") is finished");
            }
            if (state != State.OPEN) {
                throw new IOException("attempt " + attemptId + " of checkpoint '" + id + "' is "
                        + state.name().toLowerCase(Locale.ROOT));
            }
            checkStoreOpen();
        }

        @Override
        public void close() throws IOException {
            synchronized (AbstractCheckpointWriter.this) {
                if (current == this) {
                    current = null;
                }
                finish();
            }
        }

        /** Completes the part and records it; a failure aborts the attempt. */
        void finish() throws IOException {
            if (finished) {
                return;
            }
            finished = true;
            try {
                output.finish();
            } catch (IOException e) {
                partFailure = e;
                abort(e);
                throw e;
            }
            parts.add(new PartInfo(name, counted.count(), counted.crc32c()));
        }
    }
}
