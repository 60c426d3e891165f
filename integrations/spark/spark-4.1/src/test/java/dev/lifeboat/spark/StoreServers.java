package dev.lifeboat.spark;

import java.nio.file.Path;
import java.util.Map;

/**
 * The test servers of the 3.5 module's tests ({@link TestServers}, package-private there), for the
 * Spark 4.1 tests in another package: a started server, the checkpoint root on it and the Spark
 * keys that reach its store.
 */
public final class StoreServers implements AutoCloseable {
    private final Runnable stop;
    private final String root;
    private final Map<String, String> conf;

    private StoreServers(Runnable stop, String root, Map<String, String> conf) {
        this.stop = stop;
        this.root = root;
        this.conf = Map.copyOf(conf);
    }

    /** An S3Proxy in its own JVM, its files under {@code dir}. */
    public static StoreServers s3(Path dir) throws Exception {
        TestServers.S3 s3 = TestServers.S3.start(dir);
        return new StoreServers(
                s3::close, "s3a://" + TestServers.S3.BUCKET + "/checkpoints", s3.sparkConf(s3.endpoint));
    }

    /** A MiniDFSCluster in its own JVM, its files under {@code dir}. */
    public static StoreServers hdfs(Path dir) throws Exception {
        TestServers.Hdfs hdfs = TestServers.Hdfs.start(dir);
        return new StoreServers(hdfs::close, hdfs.uri + "/checkpoints", Map.of());
    }

    /** The checkpoint root on the server. */
    public String root() {
        return root;
    }

    /** The Spark keys of the store's options. */
    public Map<String, String> conf() {
        return conf;
    }

    @Override
    public void close() {
        stop.run();
    }
}
