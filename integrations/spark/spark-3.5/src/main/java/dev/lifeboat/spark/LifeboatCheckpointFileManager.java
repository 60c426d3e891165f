package dev.lifeboat.spark;

import dev.lifeboat.spark.internal.CheckpointFiles;
import dev.lifeboat.spark.internal.CheckpointSettings;
import java.io.IOException;
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
 * <p>Construction is cheap: managers share the stores opened in the JVM. This class is for Spark
 * 3.5 and 4.0; Spark 4.1 moved the interface, and {@code lifeboat-spark-4.1} has the same manager
 * for it.
 */
public class LifeboatCheckpointFileManager implements CheckpointFileManager {
    private final CheckpointFiles files;

    /** The constructor Spark calls: {@code path} is the folder the manager is made for. */
    public LifeboatCheckpointFileManager(Path path, Configuration conf) throws IOException {
        this.files = new CheckpointFiles(path, conf);
    }

    @Override
    public CheckpointFileManager.CancellableFSDataOutputStream createAtomic(Path path, boolean overwriteIfPossible) {
        return new AtomicStream(files.createAtomic(path, overwriteIfPossible));
    }

    @Override
    public FSDataInputStream open(Path path) {
        return files.open(path);
    }

    @Override
    public FileStatus[] list(Path path, PathFilter filter) {
        return files.list(path, filter);
    }

    @Override
    public void mkdirs(Path path) {
        files.mkdirs(path);
    }

    @Override
    public boolean exists(Path path) {
        return files.exists(path);
    }

    @Override
    public void delete(Path path) {
        files.delete(path);
    }

    @Override
    public boolean isLocal() {
        return files.isLocal();
    }

    @Override
    public Path createCheckpointDirectory() {
        return files.createCheckpointDirectory();
    }

    /** The settings this manager resolved: root, store URI and options. */
    public CheckpointSettings settings() {
        return files.settings();
    }

    /** The stream Spark writes one file to. */
    private static final class AtomicStream extends CheckpointFileManager.CancellableFSDataOutputStream {
        private final CheckpointFiles.AtomicFile file;

        AtomicStream(CheckpointFiles.AtomicFile file) {
            super(file);
            this.file = file;
        }

        @Override
        public void cancel() {
            file.cancel();
        }
    }
}
