package dev.lifeboat.backend.mem.internal;

import dev.lifeboat.backend.common.checkpoint.AbstractCheckpointWriter;
import dev.lifeboat.backend.common.checkpoint.ManifestCodec;
import dev.lifeboat.spi.FencedException;
import dev.lifeboat.spi.checkpoint.AlreadyCommittedException;
import dev.lifeboat.spi.checkpoint.CheckpointId;
import dev.lifeboat.spi.checkpoint.CheckpointInfo;
import java.io.IOException;
import java.io.OutputStream;

/**
 * One attempt at a checkpoint of a {@link MemCheckpointStore}: each part is an object under the
 * attempt's own prefix, and {@code commit()} publishes the manifest under the store's checkpoint
 * monitor, checking put-if-absent and the epoch in the same step. The protocol is
 * {@link AbstractCheckpointWriter}'s.
 */
final class MemCheckpointWriter extends AbstractCheckpointWriter {
    private final MemCheckpointStore owner;

    MemCheckpointWriter(MemCheckpointStore owner, CheckpointId id, long epoch, String attemptId) {
        super(id, epoch, attemptId);
        this.owner = owner;
    }

    @Override
    protected PartOutput openPartOutput(String name, int index) throws IOException {
        owner.store().call("checkpoint part write");
        MemObject object = new MemObject();
        synchronized (owner.state()) {
            if (owner.state().attempts.get(attemptId()) == null) {
                abort(null);
                throw collected();
            }
            owner.store().objects().put(MemCheckpointState.partName(attemptId(), name), object);
        }
        OutputStream stream = object.outputStream();
        return new PartOutput() {
            @Override
            public OutputStream stream() {
                return stream;
            }

            /** Nothing to do: the bytes are in the object as they are written. */
            @Override
            public void finish() {}

            /** Nothing to do: {@link #discard} removes the attempt's objects. */
            @Override
            public void abandon() {}
        };
    }

    @Override
    protected CheckpointInfo publish(CheckpointInfo info) throws IOException {
        owner.store().call("checkpoint commit");
        MemCheckpointState state = owner.state();
        synchronized (state) {
            MemCheckpointState.Attempt attempt = state.attempts.get(attemptId());
            if (attempt == null) {
                throw collected();
            }
            String manifest = MemCheckpointState.manifestName(id());
            if (owner.store().objects().containsKey(manifest)) {
                throw new AlreadyCommittedException(id());
            }
            if (epoch() > 0 && epoch() < state.maxEpoch) {
                throw new FencedException("commit of checkpoint " + id(), epoch(), state.maxEpoch);
            }
            MemObject bytes = new MemObject();
            byte[] encoded = ManifestCodec.encode(info);
            bytes.append(encoded, 0, encoded.length);
            owner.store().objects().put(manifest, bytes);
            state.maxEpoch = Math.max(state.maxEpoch, epoch());
            attempt.committed = true;
            return info;
        }
    }

    /** Removes the attempt and its parts unless it committed (a collected attempt is gone already). */
    @Override
    protected void discard(IOException cause) {
        synchronized (owner.state()) {
            MemCheckpointState.Attempt attempt = owner.state().attempts.get(attemptId());
            if (attempt != null && !attempt.committed) {
                owner.state().attempts.remove(attemptId());
                owner.removeParts(attemptId());
            }
        }
    }

    @Override
    protected void checkStoreOpen() {
        owner.checkOpen();
    }

    @Override
    protected void ended(State outcome) {
        owner.forget(this);
    }

    @Override
    public String toString() {
        return "MemCheckpointWriter[" + id() + " attempt " + attemptId() + ", " + state() + "]";
    }

    private IllegalStateException collected() {
        return new IllegalStateException(
                "attempt " + attemptId() + " of " + id() + " was removed as garbage by collectGarbage");
    }
}
