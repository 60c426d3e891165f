package dev.lifeboat.backend.hadoop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.wal.CloseableIterator;
import dev.lifeboat.spi.wal.Durability;
import dev.lifeboat.spi.wal.LogRecord;
import dev.lifeboat.spi.wal.RecordHandle;
import dev.lifeboat.spi.wal.WriteAheadLog;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.hdfs.protocol.DatanodeInfo;
import org.apache.hadoop.hdfs.protocol.LocatedBlocks;
import org.apache.hadoop.hdfs.server.datanode.DataNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Datanode failures under a write-ahead log: three datanodes, replication 2. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class HdfsDataNodeFaultTest {
    private static MiniHdfs hdfs;

    @BeforeAll
    static void startHdfs() throws IOException {
        hdfs = MiniHdfs.start("datanodes", 3, 2);
    }

    @AfterAll
    static void stopHdfs() {
        if (hdfs != null) {
            hdfs.close();
        }
    }

    private static Map<String, String> options(Map<String, String> extra) {
        Map<String, String> o = new HashMap<>(hdfs.options());
        o.put("writer-lock.heartbeat-interval", "250ms");
        o.put("writer-lock.takeover-after", "2s");
        o.putAll(extra);
        return o;
    }

    private static byte[] payload(long seq) {
        byte[] b = new byte[64 + (int) (seq % 200)];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (seq * 31 + i);
        }
        ByteBuffer.wrap(b).putLong(seq);
        return b;
    }

    /**
     * A writer appends with {@code durability=sync} while a datanode of the open segment's pipeline
     * is stopped and restarted. Every append either succeeds (then it must survive) or fails with
     * an error naming the cause; reopening the log finds every acknowledged record.
     */
    @Test
    void appendsSurviveADataNodeStoppedAndRestartedMidWrite() throws Exception {
        URI root = hdfs.newRoot("dn-restart");
        Map<String, String> options = options(Map.of("durability", "sync", "segment-bytes", "256KiB"));
        Map<Long, Long> acked = new ConcurrentHashMap<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        WriteAheadLog wal = Lifeboat.openWriteAheadLog(root, options);
        Thread writer = new Thread(
                () -> {
                    try {
                        for (long seq = 0; !Thread.currentThread().isInterrupted(); seq++) {
                            RecordHandle h = wal.write(ByteBuffer.wrap(payload(seq)), seq);
                            acked.put(h.lsn(), seq);
                        }
                    } catch (IOException | RuntimeException e) {
                        failure.set(e);
                    }
                },
                "dn-fault-writer");
        writer.start();
        awaitAcks(acked, failure, 200);
        MiniDFSCluster cluster = hdfs.cluster();
        int victim = dataNodeOfTheOpenSegment(root);
        MiniDFSCluster.DataNodeProperties stopped = cluster.stopDataNode(victim);
        awaitAcks(acked, failure, acked.size() + 300);
        assertThat(cluster.restartDataNode(stopped, true))
                .as("datanode restarted")
                .isTrue();
        cluster.waitActive();
        awaitAcks(acked, failure, acked.size() + 300);
        writer.interrupt();
        writer.join();
        Throwable failed = failure.get();
        if (failed != null && !(failed instanceof java.io.InterruptedIOException)) {
            assertThat(failed).as("a failed append names its cause").isInstanceOf(IOException.class);
            assertThat(failed.getMessage()).isNotBlank();
        }
        try {
            wal.close();
        } catch (IOException e) {
            assertThat(failed)
                    .as("close fails only after a failed append: %s", e)
                    .isNotNull();
        }
        try (WriteAheadLog again = Lifeboat.openWriteAheadLog(root, options)) {
            List<LogRecord> records = new ArrayList<>();
            try (CloseableIterator<LogRecord> it = again.replayAll()) {
                it.forEachRemaining(records::add);
            }
            for (int i = 0; i < records.size(); i++) {
                assertThat(records.get(i).handle().lsn()).as("dense LSNs").isEqualTo(i);
            }
            assertThat(acked).as("acknowledged appends").isNotEmpty();
            for (Map.Entry<Long, Long> ack : acked.entrySet()) {
                long lsn = ack.getKey();
                assertThat(lsn)
                        .as("acknowledged lsn:%d survives (%d records recovered)", lsn, records.size())
                        .isLessThan(records.size());
                assertThat(records.get((int) lsn).bytes())
                        .as("payload of acknowledged lsn:%d", lsn)
                        .isEqualTo(payload(ack.getValue()));
            }
        }
    }

    /**
     * An erasure-coded directory's streams support neither hflush nor hsync. The hdfs provider,
     * which declares durable sync, refuses it; the hadoop: provider opens it and reports what it
     * really offers, and refuses a durability its streams cannot keep.
     */
    @Test
    void erasureCodedDirectoryCapabilitiesComeFromItsStreams() throws IOException {
        DistributedFileSystem fs = hdfs.cluster().getFileSystem();
        fs.enableErasureCodingPolicy("XOR-2-1-1024k");
        Path ec = new Path("/ec-" + System.nanoTime());
        fs.mkdirs(ec);
        fs.setErasureCodingPolicy(ec, "XOR-2-1-1024k");
        URI hdfsUri = URI.create(hdfs.uri() + ec.toString() + "/wal");
        assertThatThrownBy(() ->
                        Lifeboat.openWriteAheadLog(hdfsUri, options(Map.of())).close())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("hsync")
                .hasMessageContaining("erasure-coded");
        URI anyUri = URI.create("hadoop:" + hdfs.uri() + ec + "/wal2");
        assertThatThrownBy(() -> Lifeboat.openWriteAheadLog(anyUri, options(Map.of("durability", "flush")))
                        .close())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("hflush");
        try (WriteAheadLog wal = Lifeboat.openWriteAheadLog(anyUri, options(Map.of("durability", "none")))) {
            assertThat(wal.capabilities()).containsExactly(Capability.WAL_SINGLE_WRITER);
            assertThat(wal.write(ByteBuffer.wrap(payload(1)), 1)).isEqualTo(RecordHandle.of(0));
            assertThatThrownBy(() -> wal.sync(Durability.SYNC)).isInstanceOf(UnsupportedOperationException.class);
        }
        try (WriteAheadLog wal = Lifeboat.openWriteAheadLog(anyUri, options(Map.of("durability", "none")))) {
            assertThat(wal.read(RecordHandle.of(0)).orElseThrow().bytes()).isEqualTo(payload(1));
        }
    }

    private static void awaitAcks(Map<Long, Long> acked, AtomicReference<Throwable> failure, int count)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (acked.size() < count && failure.get() == null && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        if (failure.get() == null) {
            assertThat(acked.size()).as("appends acknowledged within 60 s").isGreaterThanOrEqualTo(count);
        }
    }

    /** The index of a datanode that holds the last block of the log's newest segment. */
    private static int dataNodeOfTheOpenSegment(URI root) throws IOException {
        DistributedFileSystem fs = hdfs.cluster().getFileSystem();
        FileStatus newest = null;
        for (FileStatus s : fs.listStatus(new Path(root.getPath()))) {
            if (s.getPath().getName().endsWith(".wal")
                    && (newest == null
                            || s.getPath().getName().compareTo(newest.getPath().getName()) > 0)) {
                newest = s;
            }
        }
        assertThat(newest).as("a segment of %s", root).isNotNull();
        LocatedBlocks blocks =
                fs.getClient().getLocatedBlocks(newest.getPath().toUri().getPath(), 0);
        DatanodeInfo[] locations = blocks.getLastLocatedBlock().getLocations();
        assertThat(locations).as("pipeline of %s", newest.getPath()).isNotEmpty();
        List<DataNode> nodes = hdfs.cluster().getDataNodes();
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i).getXferPort() == locations[0].getXferPort()) {
                return i;
            }
        }
        throw new AssertionError("no datanode of the cluster serves " + locations[0]);
    }
}
