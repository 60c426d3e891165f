package dev.lifeboat.backend.hadoop;

import dev.lifeboat.compat.CheckpointStoreContract;
import dev.lifeboat.spi.checkpoint.CheckpointStoreProvider;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The whole checkpoint store kit against a real HDFS (MiniDFSCluster). */
class HdfsCheckpointStoreCompatibilityTest extends CheckpointStoreContract {
    private static MiniHdfs hdfs;

    @BeforeAll
    static void startHdfs() throws IOException {
        hdfs = MiniHdfs.start("checkpoint", 1, 1);
    }

    @AfterAll
    static void stopHdfs() {
        if (hdfs != null) {
            hdfs.close();
        }
    }

    @Override
    protected CheckpointStoreProvider provider() {
        return new HadoopCheckpointStoreProvider();
    }

    @Override
    protected URI newRoot() {
        return hdfs.newRoot("checkpoints");
    }

    @Override
    protected Map<String, String> options() {
        return hdfs.options();
    }
}
