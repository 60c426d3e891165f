package dev.lifeboat.backend.hadoop;

import dev.lifeboat.compat.WriteAheadLogContract;
import dev.lifeboat.spi.wal.WriteAheadLogProvider;
import java.io.IOException;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The write-ahead log kit against a real HDFS. Every test runs; none is skipped: the provider
 * declares every WAL capability. A dead writer is taken over after 2 s of silence (default 10 s)
 * to keep the crash tests short.
 */
class HdfsWriteAheadLogCompatibilityTest extends WriteAheadLogContract {
    private static MiniHdfs hdfs;

    @BeforeAll
    static void startHdfs() throws IOException {
        hdfs = MiniHdfs.start("wal", 1, 1);
    }

    @AfterAll
    static void stopHdfs() {
        if (hdfs != null) {
            hdfs.close();
        }
    }

    @Override
    protected WriteAheadLogProvider provider() {
        return new HadoopWriteAheadLogProvider();
    }

    @Override
    protected URI newRoot() {
        return hdfs.newRoot("wal");
    }

    @Override
    protected Map<String, String> options() {
        Map<String, String> o = new HashMap<>(hdfs.options());
        o.put("writer-lock.heartbeat-interval", "250ms");
        o.put("writer-lock.takeover-after", "2s");
        return o;
    }
}
