package dev.lifeboat.backend.mem.internal;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.backend.common.checkpoint.AbstractCheckpoint;
import dev.lifeboat.backend.common.checkpoint.Attempts;
import dev.lifeboat.backend.common.checkpoint.ManifestCodec;
import dev.lifeboat.backend.common.io.Closeables;
import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.CorruptDataException;
import dev.lifeboat.spi.checkpoint.Checkpoint;
import dev.lifeboat.spi.checkpoint.CheckpointId;
import dev.lifeboat.spi.checkpoint.CheckpointInfo;
import dev.lifeboat.spi.checkpoint.CheckpointStore;
import dev.lifeboat.spi.checkpoint.CheckpointWriter;
import dev.lifeboat.spi.checkpoint.PartInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A checkpoint store in a {@link MemStore}: parts are objects under their attempt's own prefix,
 * and a commit publishes the manifest (the shared {@link ManifestCodec} format, with each part's
 * length and CRC32C) under the store's checkpoint monitor, after checking put-if-absent and the
 * epoch in the same step.
 */
public final class MemCheckpointStore implements CheckpointStore {
    private final MemStore store;
    private final MemCheckpointState state;
    private final Set<Capability> capabilities;
    private final Set<MemCheckpointWriter> writers = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    public MemCheckpointStore(MemStore store, Set<Capability> capabilities) {
        this.store = store;
        this.state = store.checkpoints();
        this.capabilities = Set.copyOf(capabilities);
    }

    @Override
    public CheckpointWriter begin(CheckpointId id, long epoch) throws IOException {
        requireNonNull(id, "id is null");
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch is negative: " + epoch);
        }
        checkOpen();
        String attemptId = Attempts.newAttemptId();
        synchronized (state) {
            state.attempts.put(attemptId, new MemCheckpointState.Attempt(id, System.nanoTime()));
        }
        MemCheckpointWriter writer = new MemCheckpointWriter(this, id, epoch, attemptId);
        writers.add(writer);
        return writer;
    }

    @Override
    public Optional<Checkpoint> open(CheckpointId id) throws IOException {
        requireNonNull(id, "id is null");
        checkOpen();
        store.call("checkpoint open");
        String name = MemCheckpointState.manifestName(id);
        MemObject manifest = store.objects().get(name);
        if (manifest == null) {
            return Optional.empty();
        }
        CheckpointInfo info = ManifestCodec.decode(manifest.toByteArray(), location(name));
        if (!info.id().equals(id)) {
            throw new CorruptDataException(location(name), -1, "the manifest names checkpoint " + info.id());
        }
        return Optional.of(new MemCheckpoint(info));
    }

    @Override
    public List<CheckpointId> list(String prefix) throws IOException {
        requireNonNull(prefix, "prefix is null");
        checkOpen();
        store.call("checkpoint list");
        List<CheckpointId> ids = new ArrayList<>();
        for (String name : store.objects()
                .subMap(MemCheckpointState.MANIFESTS, MemCheckpointState.MANIFESTS + Character.MAX_VALUE)
                .keySet()) {
            CheckpointId id = CheckpointId.of(name.substring(MemCheckpointState.MANIFESTS.length()));
            if (id.hasPrefix(prefix)) {
                ids.add(id);
            }
        }
        ids.sort(null);
        return ids;
    }

    @Override
    public boolean delete(CheckpointId id) throws IOException {
        requireNonNull(id, "id is null");
        checkOpen();
        store.call("checkpoint delete");
        synchronized (state) {
            boolean existed = store.objects().remove(MemCheckpointState.manifestName(id)) != null;
            Iterator<Map.Entry<String, MemCheckpointState.Attempt>> it =
                    state.attempts.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<String, MemCheckpointState.Attempt> e = it.next();
                if (e.getValue().committed && e.getValue().id.equals(id)) {
                    removeParts(e.getKey());
                    it.remove();
                }
            }
            return existed;
        }
    }

    @Override
    public int collectGarbage(Duration minAge) throws IOException {
        requireNonNull(minAge, "minAge is null");
        checkOpen();
        long now = System.nanoTime();
        int removed = 0;
        synchronized (state) {
            Iterator<Map.Entry<String, MemCheckpointState.Attempt>> it =
                    state.attempts.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<String, MemCheckpointState.Attempt> e = it.next();
                MemCheckpointState.Attempt a = e.getValue();
                if (!a.committed && now - a.startNanos >= minAge.toNanos()) {
                    removeParts(e.getKey());
                    it.remove();
                    removed++;
                }
            }
        }
        return removed;
    }

    @Override
    public Set<Capability> capabilities() {
        return capabilities;
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        Closeables.closeAll(List.copyOf(writers));
    }

    // ---------------------------------------------------------------- for the writer

    MemStore store() {
        return store;
    }

    MemCheckpointState state() {
        return state;
    }

    void forget(MemCheckpointWriter writer) {
        writers.remove(writer);
    }

    /** Removes the parts of an attempt. Caller holds the state's monitor or owns the attempt. */
    void removeParts(String attemptId) {
        String prefix = MemCheckpointState.PARTS + attemptId + "/";
        store.objects().subMap(prefix, prefix + Character.MAX_VALUE).clear();
    }

    String location(String objectName) {
        return store.uri() + "/" + objectName;
    }

    void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the checkpoint store " + store.uri() + " is closed");
        }
    }

    /** A committed checkpoint: its manifest, and its parts read with verification. */
    private final class MemCheckpoint extends AbstractCheckpoint {
        MemCheckpoint(CheckpointInfo info) {
            super(info);
        }

        @Override
        protected InputStream openStored(PartInfo part, int index) throws IOException {
            store.call("checkpoint part read");
            String objectName = MemCheckpointState.partName(info().attemptId(), part.name());
            MemObject object = store.objects().get(objectName);
            if (object == null) {
                throw new NoSuchFileException(
                        location(objectName),
                        null,
                        "part '" + part.name() + "' of checkpoint " + info().id() + " is gone");
            }
            return object.inputStream();
        }

        @Override
        protected String describe(PartInfo part, int index) {
            return location(MemCheckpointState.partName(info().attemptId(), part.name()));
        }

        @Override
        protected void checkStoreOpen() {
            checkOpen();
        }
    }
}
