package dev.lifeboat.spark.v41;

import dev.lifeboat.spark.internal.CheckpointSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.execution.streaming.CheckpointFileManagerTests;
import scala.Function1;
import scala.runtime.BoxedUnit;

/**
 * Spark 4.1's own test suite for checkpoint file managers ({@code CheckpointFileManagerTests},
 * from Spark's test jar, run here by JUnit) on the local checkpoint store, one root per class.
 */
abstract class ManagerSuite extends CheckpointFileManagerTests {
    private static final long serialVersionUID = 1L;
    private final Path root = new Path(tempDir("lifeboat-spark41").toUri());

    final Configuration conf() {
        Configuration conf = new Configuration(false);
        conf.set(CheckpointSettings.ROOT, root.toString());
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
        body.apply(new Path(root, "test-" + UUID.randomUUID()));
    }

    static java.nio.file.Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
