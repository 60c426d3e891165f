package dev.lifeboat.spark.v41;

import dev.lifeboat.spark.StoreServers;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.junit.runner.RunWith;
import org.scalatestplus.junit.JUnitRunner;

/** Spark 4.1's manager suite on the S3 checkpoint store, against S3Proxy, through the 4.1 manager. */
@RunWith(JUnitRunner.class)
public class S3ManagerTests extends ManagerSuite {
    private static final long serialVersionUID = 1L;
    private transient StoreServers server;

    @Override
    public void beforeAll() {
        try {
            server = StoreServers.s3(tempDir("lifeboat-spark41-s3"));
        } catch (Exception e) {
            throw new IllegalStateException("S3Proxy did not start", e);
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
