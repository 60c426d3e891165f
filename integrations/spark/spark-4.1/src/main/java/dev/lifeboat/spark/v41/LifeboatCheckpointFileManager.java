package dev.lifeboat.spark.v41;

import dev.lifeboat.spark.internal.CheckpointFiles;
import dev.lifeboat.spark.internal.CheckpointSettings;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.PathFilter;
import org.apache.spark.sql.execution.streaming.checkpointing.CheckpointFileManager;

/**
 * Spark 4.1+'s Structured Streaming checkpoint files as Lifeboat checkpoints: the same manager as
 * {@code dev.lifeboat.spark.LifeboatCheckpointFileManager} (Spark 3.5 and 4.0), for the interface
 * Spark 4.1 moved to {@code org.apache.spark.sql.execution.streaming.checkpointing}. Set {@code
 * spark.sql.streaming.checkpointFileManagerClass} to this class; see {@code docs/spark.md}.
 *
 * <p>Every file is committed put-if-absent (a non-overwriting create of an existing file fails
 * with Hadoop's {@code FileAlreadyExistsException}), overwrites publish a whole newer version,
 * and every read is verified against the CRC32C in the store's manifest. Spark 4.1's checksum
 * sidecar files ({@code ChecksumCheckpointFileManager}, on by default for state store files) are
 * stored like any other file; {@link #close()} has nothing to release, since the stores are
 * shared in the JVM.
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

    /**
     * Nothing to release: the stores are shared by every manager in the JVM and closed when it
     * exits, and nothing else is held.
     */
    @Override
    public void close() {}

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
