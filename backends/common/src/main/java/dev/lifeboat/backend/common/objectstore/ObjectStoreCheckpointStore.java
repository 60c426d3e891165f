package dev.lifeboat.backend.common.objectstore;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.backend.common.checkpoint.AbstractCheckpoint;
import dev.lifeboat.backend.common.checkpoint.AbstractCheckpointWriter;
import dev.lifeboat.backend.common.checkpoint.Attempts;
import dev.lifeboat.backend.common.io.Closeables;
import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.checkpoint.Checkpoint;
import dev.lifeboat.spi.checkpoint.CheckpointId;
import dev.lifeboat.spi.checkpoint.CheckpointInfo;
import dev.lifeboat.spi.checkpoint.CheckpointStore;
import dev.lifeboat.spi.checkpoint.CheckpointWriter;
import dev.lifeboat.spi.checkpoint.PartInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A checkpoint store on an object store, with the {@linkplain CheckpointKeys shared key scheme},
 * written once for every object-store backend except its commit: attempts write their parts as
 * objects of their own, {@link #list} is one LIST of the manifests, {@link #collectGarbage} removes
 * old attempt folders that no manifest names ({@link ObjectStoreCheckpoints}), a committed
 * checkpoint reads its parts verified ({@link AbstractCheckpoint}), and {@link #close} aborts the
 * open writers before it closes the connection.
 *
 * <p>A backend supplies its storage calls ({@link #listNames}, {@link #listFolders},
 * {@link #deleteFolder}, {@link #deleteObject}, {@link #openObject}, {@link #readManifest}), its
 * {@link Writer} (how a part is uploaded and how the manifest is published, with its fencing),
 * and its {@link #delete}. Hooks let it check a listing against what it knows
 * ({@link #checkListing}) and collect more than attempt folders ({@link #collectMore}).
 */
public abstract class ObjectStoreCheckpointStore implements CheckpointStore {
    private final CheckpointKeys keys;
    private final AutoCloseable connection;
    private final String location;
    private final String objectNoun;
    private final Set<Capability> capabilities;
    private final ObjectStoreCheckpoints checkpoints;
    private final Set<Writer> openWriters = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * @param keys where the store keeps what
     * @param connection the client; closed last by {@link #close}
     * @param location where the store is, for messages
     * @param objectNoun what the storage calls an object ({@code object}, {@code blob}), for messages
     * @param capabilities what the store guarantees
     */
    protected ObjectStoreCheckpointStore(
            CheckpointKeys keys,
            AutoCloseable connection,
            String location,
            String objectNoun,
            Set<Capability> capabilities) {
        this.keys = requireNonNull(keys, "keys is null");
        this.connection = requireNonNull(connection, "connection is null");
        this.location = requireNonNull(location, "location is null");
        this.objectNoun = requireNonNull(objectNoun, "objectNoun is null");
        this.capabilities = Set.copyOf(capabilities);
        this.checkpoints = new ObjectStoreCheckpoints(keys, new CheckpointObjects() {
            @Override
            public List<String> listNames(String prefix) throws IOException {
                return ObjectStoreCheckpointStore.this.listNames(prefix);
            }

            @Override
            public List<String> listFolders(String prefix) throws IOException {
                return ObjectStoreCheckpointStore.this.listFolders(prefix);
            }

            @Override
            public void deleteFolder(String folder) throws IOException {
                ObjectStoreCheckpointStore.this.deleteFolder(folder);
            }

            @Override
            public Optional<CheckpointInfo> readManifest(CheckpointId id) throws IOException {
                return ObjectStoreCheckpointStore.this.readManifest(id);
            }
        });
    }

    /** See {@link CheckpointObjects#listNames}. */
    protected abstract List<String> listNames(String prefix) throws IOException;

    /** See {@link CheckpointObjects#listFolders}. */
    protected abstract List<String> listFolders(String prefix) throws IOException;

    /** See {@link CheckpointObjects#deleteFolder}. */
    protected abstract void deleteFolder(String folder) throws IOException;

    /** Deletes one object; nothing happens if it is not there. */
    protected abstract void deleteObject(String key) throws IOException;

    /** Opens the whole object at {@code key}; empty if it is not there. */
    protected abstract Optional<InputStream> openObject(String key) throws IOException;

    /** How {@code key} appears in messages (a URL of the object). */
    protected abstract String describe(String key);

    /** See {@link CheckpointObjects#readManifest}. */
    protected abstract Optional<CheckpointInfo> readManifest(CheckpointId id) throws IOException;

    /** A new attempt, not registered yet; its constructor checks {@code id} and {@code epoch}. */
    protected abstract Writer newWriter(CheckpointId id, long epoch, String attemptId);

    /**
     * The ids below {@code prefix} after checking the listing against what this store knows (a
     * store whose LIST may lag adds or removes ids here). By default the listing as it is.
     */
    protected NavigableSet<CheckpointId> checkListing(String prefix, NavigableSet<CheckpointId> listed)
            throws IOException {
        return listed;
    }

    /** Collects what else an abandoned attempt may leave behind (unfinished uploads); nothing by default. */
    protected void collectMore(long cutoffMillis) throws IOException {}

    /** The key scheme. */
    protected final CheckpointKeys keys() {
        return keys;
    }

    @Override
    public final CheckpointWriter begin(CheckpointId id, long epoch) throws IOException {
        Writer w = newWriter(id, epoch, Attempts.newAttemptId()); // checks id and epoch
        checkOpen();
        openWriters.add(w);
        return w;
    }

    @Override
    public final Optional<Checkpoint> open(CheckpointId id) throws IOException {
        requireNonNull(id, "id is null");
        checkOpen();
        return readManifest(id).map(StoredCheckpoint::new);
    }

    @Override
    public final List<CheckpointId> list(String prefix) throws IOException {
        requireNonNull(prefix, "prefix is null");
        checkOpen();
        return List.copyOf(checkListing(prefix, checkpoints.listCommitted(prefix)));
    }

    @Override
    public final int collectGarbage(Duration minAge) throws IOException {
        long cutoff = ObjectStoreCheckpoints.cutoffMillis(minAge); // checks minAge
        checkOpen();
        int removed = checkpoints.collectGarbage(cutoff);
        collectMore(cutoff);
        return removed;
    }

    @Override
    public final Set<Capability> capabilities() {
        return capabilities;
    }

    /** Aborts every open writer, then closes the connection. Idempotent. */
    @Override
    public final void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        List<AutoCloseable> all = new ArrayList<>(openWriters);
        all.add(connection); // last: the writers need it to abort
        Closeables.closeAll(all);
    }

    /** Throws {@link IllegalStateException} once the store is closed. */
    protected final void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the checkpoint store " + location + " is closed");
        }
    }

    /** What abandoning a part's upload does. */
    @FunctionalInterface
    protected interface Abandon {
        /** Closes the upload without completing it. */
        void abandon() throws IOException;
    }

    /**
     * One attempt on this store: parts are objects at {@link #partKey}; aborting deletes the
     * finished ones (a failure is added to the abort's cause, or left to garbage collection). A
     * backend supplies {@code openPartOutput} (usually {@link #upload}) and {@code publish}.
     */
    protected abstract class Writer extends AbstractCheckpointWriter {
        protected Writer(CheckpointId id, long epoch, String attemptId) {
            super(id, epoch, attemptId);
        }

        /** The key of this attempt's part {@code name}. */
        protected final String partKey(String name) {
            return keys.partKey(attemptId(), id(), name);
        }

        /** A part written through {@code upload}: finishing closes it, abandoning calls {@code abandon}. */
        protected final PartOutput upload(OutputStream upload, Abandon abandon) {
            return new PartOutput() {
                @Override
                public OutputStream stream() {
                    return upload;
                }

                @Override
                public void finish() throws IOException {
                    upload.close();
                }

                @Override
                public void abandon() throws IOException {
                    abandon.abandon();
                }
            };
        }

        @Override
        protected void discard(IOException cause) {
            for (PartInfo part : finishedParts()) {
                try {
                    deleteObject(partKey(part.name()));
                } catch (IOException e) {
                    if (cause != null) {
                        cause.addSuppressed(e);
                    } // else: garbage collection removes it
                }
            }
        }

        @Override
        protected final void checkStoreOpen() {
            checkOpen();
        }

        /** Forgets the writer; a backend that overrides this calls it. */
        @Override
        protected void ended(State outcome) {
            openWriters.remove(this);
        }
    }

    /** A committed checkpoint: its parts are the objects its manifest's attempt wrote. */
    private final class StoredCheckpoint extends AbstractCheckpoint {
        StoredCheckpoint(CheckpointInfo info) {
            super(info);
        }

        private String key(PartInfo part) {
            return keys.partKey(info().attemptId(), info().id(), part.name());
        }

        @Override
        protected InputStream openStored(PartInfo part, int index) throws IOException {
            String key = key(part);
            return openObject(key)
                    .orElseThrow(() -> new NoSuchFileException(
                            "checkpoint '" + info().id() + "' part '" + part.name() + "' ("
                                    + ObjectStoreCheckpointStore.this.describe(key) + ")",
                            null,
                            "the part's " + objectNoun + " is gone"));
        }

        @Override
        protected String describe(PartInfo part, int index) {
            return ObjectStoreCheckpointStore.this.describe(key(part));
        }

        @Override
        protected void checkStoreOpen() {
            checkOpen();
        }
    }
}
