package dev.lifeboat.benchmarks.servers;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/**
 * A real HDFS in this JVM: MiniDFSCluster with one namenode and one datanode, replication 1,
 * its blocks below the trial's directory.
 */
final class HdfsServer implements BackendFixture.Server {
    private final MiniDFSCluster cluster;
    private final URI root;

    private HdfsServer(MiniDFSCluster cluster) throws IOException {
        this.cluster = cluster;
        this.root = cluster.getURI();
    }

    static HdfsServer start(Path dir) throws IOException {
        Configuration conf = new Configuration();
        conf.set(
                MiniDFSCluster.HDFS_MINIDFS_BASEDIR,
                dir.resolve("minidfs").toAbsolutePath().toString());
        conf.setInt("dfs.replication", 1);
        conf.setInt("dfs.heartbeat.interval", 1);
        MiniDFSCluster cluster =
                new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        try {
            cluster.waitActive();
            return new HdfsServer(cluster);
        } catch (IOException | RuntimeException e) {
            cluster.shutdown(true);
            throw e;
        }
    }

    @Override
    public URI uri(String name) {
        return URI.create(root + "/bench/" + name);
    }

    /**
     * Replication 1 (one datanode), and a client that asks the namenode again after 20 ms, not
     * 400 ms, whether a closed file's last block has reached its datanode (segment rolls and
     * checkpoint parts close files).
     */
    @Override
    public Map<String, String> options() {
        return Map.of(
                "hadoop.dfs.replication",
                "1",
                "hadoop.dfs.client.block.write.locateFollowingBlock.initial.delay.ms",
                "20");
    }

    @Override
    public void close() {
        cluster.shutdown(true);
    }
}
