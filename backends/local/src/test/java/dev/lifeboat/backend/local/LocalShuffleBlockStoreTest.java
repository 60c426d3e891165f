package dev.lifeboat.backend.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.fault.StorageFaults;
import dev.lifeboat.spi.fault.StoredKind;
import dev.lifeboat.spi.fault.StoredObject;
import dev.lifeboat.spi.shuffle.BlockUnavailableException;
import dev.lifeboat.spi.shuffle.LossScope;
import dev.lifeboat.spi.shuffle.MapOutputId;
import dev.lifeboat.spi.shuffle.MapOutputWriter;
import dev.lifeboat.spi.shuffle.MapStatus;
import dev.lifeboat.spi.shuffle.ShuffleBlockStore;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalShuffleBlockStoreTest {
    @TempDir
    Path dir;

    private URI uri;
    private ShuffleBlockStore store;

    @BeforeEach
    void open() throws IOException {
        uri = dir.resolve("executor-1").toUri();
        store = Lifeboat.openShuffleBlockStore(uri, Map.of());
    }

    @AfterEach
    void close() throws IOException {
        store.close();
    }

    @Test
    void blocksAreReadBackAndSkippedPartitionsAreEmpty() throws IOException {
        MapStatus status = write(store, MapOutputId.of(3, 7, 0), 5, "zero", null, "two", null, "four");
        assertThat(status.location())
                .isEqualTo(store.location())
                .isEqualTo(dir.resolve("executor-1").toString());
        assertThat(status.length(1)).isZero();
        for (int r = 0; r < 5; r++) {
            assertThat(text(store.readBlock(status, r))).isEqualTo(new String[] {"zero", "", "two", "", "four"}[r]);
        }
        assertThat(dir.resolve("executor-1/shuffle-3/7-0.data")).exists();
        assertThat(dir.resolve("executor-1/shuffle-3/7.index")).exists();
        assertThat(store.capabilities()).doesNotContain(Capability.SHUFFLE_BLOCKS_OUTLIVE_EXECUTOR);
    }

    @Test
    void partitionsMustBeOpenedInIncreasingOrder() throws IOException {
        try (MapOutputWriter w = store.openMapOutput(MapOutputId.of(0, 0, 0), 3)) {
            w.writePartition(1, bytes("x"));
            assertThatThrownBy(() -> w.openPartition(1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("1");
            assertThatThrownBy(() -> w.openPartition(3))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("out of range");
        }
        assertThat(dir.resolve("executor-1/shuffle-0").toFile().list()).isEmpty(); // aborted: nothing left
    }

    @Test
    void theFirstCommittedAttemptWinsAndLaterOnesGetItsStatus() throws IOException {
        MapOutputWriter slow = store.openMapOutput(MapOutputId.of(1, 4, 0), 2);
        slow.writePartition(0, bytes("slow attempt"));
        MapStatus fast = write(store, MapOutputId.of(1, 4, 1), 2, "fast attempt", "b");
        MapStatus returned = slow.commit();
        assertThat(returned).isEqualTo(fast);
        assertThat(returned.id().attempt()).isEqualTo(1);
        assertThat(text(store.readBlock(returned, 0))).isEqualTo("fast attempt");
        assertThat(dir.resolve("executor-1/shuffle-1/4-0.data")).doesNotExist();
        try (Stream<Path> files = Files.list(dir.resolve("executor-1/shuffle-1"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("4-1.data", "4.index");
        }
        // the same attempt number again (a retry after a lost status) never touches the winner's bytes
        MapStatus again = write(store, MapOutputId.of(1, 4, 1), 2, "different bytes", "c");
        assertThat(again).isEqualTo(fast);
        assertThat(text(store.readBlock(again, 0))).isEqualTo("fast attempt");
    }

    @Test
    void concurrentAttemptsAgreeOnOneWinner() throws Exception {
        int attempts = 6;
        try (ShuffleBlockStore other = Lifeboat.openShuffleBlockStore(uri, Map.of())) {
            ExecutorService pool = Executors.newFixedThreadPool(attempts);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<MapStatus>> results = new ArrayList<>();
                for (int a = 0; a < attempts; a++) {
                    ShuffleBlockStore s = a % 2 == 0 ? store : other;
                    int attempt = a;
                    results.add(pool.submit((Callable<MapStatus>) () -> {
                        try (MapOutputWriter w = s.openMapOutput(MapOutputId.of(2, 0, attempt), 1)) {
                            w.writePartition(0, bytes("attempt " + attempt));
                            start.await();
                            return w.commit();
                        }
                    }));
                }
                start.countDown();
                MapStatus first = results.get(0).get();
                for (Future<MapStatus> f : results) {
                    assertThat(f.get()).isEqualTo(first);
                }
                assertThat(text(store.readBlock(first, 0)))
                        .isEqualTo("attempt " + first.id().attempt());
            } finally {
                pool.shutdownNow();
            }
        }
        try (Stream<Path> files = Files.list(dir.resolve("executor-1/shuffle-2"))) {
            assertThat(files).hasSize(2);
        }
    }

    @Test
    void lossesCarryTheirScope() throws IOException {
        MapStatus a = write(store, MapOutputId.of(5, 0, 0), 2, "a0", "a1");
        MapStatus b = write(store, MapOutputId.of(5, 1, 0), 2, "b0", "b1");
        StorageFaults faults = new LocalShuffleBlockStoreProvider().faults(uri, Map.of());

        List<StoredObject> data = faults.list(StoredKind.SHUFFLE_DATA);
        assertThat(data).extracting(StoredObject::key).containsExactly("5/0", "5/1");
        faults.flipByte(data.get(0), 3); // inside block 1 of map 0
        assertThat(text(store.readBlock(a, 0))).isEqualTo("a0");
        try (InputStream in = store.openBlock(a, 1)) {
            assertThatThrownBy(in::readAllBytes).isInstanceOfSatisfying(BlockUnavailableException.class, e -> {
                assertThat(e.scope()).isEqualTo(LossScope.MAP_OUTPUT);
                assertThat(e.blockId().toString()).isEqualTo("shuffle_5_0_1");
            });
        }

        List<StoredObject> indexes = faults.list(StoredKind.SHUFFLE_INDEX);
        assertThat(indexes).extracting(StoredObject::key).containsExactly("5/0", "5/1");
        faults.delete(indexes.get(1));
        assertScope(b, LossScope.MAP_OUTPUT);

        store.removeShuffle(5);
        store.removeShuffle(5);
        assertScope(b, LossScope.SHUFFLE);

        MapStatus c = write(store, MapOutputId.of(6, 0, 0), 1, "c");
        store.close();
        deleteTree(dir.resolve("executor-1"));
        try (ShuffleBlockStore reader =
                Lifeboat.openShuffleBlockStore(dir.resolve("executor-2").toUri(), Map.of())) {
            assertThatThrownBy(() -> reader.readBlock(c, 0))
                    .isInstanceOfSatisfying(
                            BlockUnavailableException.class,
                            e -> assertThat(e.scope()).isEqualTo(LossScope.LOCATION));
        }
    }

    @Test
    void anotherStoreReadsBlocksAtThisLocation() throws IOException {
        MapStatus s = write(store, MapOutputId.of(8, 2, 3), 1, "shared");
        try (ShuffleBlockStore reader =
                Lifeboat.openShuffleBlockStore(dir.resolve("executor-2").toUri(), Map.of())) {
            assertThat(text(reader.readBlock(MapStatus.fromBytes(s.toBytes()), 0)))
                    .isEqualTo("shared");
        }
    }

    @Test
    void committedMapOutputsAreListedInShuffleAndMapOrder() throws IOException {
        MapStatus s10m2 = write(store, MapOutputId.of(10, 2, 0), 1, "x");
        MapStatus s2m10 = write(store, MapOutputId.of(2, 10, 1), 1, "y");
        MapStatus s2m9 = write(store, MapOutputId.of(2, 9, 0), 1, "z");
        store.openMapOutput(MapOutputId.of(2, 11, 0), 1).writePartition(0, bytes("uncommitted"));
        assertThat(store.committedMapOutputs()).containsExactly(s2m9, s2m10, s10m2);
    }

    @Test
    void closedStoreRefusesWork() throws IOException {
        MapOutputWriter w = store.openMapOutput(MapOutputId.of(0, 0, 0), 1);
        store.close();
        assertThatThrownBy(w::commit).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> store.removeShuffle(0)).isInstanceOf(IllegalStateException.class);
        assertThat(dir.resolve("executor-1/shuffle-0").toFile().list()).isEmpty();
    }

    private void assertScope(MapStatus status, LossScope scope) {
        assertThatThrownBy(() -> store.readBlock(status, 0))
                .isInstanceOfSatisfying(
                        BlockUnavailableException.class,
                        e -> assertThat(e.scope()).isEqualTo(scope));
    }

    private static MapStatus write(ShuffleBlockStore s, MapOutputId id, int n, String... blocks) throws IOException {
        try (MapOutputWriter w = s.openMapOutput(id, n)) {
            for (int r = 0; r < blocks.length; r++) {
                if (blocks[r] != null) {
                    w.writePartition(r, bytes(blocks[r]));
                }
            }
            return w.commit();
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p :
                    s.sorted((x, y) -> y.getNameCount() - x.getNameCount()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
