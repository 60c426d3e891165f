package dev.lifeboat.spark;

import dev.lifeboat.spark.internal.CheckpointSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.execution.streaming.CheckpointFileManager;
import org.apache.spark.sql.execution.streaming.CheckpointFileManagerTests;
import scala.Function1;
import scala.runtime.BoxedUnit;

/**
 * Spark's own test suite for checkpoint file managers ({@code CheckpointFileManagerTests}, from
 * Spark's test jar, run here by JUnit), on one Lifeboat store: each subclass starts its server
 * once for the class and gives the checkpoint root and the store's options.
 */
abstract class ManagerSuite extends CheckpointFileManagerTests {
    private static final long serialVersionUID = 1L;

    /** The checkpoint root (a qualified Hadoop path) and the Spark keys that reach the store. */
    abstract Path root();

    abstract Map<String, String> storeConf();

    final Configuration conf() {
        Configuration conf = new Configuration(false);
        conf.set(CheckpointSettings.ROOT, root().toString());
        storeConf().forEach(conf::set);
        return conf;
    }

    @Override
    public void withTempHadoopPath(Function1<Path, BoxedUnit> body) {
        body.apply(new Path(root(), "test-" + UUID.randomUUID()));
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

    @Override
    public CheckpointFileManager createManager(Path path) {
        try {
            return new LifeboatCheckpointFileManager(path, conf());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
