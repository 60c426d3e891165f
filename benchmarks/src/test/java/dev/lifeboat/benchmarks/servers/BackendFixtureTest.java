package dev.lifeboat.benchmarks.servers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.checkpoint.CheckpointId;
import dev.lifeboat.spi.checkpoint.CheckpointStore;
import dev.lifeboat.spi.checkpoint.CheckpointWriter;
import dev.lifeboat.spi.election.Candidate;
import dev.lifeboat.spi.election.LeaderElection;
import dev.lifeboat.spi.election.Leadership;
import dev.lifeboat.spi.election.LeadershipListener;
import dev.lifeboat.spi.election.LossReason;
import dev.lifeboat.spi.shuffle.MapOutputId;
import dev.lifeboat.spi.shuffle.MapOutputWriter;
import dev.lifeboat.spi.shuffle.MapStatus;
import dev.lifeboat.spi.shuffle.ShuffleBlockStore;
import dev.lifeboat.spi.wal.LogRecord;
import dev.lifeboat.spi.wal.RecordHandle;
import dev.lifeboat.spi.wal.WriteAheadLog;
import dev.lifeboat.spi.wal.WriteAheadLogReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every backend fixture starts its real server and reaches it with the URIs and options the
 * suites use, for every contract the backend serves; closing removes everything it wrote.
 */
class BackendFixtureTest {
    private static final Map<String, String> WAL =
            Map.of("durability", "sync", "segment-bytes", "64MiB", "max-record-bytes", "1MiB");

    @Test
    void local() throws Exception {
        Path dir;
        try (BackendFixture f = BackendFixture.start("local")) {
            dir = f.dir();
            wal(f);
            checkpoint(f);
            shuffle(f);
            election(f);
            assertThat(f.uri("x")).as("every location is fresh").isNotEqualTo(f.uri("x"));
        }
        assertThat(dir).doesNotExist();
    }

    @Test
    void chronicle() throws Exception {
        try (BackendFixture f = BackendFixture.start("chronicle")) {
            assertThat(f.uri("wal").toString()).startsWith("chronicle:///");
            wal(f);
        }
    }

    @Test
    void hadoopOnMiniDfsCluster() throws Exception {
        try (BackendFixture f = BackendFixture.start("hadoop")) {
            assertThat(f.uri("wal").getScheme()).isEqualTo("hdfs");
            wal(f);
            checkpoint(f);
            shuffle(f);
        }
    }

    @Test
    void s3OnS3Proxy() throws Exception {
        Path dir;
        try (BackendFixture f = BackendFixture.start("s3")) {
            dir = f.dir();
            wal(f);
            checkpoint(f);
            shuffle(f);
            election(f);
            try (var files = Files.walk(dir.resolve("s3proxy"))) {
                assertThat(files.filter(Files::isRegularFile).count())
                        .as("objects on the benchmark's disk")
                        .isPositive();
            }
        }
        assertThat(dir).doesNotExist();
    }

    @Test
    void azureOnAzurite() throws Exception {
        Path dir;
        try (BackendFixture f = BackendFixture.start("azure")) {
            dir = f.dir();
            assertThat(f.uri("wal").getScheme()).isEqualTo("azblob");
            wal(f);
            checkpoint(f);
            shuffle(f);
            election(f);
            try (var files = Files.walk(dir.resolve("azurite"))) {
                assertThat(files.filter(Files::isRegularFile).count())
                        .as("blobs on the benchmark's disk")
                        .isPositive();
            }
        }
        assertThat(dir).doesNotExist();
    }

    @Test
    void zooKeeperOnTestingServer() throws Exception {
        try (BackendFixture f = BackendFixture.start("zookeeper")) {
            assertThat(f.options()).containsEntry("session-timeout", "2s");
            election(f);
        }
    }

    @Test
    void refusesAnUnknownBackend() {
        assertThatThrownBy(() -> BackendFixture.start("gcs"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'gcs'")
                .hasMessageContaining("local, chronicle, hadoop, s3, azure, zookeeper");
    }

    private static void wal(BackendFixture f) throws Exception {
        var uri = f.uri("wal");
        RecordHandle h;
        try (WriteAheadLog log = Lifeboat.openWriteAheadLog(uri, f.options(WAL))) {
            h = log.write(ByteBuffer.wrap("hello".getBytes(StandardCharsets.UTF_8)), 1);
        }
        try (WriteAheadLogReader r = Lifeboat.openWriteAheadLogReader(uri, f.options(WAL))) {
            LogRecord rec = r.read(h).orElseThrow();
            assertThat(new String(rec.bytes(), StandardCharsets.UTF_8)).isEqualTo("hello");
        }
    }

    private static void checkpoint(BackendFixture f) throws Exception {
        try (CheckpointStore store = Lifeboat.openCheckpointStore(f.uri("checkpoints"), f.options())) {
            try (CheckpointWriter w = store.begin(CheckpointId.of("c/1"))) {
                w.writePart("p", new byte[] {1, 2, 3});
                w.commit();
            }
            assertThat(store.open(CheckpointId.of("c/1")).orElseThrow().readPart("p"))
                    .containsExactly(1, 2, 3);
        }
    }

    private static void shuffle(BackendFixture f) throws Exception {
        try (ShuffleBlockStore store = Lifeboat.openShuffleBlockStore(f.uri("shuffle"), f.options())) {
            MapStatus status;
            try (MapOutputWriter w = store.openMapOutput(MapOutputId.of(0, 0, 0), 2)) {
                w.writePartition(0, new byte[] {7});
                w.writePartition(1, new byte[] {8, 9});
                status = w.commit();
            }
            assertThat(store.readBlock(status, 1)).containsExactly(8, 9);
        }
    }

    private static void election(BackendFixture f) throws Exception {
        try (LeaderElection e = Lifeboat.openLeaderElection(f.uri("group"), f.options());
                Candidate c = e.join("only", new LeadershipListener() {
                    @Override
                    public void elected(Leadership leadership) {}

                    @Override
                    public void lost(Leadership leadership, LossReason reason) {}
                })) {
            assertThat(c.awaitLeadership(Duration.ofSeconds(30))).isTrue();
        }
    }
}
