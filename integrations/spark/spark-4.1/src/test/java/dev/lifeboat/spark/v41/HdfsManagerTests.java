package dev.lifeboat.spark.v41;

import dev.lifeboat.spark.StoreServers;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.junit.runner.RunWith;
import org.scalatestplus.junit.JUnitRunner;

/** Spark 4.1's manager suite on the HDFS checkpoint store, against a MiniDFSCluster, through the 4.1 manager. */
@RunWith(JUnitRunner.class)
public class HdfsManagerTests extends ManagerSuite {
    private static final long serialVersionUID = 1L;
    private transient StoreServers server;

    @Override
    public void beforeAll() {
        try {
            server = StoreServers.hdfs(tempDir("lifeboat-spark41-hdfs"));
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
        return new Path(server.root());
    }

    @Override
    Map<String, String> storeConf() {
        return server.conf();
    }
}
