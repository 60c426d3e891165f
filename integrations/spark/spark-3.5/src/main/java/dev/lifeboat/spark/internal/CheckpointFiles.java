package dev.lifeboat.spark.internal;

import dev.lifeboat.spi.checkpoint.AlreadyCommittedException;
import dev.lifeboat.spi.checkpoint.Checkpoint;
import dev.lifeboat.spi.checkpoint.CheckpointId;
import dev.lifeboat.spi.checkpoint.CheckpointStore;
import dev.lifeboat.spi.checkpoint.CheckpointWriter;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.PathFilter;

/**
 * The Spark-version-neutral core of Lifeboat's checkpoint file managers: each Spark line's
 * {@code CheckpointFileManager} (the interface moved in Spark 4.1) is a thin adapter over this
 * class. See {@code dev.lifeboat.spark.LifeboatCheckpointFileManager} for the semantics.
 *
 * <p>Spark's Scala traits declare no checked exceptions, yet Spark expects Hadoop's {@code
 * IOException}s from them (for example {@link FileAlreadyExistsException}): the methods Spark
 * calls throw them unchanged but undeclared ({@link Sneaky}), so each adapter method is one call.
 *
 * <p>Each file is a checkpoint whose id is its path under the checkpoint root, with one part
 * holding its bytes (length and CRC32C in the manifest, verified on every read). Writing never
 * renames or copies:
 *
 * <ul>
 *   <li>{@code createAtomic(path, false)} (offsets, commits, metadata) commits generation 0 of the
 *       file put-if-absent: when the file exists, or another writer (a zombie driver) committed it
 *       first, {@code close()} throws Hadoop's {@link FileAlreadyExistsException} and nothing of
 *       this writer is visible.
 *   <li>{@code createAtomic(path, true)} (state store deltas and snapshots) commits the next
 *       generation put-if-absent and then deletes the older ones but generation 0 (which keeps
 *       a later non-overwriting create failing); readers open the newest committed generation,
 *       so they see one whole version, never a mix.
 *   <li>{@link AtomicFile#cancel()} aborts the attempt: nothing becomes visible.
 * </ul>
 *
 * <p>Construction is cheap: instances share the stores opened in the JVM.
 */
public final class CheckpointFiles {
    /** The only part of a file's checkpoint. */
    static final String PART = "data";

    private final Path folder;
    private final Configuration conf;
    private final CheckpointSettings settings;
    private final CheckpointStore store;

    /** The files of the folder {@code path} (what Spark makes a manager for) under its root. */
    public CheckpointFiles(Path path, Configuration conf) throws IOException {
        this.folder = path;
        this.conf = conf;
        this.settings = CheckpointSettings.of(path, conf);
        this.store = SharedCheckpointStores.get(settings.store(), settings.options());
        settings.relative(path, conf); // refuses a folder outside the root at once
    }

    /** Starts writing {@code path}: closing the stream publishes it whole, cancelling leaves nothing. */
    public AtomicFile createAtomic(Path path, boolean overwriteIfPossible) {
        return unchecked(() -> {
            String relative = relative(path);
            if (!overwriteIfPossible) {
                // No exists() check: the put-if-absent commit in close() is the check, race-free.
                return new AtomicFile(path, relative, 0, false);
            }
            List<Long> generations = generations(relative);
            long next = generations.isEmpty() ? 0 : generations.get(generations.size() - 1) + 1;
            return new AtomicFile(path, relative, next, true);
        });
    }

    /** Opens the newest committed version of {@code path}, verified; missing: {@link FileNotFoundException}. */
    public FSDataInputStream open(Path path) {
        return unchecked(() -> {
            String relative = relative(path);
            // An overwriting writer deletes older generations after committing a newer one: a reader
            // that lost that race looks again and finds the newer one. Each version is read whole
            // and verified, so a reader gets exactly one version.
            for (int attempt = 0; attempt < 10; attempt++) {
                List<Long> generations = generations(relative);
                if (generations.isEmpty()) {
                    break;
                }
                CheckpointId id = CheckpointPaths.fileVersion(relative, generations.get(generations.size() - 1));
                Optional<Checkpoint> checkpoint = store.open(id);
                if (checkpoint.isPresent()) {
                    try {
                        return new FSDataInputStream(
                                new SeekableBytes(checkpoint.get().readPart(PART)));
                    } catch (NoSuchFileException e) {
                        // Deleted between its manifest and its bytes: a newer generation exists;
                        // look again.
                    }
                }
            }
            throw new FileNotFoundException("checkpoint file " + path + " does not exist");
        });
    }

    /** The files and folders directly in {@code path} that {@code filter} accepts (names only). */
    public FileStatus[] list(Path path, PathFilter filter) {
        return unchecked(() -> {
            String relative = relative(path);
            Map<String, Boolean> entries = new LinkedHashMap<>();
            for (CheckpointId id : store.list(CheckpointPaths.prefix(relative))) {
                CheckpointPaths.entryIn(relative, id)
                        .ifPresent(e -> entries.merge(e.name(), e.directory(), Boolean::logicalOr));
            }
            Path qualified = settings.resolve(relative);
            List<FileStatus> statuses = new ArrayList<>();
            for (Map.Entry<String, Boolean> e : entries.entrySet()) {
                Path child = new Path(qualified, e.getKey());
                if (filter.accept(child)) {
                    // Spark's callers use the names only; lengths and times would cost a manifest read each.
                    statuses.add(new FileStatus(0, e.getValue(), 1, 0, 0, child));
                }
            }
            return statuses.toArray(new FileStatus[0]);
        });
    }

    /** Makes the folder {@code path} (idempotent). */
    public void mkdirs(Path path) {
        uncheckedRun(() -> {
            String relative = relative(path);
            try (CheckpointWriter writer = store.begin(CheckpointPaths.directoryMarker(relative))) {
                writer.commit();
            } catch (AlreadyCommittedException e) {
                // Already made: mkdirs is idempotent.
            }
        });
    }

    /** Whether {@code path} is a committed file or a folder. */
    public boolean exists(Path path) {
        return unchecked(() -> {
            String relative = relative(path);
            if (!relative.isEmpty() && !generations(relative).isEmpty()) {
                return true;
            }
            return store.open(CheckpointPaths.directoryMarker(relative)).isPresent()
                    || (!store.list(CheckpointPaths.prefix(relative)).isEmpty() && !relative.isEmpty());
        });
    }

    /** Deletes {@code path}: every version of the file, or everything in the folder. */
    public void delete(Path path) {
        uncheckedRun(() -> {
            String relative = relative(path);
            if (!relative.isEmpty()) {
                for (long generation : generations(relative)) {
                    store.delete(CheckpointPaths.fileVersion(relative, generation));
                }
            }
            // A folder: everything below it, then its marker (as Hadoop's recursive delete would).
            for (CheckpointId id : store.list(CheckpointPaths.prefix(relative))) {
                store.delete(id);
            }
            store.delete(CheckpointPaths.directoryMarker(relative));
        });
    }

    /** Whether the store is on the local disk. */
    public boolean isLocal() {
        return "file".equals(settings.store().getScheme());
    }

    /** Makes the folder this instance is for and returns its qualified path. */
    public Path createCheckpointDirectory() {
        mkdirs(folder);
        return settings.resolve(relative(folder));
    }

    /** The settings resolved for the folder: root, store URI and options. */
    public CheckpointSettings settings() {
        return settings;
    }

    /** A call that may throw an {@code IOException}. */
    private interface IoCall<T> {
        T call() throws IOException;
    }

    /** A call without a result that may throw an {@code IOException}. */
    private interface IoRun {
        void run() throws IOException;
    }

    /** Runs {@code call}, throwing its {@code IOException} unchanged but undeclared. */
    private static <T> T unchecked(IoCall<T> call) {
        try {
            return call.call();
        } catch (IOException e) {
            throw Sneaky.raise(e);
        }
    }

    private static void uncheckedRun(IoRun run) {
        try {
            run.run();
        } catch (IOException e) {
            throw Sneaky.raise(e);
        }
    }

    private String relative(Path path) {
        return settings.relative(path, conf);
    }

    private List<Long> generations(String relative) throws IOException {
        int slash = relative.lastIndexOf('/');
        String directory = slash < 0 ? "" : relative.substring(0, slash);
        String name = relative.substring(slash + 1);
        return CheckpointPaths.generations(directory, name, store.list(CheckpointPaths.prefix(directory)));
    }

    /**
     * One file being written: the bytes go straight into the attempt's part; {@link #close()}
     * publishes it, {@link #cancel()} aborts it.
     */
    public final class AtomicFile extends OutputStream {
        private final Path path;
        private final String relative;
        private final boolean overwrite;
        private long generation;
        private CheckpointWriter writer;
        private OutputStream part;
        private boolean terminated;

        AtomicFile(Path path, String relative, long generation, boolean overwrite) throws IOException {
            this.path = path;
            this.relative = relative;
            this.generation = generation;
            this.overwrite = overwrite;
            this.writer = store.begin(CheckpointPaths.fileVersion(relative, generation));
            this.part = writer.openPart(PART);
        }

        @Override
        public void write(int b) throws IOException {
            checkOpen();
            part.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            checkOpen();
            part.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            checkOpen();
            part.flush();
        }

        @Override
        public synchronized void close() throws IOException {
            if (terminated) {
                return;
            }
            terminated = true;
            try {
                part.close();
                commit();
            } finally {
                writer.close();
            }
        }

        private void commit() throws IOException {
            try {
                writer.commit();
            } catch (AlreadyCommittedException e) {
                if (!overwrite) {
                    FileAlreadyExistsException fe = new FileAlreadyExistsException(
                            "checkpoint file " + path + " already exists (committed by another writer)");
                    fe.initCause(e);
                    throw fe;
                }
                // A concurrent overwriter (another attempt of the same state store task) published
                // this generation first: its whole version stands, as the later rename would on a
                // file system, and this attempt's bytes are discarded.
                return;
            }
            if (overwrite && generation > 1) {
                // Generation 0 stays while the file exists: it is what a later non-overwriting
                // create of this path collides with, so that one fails as it must. Below
                // generation 2 there is nothing else to remove, and no listing to pay for.
                for (long older : generations(relative)) {
                    if (older > 0 && older < generation) {
                        store.delete(CheckpointPaths.fileVersion(relative, older));
                    }
                }
            }
        }

        /** Aborts the attempt: nothing of it becomes visible. */
        public synchronized void cancel() {
            if (terminated) {
                return;
            }
            terminated = true;
            try {
                writer.close();
            } catch (IOException e) {
                // Aborting leaves nothing visible; what is left behind is garbage-collected.
            }
        }

        private void checkOpen() throws IOException {
            if (terminated) {
                throw new IOException("checkpoint file " + path + " is already closed or cancelled");
            }
        }
    }
}
