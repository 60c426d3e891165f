package dev.lifeboat.spark;

import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.junit.runner.RunWith;
import org.scalatestplus.junit.JUnitRunner;

/** Spark's manager suite on the local checkpoint store. */
@RunWith(JUnitRunner.class)
public class LocalManagerTests extends ManagerSuite {
    private static final long serialVersionUID = 1L;
    private final Path root = new Path(tempDir("lifeboat-spark-local").toUri());

    @Override
    Path root() {
        return root;
    }

    @Override
    Map<String, String> storeConf() {
        return Map.of();
    }
}
