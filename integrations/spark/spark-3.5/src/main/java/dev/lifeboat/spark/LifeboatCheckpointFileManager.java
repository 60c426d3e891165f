package dev.lifeboat.spark;

import dev.lifeboat.spark.internal.CheckpointPaths;
import dev.lifeboat.spark.internal.CheckpointSettings;
import dev.lifeboat.spark.internal.SeekableBytes;
import dev.lifeboat.spark.internal.SharedCheckpointStores;
import dev.lifeboat.spark.internal.Sneaky;
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
import org.apache.spark.sql.execution.streaming.CheckpointFileManager;

/**
 * Spark Structured Streaming's checkpoint files (offsets, commits, source and sink logs, state
 * store deltas and snapshots, query metadata) as Lifeboat checkpoints. Set
 * {@code spark.sql.streaming.checkpointFileManagerClass} to this class; see {@code docs/spark.md}.
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
 *   <li>{@code cancel()} aborts the attempt: nothing becomes visible.
 * </ul>
 *
 * <p>Construction is cheap: managers share the stores opened in the JVM.
 */
public class LifeboatCheckpointFileManager implements CheckpointFileManager {
    /** The only part of a file's checkpoint. */
    static final String PART = "data";

    private final Path folder;
    private final Configuration conf;
    private final CheckpointSettings settings;
    private final CheckpointStore store;

    /** The constructor Spark calls: {@code path} is the folder the manager is made for. */
    public LifeboatCheckpointFileManager(Path path, Configuration conf) throws IOException {
        this.folder = path;
        this.conf = conf;
        this.settings = CheckpointSettings.of(path, conf);
        this.store = SharedCheckpointStores.get(settings.store(), settings.options());
        settings.relative(path, conf); // refuses a folder outside the root at once
    }

    @Override
    public CheckpointFileManager.CancellableFSDataOutputStream createAtomic(Path path, boolean overwriteIfPossible) {
        String relative = relative(path);
        try {
            if (!overwriteIfPossible) {
                // No exists() check: the put-if-absent commit in close() is the check, race-free.
                return new AtomicStream(path, relative, 0, false);
            }
            List<Long> generations = generations(relative);
            long next = generations.isEmpty() ? 0 : generations.get(generations.size() - 1) + 1;
            return new AtomicStream(path, relative, next, true);
        } catch (IOException e) {
            throw Sneaky.raise(e);
        }
    }

    @Override
    public FSDataInputStream open(Path path) {
        try {
            return doOpen(path);
        } catch (IOException e) {
            throw Sneaky.raise(e);
        }
    }

    private FSDataInputStream doOpen(Path path) throws IOException {
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
                    // Deleted between its manifest and its bytes: a newer generation exists.
                    continue;
                }
            }
        }
        throw new FileNotFoundException("checkpoint file " + path + " does not exist");
    }

    @Override
    public FileStatus[] list(Path path, PathFilter filter) {
        try {
            return doList(path, filter);
        } catch (IOException e) {
            throw Sneaky.raise(e);
        }
    }

    private FileStatus[] doList(Path path, PathFilter filter) throws IOException {
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
    }

    @Override
    public void mkdirs(Path path) {
        try {
            doMkdirs(path);
        } catch (IOException e) {
            throw Sneaky.raise(e);
        }
    }

    private void doMkdirs(Path path) throws IOException {
        String relative = relative(path);
        try (CheckpointWriter writer = store.begin(CheckpointPaths.directoryMarker(relative))) {
            writer.commit();
        } catch (AlreadyCommittedException e) {
            // Already made: mkdirs is idempotent.
        }
    }

    @Override
    public boolean exists(Path path) {
        try {
            return doExists(path);
        } catch (IOException e) {
            throw Sneaky.raise(e);
        }
    }

    private boolean doExists(Path path) throws IOException {
        String relative = relative(path);
        if (!relative.isEmpty() && !generations(relative).isEmpty()) {
            return true;
        }
        return store.open(CheckpointPaths.directoryMarker(relative)).isPresent()
                || !store.list(CheckpointPaths.prefix(relative)).isEmpty() && !relative.isEmpty();
    }

    @Override
    public void delete(Path path) {
        try {
            doDelete(path);
        } catch (IOException e) {
            throw Sneaky.raise(e);
        }
    }

    private void doDelete(Path path) throws IOException {
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
    }

    @Override
    public boolean isLocal() {
        return "file".equals(settings.store().getScheme());
    }

    @Override
    public Path createCheckpointDirectory() {
        mkdirs(folder);
        return settings.resolve(relative(folder));
    }

    /** The settings this manager resolved: root, store URI and options. */
    public CheckpointSettings settings() {
        return settings;
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

    /** The stream Spark writes one file to: the bytes go straight into the attempt's part. */
    private final class AtomicStream extends CheckpointFileManager.CancellableFSDataOutputStream {
        private final Sink sink;

        AtomicStream(Path path, String relative, long generation, boolean overwrite) throws IOException {
            this(new Sink(path, relative, generation, overwrite));
        }

        private AtomicStream(Sink sink) {
            super(sink);
            this.sink = sink;
        }

        @Override
        public void cancel() {
            sink.cancel();
        }
    }

    private final class Sink extends OutputStream {
        private final Path path;
        private final String relative;
        private final boolean overwrite;
        private long generation;
        private CheckpointWriter writer;
        private OutputStream part;
        private boolean terminated;

        Sink(Path path, String relative, long generation, boolean overwrite) throws IOException {
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
            if (overwrite) {
                // Generation 0 stays while the file exists: it is what a later non-overwriting
                // create of this path collides with, so that one fails as it must.
                for (long older : generations(relative)) {
                    if (older > 0 && older < generation) {
                        store.delete(CheckpointPaths.fileVersion(relative, older));
                    }
                }
            }
        }

        synchronized void cancel() {
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
