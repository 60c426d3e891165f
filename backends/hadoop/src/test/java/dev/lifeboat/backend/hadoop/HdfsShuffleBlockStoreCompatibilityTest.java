package dev.lifeboat.backend.hadoop;

import dev.lifeboat.compat.ShuffleBlockStoreContract;
import dev.lifeboat.spi.shuffle.ShuffleBlockStoreProvider;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The shuffle block store kit against a real HDFS. Every test runs. */
class HdfsShuffleBlockStoreCompatibilityTest extends ShuffleBlockStoreContract {
    private static MiniHdfs hdfs;

    @BeforeAll
    static void startHdfs() throws IOException {
        hdfs = MiniHdfs.start("shuffle", 1, 1);
    }

    @AfterAll
    static void stopHdfs() {
        if (hdfs != null) {
            hdfs.close();
        }
    }

    @Override
    protected ShuffleBlockStoreProvider provider() {
        return new HadoopShuffleBlockStoreProvider();
    }

    @Override
    protected URI newRoot() {
        return hdfs.newRoot("shuffle");
    }

    @Override
    protected Map<String, String> options() {
        return hdfs.options();
    }
}
