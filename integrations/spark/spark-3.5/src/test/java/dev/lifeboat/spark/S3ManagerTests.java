package dev.lifeboat.spark;

import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.junit.runner.RunWith;
import org.scalatestplus.junit.JUnitRunner;

/** Spark's manager suite on the S3 checkpoint store, against S3Proxy. */
@RunWith(JUnitRunner.class)
public class S3ManagerTests extends ManagerSuite {
    private static final long serialVersionUID = 1L;
    private transient TestServers.S3 server;

    @Override
    public void beforeAll() {
        try {
            server = TestServers.S3.start(tempDir("lifeboat-spark-s3proxy"));
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
        return new Path("s3a://" + TestServers.S3.BUCKET + "/checkpoints");
    }

    @Override
    Map<String, String> storeConf() {
        return server.sparkConf(server.endpoint);
    }
}
