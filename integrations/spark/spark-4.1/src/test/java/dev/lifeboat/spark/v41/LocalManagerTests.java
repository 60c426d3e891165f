package dev.lifeboat.spark.v41;

import org.apache.hadoop.fs.Path;
import org.junit.runner.RunWith;
import org.scalatestplus.junit.JUnitRunner;

/** Spark 4.1's manager suite on the local checkpoint store, through the 4.1 manager. */
@RunWith(JUnitRunner.class)
public class LocalManagerTests extends ManagerSuite {
    private static final long serialVersionUID = 1L;
    private final Path root = new Path(tempDir("lifeboat-spark41-local").toUri());

    @Override
    Path root() {
        return root;
    }
}
