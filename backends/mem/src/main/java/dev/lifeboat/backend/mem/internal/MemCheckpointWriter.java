package dev.lifeboat.backend.mem.internal;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.backend.common.checkpoint.ManifestCodec;
import dev.lifeboat.backend.common.io.Crc32cOutputStream;
import dev.lifeboat.spi.FencedException;
import dev.lifeboat.spi.Names;
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
import java.util.Set;

/** One attempt at a checkpoint of a {@link MemCheckpointStore}. Not thread-safe, as the contract says. */
final class MemCheckpointWriter implements CheckpointWriter {
    private final MemCheckpointStore owner;
    private final CheckpointId id;
    private final long epoch;
    private final String attemptId;
    private final List<PartInfo> parts = new ArrayList<>();
    private final Set<String> names = new HashSet<>();
    private PartStream open;
    private boolean committed;
    private boolean aborted;

    MemCheckpointWriter(MemCheckpointStore owner, CheckpointId id, long epoch, String attemptId) {
        this.owner = owner;
        this.id = id;
        this.epoch = epoch;
        this.attemptId = attemptId;
    }

    @Override
    public CheckpointId id() {
        return id;
    }

    @Override
    public String attemptId() {
        return attemptId;
    }

    @Override
    public OutputStream openPart(String name) throws IOException {
        requireNonNull(name, "part name is null");
        Names.validate("part name", name);
        checkWritable();
        if (!names.add(name)) {
            throw new IllegalArgumentException(
                    "part '" + name + "' was already written in attempt " + attemptId + " of " + id);
        }
        finishPart();
        owner.store().call("checkpoint part write");
        MemObject object = new MemObject();
        synchronized (owner.state()) {
            if (owner.state().attempts.get(attemptId) == null) {
                aborted = true;
                throw new IllegalStateException(
                        "attempt " + attemptId + " of " + id + " was removed as garbage by collectGarbage");
            }
            owner.store().objects().put(MemCheckpointState.partName(attemptId, name), object);
        }
        open = new PartStream(name, object);
        return open;
    }

    @Override
    public CheckpointInfo commit() throws IOException {
        checkWritable();
        finishPart();
        MemCheckpointState state = owner.state();
        try {
            owner.store().call("checkpoint commit");
        } catch (IOException e) {
            abort();
            throw e;
        }
        synchronized (state) {
            MemCheckpointState.Attempt attempt = state.attempts.get(attemptId);
            if (attempt == null) {
                aborted = true;
                throw new IllegalStateException(
                        "attempt " + attemptId + " of " + id + " was removed as garbage by collectGarbage");
            }
            String manifest = MemCheckpointState.manifestName(id);
            if (owner.store().objects().containsKey(manifest)) {
                abort();
                throw new AlreadyCommittedException(id);
            }
            if (epoch > 0 && epoch < state.maxEpoch) {
                abort();
                throw new FencedException("commit of checkpoint " + id, epoch, state.maxEpoch);
            }
            CheckpointInfo info = new CheckpointInfo(id, epoch, attemptId, System.currentTimeMillis(), parts);
            MemObject bytes = new MemObject();
            byte[] encoded = ManifestCodec.encode(info);
            bytes.append(encoded, 0, encoded.length);
            owner.store().objects().put(manifest, bytes);
            state.maxEpoch = Math.max(state.maxEpoch, epoch);
            attempt.committed = true;
            committed = true;
            owner.forget(this);
            return info;
        }
    }

    @Override
    public void close() throws IOException {
        if (!committed && !aborted) {
            abort();
        }
    }

    private void abort() {
        aborted = true;
        open = null;
        synchronized (owner.state()) {
            MemCheckpointState.Attempt attempt = owner.state().attempts.get(attemptId);
            if (attempt != null && !attempt.committed) {
                owner.state().attempts.remove(attemptId);
                owner.removeParts(attemptId);
            }
        }
        owner.forget(this);
    }

    private void checkWritable() {
        if (committed) {
            throw new IllegalStateException("attempt " + attemptId + " of " + id + " is committed");
        }
        if (aborted) {
            throw new IllegalStateException("attempt " + attemptId + " of " + id + " was aborted");
        }
    }

    private void finishPart() throws IOException {
        if (open != null) {
            open.close();
        }
    }

    /** Streams a part into its object, counting its length and CRC32C. */
    private final class PartStream extends OutputStream {
        private final String name;
        private final MemObject object;
        private final Crc32cOutputStream crc = new Crc32cOutputStream(OutputStream.nullOutputStream());
        private boolean done;

        PartStream(String name, MemObject object) {
            this.name = name;
            this.object = object;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (done) {
                throw new IOException("part '" + name + "' of " + id + " is finished");
            }
            checkWritable();
            object.append(b, off, len);
            crc.write(b, off, len);
        }

        @Override
        public void close() {
            if (!done) {
                done = true;
                parts.add(new PartInfo(name, crc.count(), crc.crc32c()));
                if (open == this) {
                    open = null;
                }
            }
        }
    }
}
