package dev.lifeboat.backend.hadoop;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/** A real HDFS (namenode and datanodes in this JVM) for one test class. */
final class MiniHdfs implements AutoCloseable {
    private final MiniDFSCluster cluster;
    private final URI uri;

    private MiniHdfs(MiniDFSCluster cluster) throws IOException {
        this.cluster = cluster;
        this.uri = cluster.getURI();
    }

    /**
     * Starts a cluster under the test temp directory. Datanodes heartbeat every second, so lease
     * recovery and truncation (which wait for a heartbeat) finish in about a second.
     */
    static MiniHdfs start(String name, int dataNodes, int replication) throws IOException {
        File base = new File(System.getProperty("java.io.tmpdir"), "minidfs-" + name + "-" + UUID.randomUUID());
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.getAbsolutePath());
        conf.setInt("dfs.replication", replication);
        conf.setInt("dfs.heartbeat.interval", 1);
        conf.setInt("dfs.namenode.heartbeat.recheck-interval", 2000);
        MiniDFSCluster cluster =
                new MiniDFSCluster.Builder(conf).numDataNodes(dataNodes).build();
        cluster.waitActive();
        return new MiniHdfs(cluster);
    }

    MiniDFSCluster cluster() {
        return cluster;
    }

    /** {@code hdfs://localhost:port} */
    URI uri() {
        return uri;
    }

    /** A fresh directory URI with the hdfs scheme. */
    URI newRoot(String what) {
        return URI.create(uri + "/" + what + "/" + UUID.randomUUID());
    }

    /**
     * Options every test store on this cluster is opened with: its replication, and a client that
     * asks the namenode again after 20 ms (not 400 ms) whether a closed file's last block has
     * reached its datanodes.
     */
    Map<String, String> options() {
        return Map.of(
                "hadoop.dfs.replication",
                Integer.toString(cluster.getConfiguration(0).getInt("dfs.replication", 1)),
                "hadoop.dfs.client.block.write.locateFollowingBlock.initial.delay.ms",
                "20");
    }

    @Override
    public void close() {
        cluster.shutdown(true);
    }
}
