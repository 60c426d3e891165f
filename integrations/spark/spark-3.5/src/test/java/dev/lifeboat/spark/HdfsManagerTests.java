package dev.lifeboat.spark;

import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.junit.runner.RunWith;
import org.scalatestplus.junit.JUnitRunner;

/** Spark's manager suite on the HDFS checkpoint store, against a MiniDFSCluster. */
@RunWith(JUnitRunner.class)
public class HdfsManagerTests extends ManagerSuite {
    private static final long serialVersionUID = 1L;
    private transient TestServers.Hdfs server;

    @Override
    public void beforeAll() {
        try {
            server = TestServers.Hdfs.start(tempDir("lifeboat-spark-minidfs"));
        } catch (Exception e) {
            throw new IllegalStateException("MiniDFSCluster did not start", e);
        }
        super.beforeAll();
    }

    @Override
    public void afterAll() {
        try {
            super.afterAll();
        } finally {
            server.close();
        }
    }

    @Override
    Path root() {
        return new Path(server.uri + "/checkpoints");
    }

    @Override
    Map<String, String> storeConf() {
        return Map.of();
    }
}
