package dev.lifeboat.spark.v41;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.execution.streaming.checkpointing.CheckpointFileManager;
import org.junit.runner.RunWith;
import org.scalatestplus.junit.JUnitRunner;

/** Spark 4.1's manager suite on the local checkpoint store, through the 4.1 manager. */
@RunWith(JUnitRunner.class)
public class LocalManagerTests extends ManagerSuite {
    private static final long serialVersionUID = 1L;

    @Override
    public CheckpointFileManager createManager(Path path) {
        return lifeboatManager(path);
    }

    @Override
    public void checkLeakingCrcFiles(Path path) {
        // Nothing is renamed, so no checksum file of a temporary file can be left behind: assert it.
        for (FileStatus status : createManager(path).list(path)) {
            String name = status.getPath().getName();
            if (name.endsWith(".crc") || name.endsWith(".tmp")) {
                throw new AssertionError("leftover " + status.getPath());
            }
        }
    }
}
