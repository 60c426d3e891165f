package dev.lifeboat.spark;

import java.net.URI;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;

/**
 * The Lifeboat shuffle on HDFS (a MiniDFSCluster), with Kryo and no bypass-merge, so map tasks
 * without aggregation run Spark's serialised (unsafe) writer.
 */
class HdfsShuffleTest extends ShuffleSuite {
    private TestServers.Hdfs server;

    @Override
    URI store() throws Exception {
        if (server == null) {
            server = TestServers.Hdfs.start(Files.createTempDirectory("lifeboat-spark-shuffle-minidfs"));
        }
        return URI.create(server.uri + "/shuffle");
    }

    @Override
    Map<String, String> conf() {
        return Map.of(
                "spark.serializer", "org.apache.spark.serializer.KryoSerializer",
                "spark.shuffle.sort.bypassMergeThreshold", "0");
    }

    @Override
    boolean outlivesExecutor() {
        return true;
    }

    @AfterAll
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }
}
