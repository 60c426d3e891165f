package dev.lifeboat.backend.hadoop.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.spi.checkpoint.AlreadyCommittedException;
import dev.lifeboat.spi.checkpoint.Checkpoint;
import dev.lifeboat.spi.checkpoint.CheckpointId;
import dev.lifeboat.spi.checkpoint.CheckpointWriter;
import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.DFSClient;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.hdfs.protocol.ClientProtocol;
import org.apache.hadoop.ipc.RPC;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What one commit costs in namenode calls on a real HDFS: every call the store's client makes
 * to the namenode is counted (the client's namenode proxy is wrapped), so a commit path that
 * gains an {@code exists}, a {@code mkdirs} or an {@code hsync} fails here.
 */
class HdfsCheckpointCommitCallsTest {
    /** Calls the client makes on its own (lease renewal, cached server defaults), whatever the store does. */
    private static final Set<String> BACKGROUND = Set.of("renewLease", "getServerDefaults");

    private static MiniDFSCluster cluster;

    @BeforeAll
    static void startCluster() throws IOException {
        File base = new File(System.getProperty("java.io.tmpdir"), "minidfs-calls-" + UUID.randomUUID());
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.getAbsolutePath());
        conf.setInt("dfs.replication", 1);
        cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        cluster.waitActive();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.shutdown(true);
        }
    }

    private static HadoopCheckpointStore open(Map<String, AtomicInteger> calls) throws Exception {
        URI root = URI.create(cluster.getURI() + "/calls/" + UUID.randomUUID());
        HadoopLocation location = HadoopLocation.parse(
                HadoopLocation.HDFS_SCHEME,
                root,
                Map.of(
                        "hadoop.dfs.replication",
                        "1",
                        "hadoop.dfs.client.block.write.locateFollowingBlock.initial.delay.ms",
                        "20"));
        HadoopFs fs = location.open();
        count(((DistributedFileSystem) fs.fs()).getClient(), calls);
        return new HadoopCheckpointStore(fs, HadoopCheckpointStore.capabilitiesOf(fs));
    }

    /**
     * Replaces the client's namenode proxy with one that counts each call by method name (and
     * closes the real proxy when the client closes it).
     */
    private static void count(DFSClient client, Map<String, AtomicInteger> calls) throws Exception {
        Field field = DFSClient.class.getDeclaredField("namenode");
        field.setAccessible(true);
        ClientProtocol namenode = (ClientProtocol) field.get(client);
        Object counting = Proxy.newProxyInstance(
                ClientProtocol.class.getClassLoader(),
                new Class<?>[] {ClientProtocol.class, Closeable.class},
                (p, method, args) -> {
                    if (method.getName().equals("close") && method.getParameterCount() == 0) {
                        RPC.stopProxy(namenode); // the client closing its connection
                        return null;
                    }
                    if (!BACKGROUND.contains(method.getName())) {
                        calls.computeIfAbsent(method.getName(), k -> new AtomicInteger())
                                .incrementAndGet();
                    }
                    try {
                        return method.invoke(namenode, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        field.set(client, counting);
    }

    private static void commit(HadoopCheckpointStore store, String id, byte[] content) throws IOException {
        try (CheckpointWriter w = store.begin(CheckpointId.of(id))) {
            try (OutputStream out = w.openPart("data")) {
                out.write(content);
            }
            w.commit();
        }
    }

    private static Map<String, Integer> snapshot(Map<String, AtomicInteger> calls) {
        Map<String, Integer> m = new TreeMap<>();
        calls.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    @Test
    void aSmallCommitInAnExistingFolderCostsTwoFilesAndOneRename() throws Exception {
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        byte[] content = new byte[1024];
        new java.util.Random(1).nextBytes(content);
        try (HadoopCheckpointStore store = open(calls)) {
            commit(store, "offsets/0", content); // the folder's first: its parent is created
            calls.clear();

            commit(store, "offsets/1", content);
            Map<String, Integer> one = snapshot(calls);

            // Two files (the part and the manifest), each created with its parent, written in one
            // block and completed; then one rename that refuses an existing target. No mkdirs, no
            // exists or getFileInfo, no fsync (the SYNC_BLOCK close forces the blocks to disk).
            assertThat(one)
                    .as("namenode calls of one commit: %s", one)
                    .containsEntry("create", 2)
                    .containsEntry("addBlock", 2)
                    .containsEntry("rename2", 1)
                    .doesNotContainKeys("mkdirs", "getFileInfo", "fsync", "getListing", "delete");
            assertThat(one.get("complete"))
                    .as("complete, retried until the block is reported")
                    .isBetween(2, 12);
            assertThat(one.keySet()).containsOnly("create", "addBlock", "complete", "rename2");

            // What the fewer calls must keep: the bytes, verified; put-if-absent.
            Checkpoint read = store.open(CheckpointId.of("offsets/1")).orElseThrow();
            try (InputStream in = read.openPart("data")) {
                assertThat(in.readAllBytes()).isEqualTo(content);
            }
            assertThatThrownBy(() -> commit(store, "offsets/1", new byte[] {1}))
                    .isInstanceOf(AlreadyCommittedException.class);
            try (InputStream in =
                    store.open(CheckpointId.of("offsets/1")).orElseThrow().openPart("data")) {
                assertThat(in.readAllBytes()).isEqualTo(content);
            }
        }
    }

    @Test
    void theFirstCommitOfAFolderCreatesItsParentOnce() throws Exception {
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        try (HadoopCheckpointStore store = open(calls)) {
            calls.clear();
            commit(store, "a/b/c", new byte[] {1, 2, 3});
            Map<String, Integer> first = snapshot(calls);
            assertThat(first)
                    .as("namenode calls: %s", first)
                    .containsEntry("mkdirs", 1)
                    .containsEntry("rename2", 2); // refused for the missing parent, then done
            assertThat(store.open(CheckpointId.of("a/b/c"))).isPresent();
        }
    }
}
