package dev.lifeboat.spark.v41;

import dev.lifeboat.spark.internal.CheckpointSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.execution.streaming.CheckpointFileManagerTests;
import org.apache.spark.sql.execution.streaming.checkpointing.CheckpointFileManager;
import scala.Function1;
import scala.runtime.BoxedUnit;

/**
 * Spark 4.1's own test suite for checkpoint file managers ({@code CheckpointFileManagerTests},
 * from Spark's test jar, run here by JUnit) through the 4.1 manager, on one Lifeboat store: each
 * subclass gives the checkpoint root and the store's options (starting its server once for the
 * class).
 */
abstract class ManagerSuite extends CheckpointFileManagerTests {
    private static final long serialVersionUID = 1L;

    /** The checkpoint root (a qualified Hadoop path). */
    abstract Path root();

    /** The Spark keys that reach the store. */
    Map<String, String> storeConf() {
        return Map.of();
    }

    final Configuration conf() {
        Configuration conf = new Configuration(false);
        conf.set(CheckpointSettings.ROOT, root().toString());
        storeConf().forEach(conf::set);
        return conf;
    }

    final LifeboatCheckpointFileManager lifeboatManager(Path path) {
        try {
            return new LifeboatCheckpointFileManager(path, conf());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void withTempHadoopPath(Function1<Path, BoxedUnit> body) {
        body.apply(new Path(root(), "test-" + UUID.randomUUID()));
    }

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

    static java.nio.file.Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
