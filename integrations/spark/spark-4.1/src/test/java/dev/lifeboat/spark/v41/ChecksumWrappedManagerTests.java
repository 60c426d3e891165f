package dev.lifeboat.spark.v41;

import java.util.HashSet;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.execution.streaming.checkpointing.CheckpointFileManager;
import org.apache.spark.sql.execution.streaming.checkpointing.ChecksumCheckpointFileManager;
import org.junit.runner.RunWith;
import org.scalatestplus.junit.JUnitRunner;

/**
 * Spark 4.1's manager suite on the local checkpoint store, through the 4.1 manager wrapped the way
 * Spark 4.1's state stores wrap it by default: in {@code ChecksumCheckpointFileManager}, which
 * writes a {@code .crc} sidecar file beside every file and verifies it on read.
 */
@RunWith(JUnitRunner.class)
public class ChecksumWrappedManagerTests extends ManagerSuite {
    private static final long serialVersionUID = 1L;
    private final Path root = new Path(tempDir("lifeboat-spark41-checksum").toUri());

    @Override
    Path root() {
        return root;
    }

    @Override
    public CheckpointFileManager createManager(Path path) {
        // As HDFSBackedStateStoreProvider makes it: concurrent delete, 4 threads.
        return new ChecksumCheckpointFileManager(lifeboatManager(path), true, 4, false);
    }

    @Override
    public void checkLeakingCrcFiles(Path path) {
        // Sidecars are files of their own here: each must belong to a file that exists, and no
        // temporary file may be left behind.
        CheckpointFileManager plain = lifeboatManager(path);
        Set<String> names = new HashSet<>();
        for (FileStatus status : plain.list(path)) {
            names.add(status.getPath().getName());
        }
        for (String name : names) {
            if (name.endsWith(".tmp")) {
                throw new AssertionError("leftover " + name + " in " + path);
            }
            if (name.endsWith(".crc") && !names.contains(name.substring(0, name.length() - 4))) {
                throw new AssertionError("orphan checksum file " + name + " in " + path);
            }
        }
    }
}
