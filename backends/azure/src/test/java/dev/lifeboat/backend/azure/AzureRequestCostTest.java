package dev.lifeboat.backend.azure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.checkpoint.CheckpointId;
import dev.lifeboat.spi.checkpoint.CheckpointInfo;
import dev.lifeboat.spi.checkpoint.CheckpointStore;
import dev.lifeboat.spi.checkpoint.CheckpointWriter;
import dev.lifeboat.spi.wal.WriteAheadLog;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the stores cost in requests, counted by a proxy in front of Azurite, and how they come
 * through requests that fail before or after reaching storage.
 */
class AzureRequestCostTest {
    @RegisterExtension
    static final Azurite AZURITE = new Azurite();

    private static CountingProxy proxy;

    @BeforeAll
    static void startProxy() throws Exception {
        proxy = new CountingProxy(AZURITE.endpoint());
    }

    @AfterAll
    static void stopProxy() {
        proxy.close();
    }

    @BeforeEach
    void reset() {
        proxy.reset();
    }

    private static Map<String, String> options() {
        Map<String, String> o = new HashMap<>(AZURITE.options());
        o.put("endpoint", proxy.endpoint(Azurite.ACCOUNT).toString());
        return o;
    }

    private static boolean isPut(CountingProxy.Seen s) {
        return s.method().equals("PUT") && (s.query() == null || !s.query().contains("comp="));
    }

    @Test
    void checkpointOfNPartsCostsNPutsAndOneManifestPut() throws Exception {
        try (CheckpointStore store = Lifeboat.openCheckpointStore(AZURITE.newRoot(), options())) {
            proxy.reset();
            try (CheckpointWriter w = store.begin(CheckpointId.of("offsets/1"))) {
                for (int p = 0; p < 5; p++) {
                    w.writePart("part-" + p, new byte[1000 + p]);
                }
                w.commit();
            }
            assertThat(proxy.seen())
                    .as("requests of a 5-part checkpoint commit")
                    .hasSize(6)
                    .allMatch(AzureRequestCostTest::isPut);
        }
    }

    @Test
    void walBatchesAreFarFewerThanRecords() throws Exception {
        int records = 2000;
        try (WriteAheadLog wal = Lifeboat.openWriteAheadLog(AZURITE.newRoot(), options())) {
            proxy.reset();
            List<CompletableFuture<?>> acks = new ArrayList<>();
            for (int i = 0; i < records; i++) {
                acks.add(wal.appendAsync(ByteBuffer.wrap(new byte[100]), i));
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
        }
        long appends = proxy.count(s -> s.query() != null && s.query().contains("comp=appendblock"));
        assertThat(appends)
                .as("Append Block requests for %d records appended at once", records)
                .isPositive()
                .isLessThan(records / 20);
    }

    @Test
    void manifestPutWhoseAnswerIsLostIsReconciledAsCommitted() throws Exception {
        URI root = AZURITE.newRoot();
        try (CheckpointStore store = Lifeboat.openCheckpointStore(root, options())) {
            // The manifest PUT lands, but its answer is a 500: the SDK retries, is refused by the
            // first PUT's success (409), and the store reads the manifest back: it is its own.
            proxy.failAfter(s -> s.path().contains("/checkpoints/manifests/")
                    && s.method().equals("PUT")
                    && proxy.count(x -> x.path().equals(s.path())) == 1);
            CheckpointInfo info;
            try (CheckpointWriter w = store.begin(CheckpointId.of("commits/7"))) {
                w.writePart("p", new byte[] {1, 2, 3});
                info = w.commit();
            }
            assertThat(store.open(CheckpointId.of("commits/7")).orElseThrow().info())
                    .isEqualTo(info);
            assertThat(proxy.count(s -> s.path().contains("/checkpoints/manifests/")
                            && s.method().equals("PUT")))
                    .as("manifest PUTs: the lost one and the SDK's retry")
                    .isEqualTo(2);
        }
    }

    @Test
    void appendWhoseAnswerIsLostIsNotWrittenTwice() throws Exception {
        URI root = AZURITE.newRoot();
        try (WriteAheadLog wal = Lifeboat.openWriteAheadLog(root, options())) {
            wal.write(ByteBuffer.wrap(new byte[] {0}), 0);
            // The next Append Block lands but its answer is lost: the retry fails the append-position
            // condition, and the store finds its own bytes at that position.
            proxy.reset();
            proxy.failAfter(s -> s.query() != null
                    && s.query().contains("comp=appendblock")
                    && proxy.count(x -> x.query() != null && x.query().contains("comp=appendblock")) == 1);
            wal.write(ByteBuffer.wrap(new byte[] {1}), 1);
            wal.write(ByteBuffer.wrap(new byte[] {2}), 2);
            assertThat(proxy.count(s -> s.query() != null && s.query().contains("comp=appendblock")))
                    .as("Append Blocks: the lost one, the SDK's refused retry, the next record")
                    .isEqualTo(3);
        }
        proxy.reset();
        try (WriteAheadLog wal = Lifeboat.openWriteAheadLog(root, options())) {
            assertThat(wal.recovery().nextLsn()).isEqualTo(3);
            for (int i = 0; i < 3; i++) {
                assertThat(wal.read(dev.lifeboat.spi.wal.RecordHandle.of(i))
                                .orElseThrow()
                                .bytes())
                        .containsExactly((byte) i);
            }
        }
    }

    @Test
    void unavailableAnswersAreRetriedByTheSdk() throws Exception {
        URI root = AZURITE.newRoot();
        try (CheckpointStore store = Lifeboat.openCheckpointStore(root, options())) {
            proxy.failBefore(s -> isPut(s) && proxy.count(x -> x.path().equals(s.path())) == 1);
            try (CheckpointWriter w = store.begin(CheckpointId.of("a/1"))) {
                w.writePart("p", new byte[] {9});
                w.commit();
            }
            assertThat(store.open(CheckpointId.of("a/1")).orElseThrow().readPart("p"))
                    .containsExactly(9);
            assertThat(proxy.count(AzureRequestCostTest::isPut))
                    .as("PUTs: each of the two refused once, then retried")
                    .isEqualTo(4);
        }
    }
}
